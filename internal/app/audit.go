package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// MaxAuditPage bounds one page of the audit log.
const MaxAuditPage = 1000

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
