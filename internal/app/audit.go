package app

import (
	"context"

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
