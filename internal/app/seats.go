package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/store"
)

// SeatUsage is the seat figure the dashboard shows (O13, O15).
type SeatUsage struct {
	Used  int // active and invited users
	Limit int // 0 when unlimited
}

// Full reports whether no seat is left.
func (s SeatUsage) Full() bool { return s.Limit > 0 && s.Used >= s.Limit }

// SeatUsage counts the seats in use and the license's limit. Admins only.
func (s *Service) SeatUsage(ctx context.Context, a roster.Actor) (SeatUsage, error) {
	if err := requireAdmin(a); err != nil {
		return SeatUsage{}, err
	}
	var u SeatUsage
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if l := s.activeLicense(tx.Now()); l != nil {
			u.Limit = l.Seats
		}
		var err error
		u.Used, err = tx.SeatCount(ctx, orgID(a))
		return err
	})
	if err != nil {
		return SeatUsage{}, fmt.Errorf("seat usage: %w", err)
	}
	return u, nil
}
