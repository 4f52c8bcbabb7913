package app

import (
	"context"
	"time"

	"roster/internal/store"
)

// RunMaintenance deletes expired sessions every interval until ctx ends.
func (s *Service) RunMaintenance(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		var n int64
		err := s.db.Tx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.DeleteExpiredSessions(ctx)
			return err
		})
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("delete expired sessions", "err", err)
		case n > 0:
			s.log.Info("deleted expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
