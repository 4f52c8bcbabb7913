package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"roster"
)

// AppendAudit records one audit entry, timestamped with the tx clock. It
// is written with the transaction's other entries in one statement just
// before commit (flushAudit), in the order they were appended; no write
// transaction reads the audit log back.
func (tx *Tx) AppendAudit(ctx context.Context, e *roster.AuditEntry) error {
	e.Timestamp = tx.now
	tx.audits = append(tx.audits, e)
	return nil
}

// auditColumns are audit_log's columns as auditArgs lists them.
const auditColumns = `org_id, ts, action, actor_user_id, actor_email, actor_ip,
	user_asset, user_email, entity_name, entity_asset, project_name, project_asset, via, details, response_code`

// auditInsert is one multi-row INSERT of the transaction's audit entries
// (at most auditRowsPerInsert of them), and its arguments.
func auditInsert(entries []*roster.AuditEntry) (string, []any) {
	var q strings.Builder
	q.WriteString(`INSERT INTO audit_log (` + auditColumns + `) VALUES `)
	args := make([]any, 0, 15*len(entries))
	for i, e := range entries {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, e.OrgID, e.Timestamp.UnixMicro(), e.Action, e.ActorUserID, e.ActorEmail, e.ActorIP,
			e.UserAsset, e.UserEmail, e.EntityName, e.EntityAsset, e.ProjectName, e.ProjectAsset, string(e.Via), e.Details, e.ResponseCode)
	}
	return q.String(), args
}

// auditRowsPerInsert keeps one INSERT's arguments under both engines'
// limit on bound parameters (15 columns each).
const auditRowsPerInsert = 1000

// flushAudit writes the entries AppendAudit recorded, all but the last
// keep of them; the last keep are left for the caller to write in its own
// statement (flushWrites, on PostgreSQL, with the seat count).
func (tx *Tx) flushAudit(ctx context.Context, keep int) error {
	for len(tx.audits) > keep {
		n := min(len(tx.audits)-keep, auditRowsPerInsert)
		q, args := auditInsert(tx.audits[:n])
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("append audit entries (%s first): %w", tx.audits[0].Action, err)
		}
		tx.audits = tx.audits[n:]
	}
	return nil
}

// AuditFilter selects audit entries in [From, To) that come after the
// entry (AfterTime, AfterID) in the listing's order. Both parts are
// needed: entry times need not rise with ids when servers' clocks differ
// (D1).
type AuditFilter struct {
	From, To  time.Time
	AfterTime time.Time // with AfterID, the last entry already read; zero for none
	AfterID   int64
	Limit     int  // 0 for no limit
	Newest    bool // newest first rather than oldest first
	// Action keeps one action ("user:create"), or a family of them when it
	// ends with a colon ("user:").
	Action string
	Actor  string // keeps the entries of the actor with this email, compared without case
	// Text keeps entries whose emails, team, project or details contain it,
	// without case.
	Text string
}

// ListAudit calls fn for each matching entry in order; it stops early
// when fn returns an error.
func (tx *Tx) ListAudit(ctx context.Context, orgID string, f AuditFilter, fn func(*roster.AuditEntry) error) error {
	q := `SELECT id, org_id, ts, action, actor_user_id, actor_email, actor_ip, user_asset, user_email,
		entity_name, entity_asset, project_name, project_asset, via, details, response_code FROM audit_log
		WHERE org_id = ? AND ts >= ? AND ts < ?`
	args := []any{orgID, f.From.UnixMicro(), f.To.UnixMicro()}
	cmp, order := ">", ` ORDER BY ts, id`
	if f.Newest {
		cmp, order = "<", ` ORDER BY ts DESC, id DESC`
	}
	if !f.AfterTime.IsZero() || f.AfterID != 0 {
		after := f.AfterTime.UnixMicro()
		q += ` AND (ts ` + cmp + ` ? OR (ts = ? AND id ` + cmp + ` ?))`
		args = append(args, after, after, f.AfterID)
	}
	switch {
	case strings.HasSuffix(f.Action, ":"):
		q, args = q+` AND action LIKE ? ESCAPE '\'`, append(args, escapeLike(f.Action)+"%")
	case f.Action != "":
		q, args = q+` AND action = ?`, append(args, f.Action)
	}
	if f.Actor != "" {
		q, args = q+` AND LOWER(actor_email) = ?`, append(args, strings.ToLower(f.Actor))
	}
	if f.Text != "" {
		q += ` AND LOWER(actor_email || ' ' || user_email || ' ' || entity_name || ' ' || project_name || ' ' || details) LIKE ? ESCAPE '\'`
		args = append(args, "%"+escapeLike(strings.ToLower(f.Text))+"%")
	}
	q += order
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
			&e.UserAsset, &e.UserEmail, &e.EntityName, &e.EntityAsset, &e.ProjectName, &e.ProjectAsset, &e.Via,
			&e.Details, &e.ResponseCode); err != nil {
			return fmt.Errorf("scan audit entry: %w", err)
		}
		e.Timestamp = fromMicros(ts)
		if err := fn(&e); err != nil {
			return err
		}
	}
	return mapError(rows.Err())
}

// ActiveUsersPerDay counts, for each UTC day since since, the users
// (not service accounts) with at least one audit entry as actor that day,
// keyed YYYY-MM-DD.
func (tx *Tx) ActiveUsersPerDay(ctx context.Context, orgID string, since time.Time) (map[string]int, error) {
	const dayMicros = int64(24 * time.Hour / time.Microsecond)
	rows, err := tx.query(ctx, `SELECT ts / `+strconv.FormatInt(dayMicros, 10)+` AS day, COUNT(DISTINCT actor_user_id)
		FROM audit_log WHERE org_id = ? AND ts >= ? AND actor_user_id LIKE 'u\_%' ESCAPE '\' GROUP BY 1`,
		orgID, since.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("active users per day: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var day int64
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return nil, fmt.Errorf("active users per day: %w", err)
		}
		out[time.UnixMicro(day*dayMicros).UTC().Format(time.DateOnly)] = n
	}
	return out, mapError(rows.Err())
}

// CountAudit counts the organization's audit entries with an action.
func (tx *Tx) CountAudit(ctx context.Context, orgID, action string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE org_id = ? AND (? = '' OR action = ?)`, orgID, action, action).Scan(&n)
	return n, mapError(err)
}
