package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/store"
)

// SeatUsage is the seat figure the dashboard shows (O13, O15).
type SeatUsage struct {
	Used  int // active and invited users of the organization
	Limit int // 0 when unlimited
	// Taken is the seats counted against Limit: Used under the
	// organization's own license; under the instance license, every
	// organization's it governs, together.
	Taken         int
	pooled        bool // the limit is the instance license's, shared
	instanceAdmin bool
}

// Full reports whether no seat is left.
func (s SeatUsage) Full() bool { return s.Limit > 0 && s.Taken >= s.Limit }

// Left is how many seats may still be taken; 0 when unlimited.
func (s SeatUsage) Left() int { return max(s.Limit-s.Taken, 0) }

// Shared reports whether the limit is the instance license's, which the
// organizations it governs share.
func (s SeatUsage) Shared() bool { return s.pooled }

// LeftShown reports whether Left may be shown to the caller: what is left
// of a shared limit tells the other organizations' count (#18: no
// organization's counts reach another's admins), so only an instance
// admin sees it.
func (s SeatUsage) LeftShown() bool { return !s.pooled || s.instanceAdmin }

// SeatUsage counts the organization's seats in use and the limit of the
// license governing it. Admins only.
func (s *Service) SeatUsage(ctx context.Context, a roster.Actor) (SeatUsage, error) {
	if err := requireAdmin(a); err != nil {
		return SeatUsage{}, err
	}
	var u SeatUsage
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		org := orgID(a)
		st, err := s.licenseOf(ctx, tx, org, tx.Now())
		if err != nil {
			return err
		}
		if u.Used, err = tx.SeatCount(ctx, org); err != nil {
			return err
		}
		u.Taken = u.Used
		if st.Status == LicenseValid {
			u.Limit = st.License.Seats
			u.Taken, err = s.seatsTaken(ctx, tx, st, u.Used)
			u.pooled, u.instanceAdmin = s.pooled(st), IsInstanceAdmin(a)
		}
		return err
	})
	if err != nil {
		return SeatUsage{}, fmt.Errorf("seat usage: %w", err)
	}
	return u, nil
}
