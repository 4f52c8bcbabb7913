package app

import (
	"context"
	"time"

	"roster/internal/store"
)

// MailRetention is how long settled mails (sent, canceled or given up on)
// stay in the outbox, so that admins can see how an invite went.
const MailRetention = 30 * 24 * time.Hour

// RunMaintenance deletes expired sessions, old settled mail, failure
// budgets that remember nothing and expired device tokens every interval
// until ctx ends.
func (s *Service) RunMaintenance(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		var sessions, mails, failures, devices int64
		err := s.db.Tx(ctx, func(tx *store.Tx) error {
			var err error
			if sessions, err = tx.DeleteExpiredSessions(ctx); err != nil {
				return err
			}
			if failures, err = tx.DeleteExpiredAuthFailures(ctx); err != nil {
				return err
			}
			if devices, err = tx.DeleteExpiredLoginDevices(ctx); err != nil {
				return err
			}
			mails, err = tx.DeleteSettledMail(ctx, tx.Now().Add(-MailRetention))
			return err
		})
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("maintenance", "err", err)
		case sessions > 0 || mails > 0 || failures > 0 || devices > 0:
			s.log.Info("maintenance", "expired_sessions_deleted", sessions, "settled_mails_deleted", mails,
				"expired_failures_deleted", failures, "expired_devices_deleted", devices)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
