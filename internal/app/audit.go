package app

import (
	"context"
	"fmt"
	"time"

	"roster"
	"roster/internal/store"
)

// MaxAuditPage bounds one page of the audit log.
const MaxAuditPage = 1000

// auditStreamPage is how many entries each short read of a stream loads.
const auditStreamPage = 500

// StreamAudit hands the range to write a page at a time (I2). Each page is
// read in its own short transaction and written after that transaction
// ends, so a client that reads slowly, or not at all, never holds a
// database connection or (on SQLite) pins a snapshot; the stream walks the
// log by time and id, so it resumes exactly after the last entry written.
func (s *Service) StreamAudit(ctx context.Context, a roster.Actor, f store.AuditFilter, anonymize bool, write func([]*roster.AuditEntry) error) error {
	f.Limit = auditStreamPage
	for {
		page := make([]*roster.AuditEntry, 0, auditStreamPage)
		err := s.ListAudit(ctx, a, f, anonymize, func(e *roster.AuditEntry) error {
			page = append(page, e)
			return nil
		})
		if err != nil {
			return err
		}
		if err := write(page); err != nil {
			return err
		}
		if len(page) < auditStreamPage {
			return nil
		}
		last := page[len(page)-1]
		f.AfterTime, f.AfterID = last.Timestamp, last.ID
	}
}

// ListAudit streams audit entries to fn in time order (I2, L3). Admins
// only; anonymize drops personal data.
func (s *Service) ListAudit(ctx context.Context, a roster.Actor, f store.AuditFilter, anonymize bool, fn func(*roster.AuditEntry) error) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	if !f.To.After(f.From) {
		return roster.Errorf(roster.EInvalid, "the end of the range must come after its start")
	}
	if f.Limit > MaxAuditPage {
		return roster.Errorf(roster.EInvalid, "limit must be at most %d", MaxAuditPage)
	}
	return s.db.Read(ctx, func(tx *store.Tx) error {
		return tx.ListAudit(ctx, orgID(a), f, func(e *roster.AuditEntry) error {
			if anonymize {
				anon := e.Anonymized()
				// Details quote what people typed, such as a failed
				// sign-in's login or a key's name: personal data too (L3).
				anon.Details = ""
				e = &anon
			}
			return fn(e)
		})
	})
}

// ActivityDays is how many days the activity chart shows.
const ActivityDays = 30

// OrgActivity counts the organization's active users per day over the
// last ActivityDays days: users with an audit entry as actor that day
// (signed in, changed something, opened a user or project, logged a run).
// Admins only.
func (s *Service) OrgActivity(ctx context.Context, a roster.Actor) (map[string]int, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var out map[string]int
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		since := tx.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1-ActivityDays)
		var err error
		out, err = tx.ActiveUsersPerDay(ctx, orgID(a), since)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("organization activity: %w", err)
	}
	return out, nil
}
