package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"roster"
)

// AppendAudit writes one audit entry; its timestamp is the tx clock.
func (tx *Tx) AppendAudit(ctx context.Context, e *roster.AuditEntry) error {
	e.Timestamp = tx.now
	_, err := tx.exec(ctx, `INSERT INTO audit_log (org_id, ts, action, actor_user_id, actor_email, actor_ip,
		user_asset, user_email, entity_name, project_name, via, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.OrgID, e.Timestamp.UnixMicro(), e.Action, e.ActorUserID, e.ActorEmail, e.ActorIP,
		e.UserAsset, e.UserEmail, e.EntityName, e.ProjectName, string(e.Via), e.Details)
	if err != nil {
		return fmt.Errorf("append audit entry %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter selects audit entries in [From, To) that come after the
// entry (AfterTime, AfterID) in time order. Both parts are needed: entry
// times need not rise with ids when servers' clocks differ (D1).
type AuditFilter struct {
	From, To  time.Time
	AfterTime time.Time // with AfterID, the last entry already read; zero for none
	AfterID   int64
	Limit     int // 0 for no limit
}

// ListAudit calls fn for each matching entry in time order; it stops early
// when fn returns an error.
func (tx *Tx) ListAudit(ctx context.Context, orgID string, f AuditFilter, fn func(*roster.AuditEntry) error) error {
	q := `SELECT id, org_id, ts, action, actor_user_id, actor_email, actor_ip, user_asset, user_email,
		entity_name, project_name, via, details FROM audit_log
		WHERE org_id = ? AND ts >= ? AND ts < ?`
	args := []any{orgID, f.From.UnixMicro(), f.To.UnixMicro()}
	if !f.AfterTime.IsZero() || f.AfterID != 0 {
		after := f.AfterTime.UnixMicro()
		q += ` AND (ts > ? OR (ts = ? AND id > ?))`
		args = append(args, after, after, f.AfterID)
	}
	q += ` ORDER BY ts, id`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e roster.AuditEntry
		var ts sql.NullInt64
		if err := rows.Scan(&e.ID, &e.OrgID, &ts, &e.Action, &e.ActorUserID, &e.ActorEmail, &e.ActorIP,
			&e.UserAsset, &e.UserEmail, &e.EntityName, &e.ProjectName, &e.Via, &e.Details); err != nil {
			return fmt.Errorf("scan audit entry: %w", err)
		}
		e.Timestamp = fromMicros(ts)
		if err := fn(&e); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}

// CountAudit counts the organization's audit entries with an action.
func (tx *Tx) CountAudit(ctx context.Context, orgID, action string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE org_id = ? AND (? = '' OR action = ?)`, orgID, action, action).Scan(&n)
	return n, mapError(err)
}
