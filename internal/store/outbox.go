package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"roster"
)

const outboxColumns = `id, org_id, kind, ref, recipient, subject, text_body, html_body, status, attempts,
	last_error, reply, created_at, next_attempt_at, sent_at`

func scanMail(row interface{ Scan(...any) error }) (*roster.OutboxMail, error) {
	var m roster.OutboxMail
	var created, next, sent sql.NullInt64
	if err := row.Scan(&m.ID, &m.OrgID, &m.Kind, &m.Ref, &m.To, &m.Subject, &m.Text, &m.HTML, &m.Status,
		&m.Attempts, &m.LastError, &m.Reply, &created, &next, &sent); err != nil {
		return nil, mapError(err)
	}
	m.CreatedAt, m.NextAttemptAt, m.SentAt = fromMicros(created), fromMicros(next), fromMicros(sent)
	return &m, nil
}

// EnqueueMail adds a mail to the outbox, due at once.
func (tx *Tx) EnqueueMail(ctx context.Context, m *roster.OutboxMail) error {
	m.Status, m.CreatedAt, m.NextAttemptAt = roster.MailQueued, tx.now, tx.now
	_, err := tx.exec(ctx, `INSERT INTO outbox (id, org_id, kind, ref, recipient, subject, text_body, html_body,
		status, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.OrgID, m.Kind, m.Ref, m.To, m.Subject, m.Text, m.HTML, string(m.Status),
		micros(m.CreatedAt), micros(m.NextAttemptAt))
	if err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	return nil
}

// ClaimMail leases up to limit due mails of the given kinds (any kind
// when none) to owner until now+lease and returns them. A leased mail is
// invisible to other claims until its lease runs out, so two workers never
// send it at once.
func (tx *Tx) ClaimMail(ctx context.Context, owner string, lease time.Duration, limit int, kinds ...string) ([]*roster.OutboxMail, error) {
	now := tx.now.UnixMicro()
	args := []any{now, now}
	kindClause := ""
	if len(kinds) > 0 {
		kindClause = ` AND kind IN (` + placeholders(len(kinds)) + `)`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	q := `SELECT id FROM outbox WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?
		AND (lease_until IS NULL OR lease_until <= ?)` + kindClause + ` ORDER BY next_attempt_at, id LIMIT ?`
	if tx.engine == Postgres {
		q += ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := tx.query(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find due mail: %w", err)
	}
	var ids []any
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find due mail: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, mapError(err)
	}
	until := tx.now.Add(lease).UnixMicro()
	for _, id := range ids {
		if _, err := tx.exec(ctx, `UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id = ?`, owner, until, id); err != nil {
			return nil, fmt.Errorf("lease mail %s: %w", id, err)
		}
	}
	return tx.mailWhere(ctx, `id IN (`+placeholders(len(ids))+`) ORDER BY next_attempt_at, id`, ids...)
}

// MarkMailSent records that owner's attempt delivered the mail and erases
// its body. It reports false when owner no longer held the lease.
func (tx *Tx) MarkMailSent(ctx context.Context, id, owner, reply string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_error = '', reply = ?,
		sent_at = ?, next_attempt_at = NULL, lease_owner = '', lease_until = NULL, text_body = '', html_body = ''
		WHERE id = ? AND lease_owner = ?`, truncate(reply, 500), tx.now.UnixMicro(), id, owner)
	if err != nil {
		return false, fmt.Errorf("mark mail %s sent: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MarkMailFailed records owner's failed attempt; the mail is tried again
// at next, or never when next is zero (its body is then erased). A mail
// canceled meanwhile stays canceled. It reports false when owner no longer
// held the lease.
func (tx *Tx) MarkMailFailed(ctx context.Context, id, owner, reason string, next time.Time) (bool, error) {
	erase := ""
	if next.IsZero() {
		erase = `, text_body = '', html_body = ''`
	}
	res, err := tx.exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?, lease_owner = '', lease_until = NULL,
		status = CASE WHEN status = 'canceled' THEN status ELSE 'failed' END,
		next_attempt_at = CASE WHEN status = 'canceled' THEN NULL ELSE CAST(? AS BIGINT) END`+erase+`
		WHERE id = ? AND lease_owner = ?`, truncate(reason, 1000), micros(next), id, owner)
	if err != nil {
		return false, fmt.Errorf("mark mail %s failed: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CancelInviteMail cancels the unsent invite mails of a user: their links
// died with a resend, a revoke or an acceptance.
func (tx *Tx) CancelInviteMail(ctx context.Context, userID string) error {
	_, err := tx.exec(ctx, `UPDATE outbox SET status = 'canceled', next_attempt_at = NULL, text_body = '', html_body = ''
		WHERE kind = 'invite' AND status IN ('queued', 'failed') AND ref IN (SELECT id FROM invites WHERE user_id = ?)`, userID)
	if err != nil {
		return fmt.Errorf("cancel invite mail of user %s: %w", userID, err)
	}
	return nil
}

// MailByRef returns the newest mail about each of refs, without bodies.
func (tx *Tx) MailByRef(ctx context.Context, refs []string) (map[string]*roster.OutboxMail, error) {
	out := map[string]*roster.OutboxMail{}
	if len(refs) == 0 {
		return out, nil
	}
	args := make([]any, len(refs))
	for i, r := range refs {
		args[i] = r
	}
	ms, err := tx.mailWhere(ctx, `ref IN (`+placeholders(len(refs))+`) ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		m.Text, m.HTML = "", ""
		out[m.Ref] = m // later rows are newer
	}
	return out, nil
}

// MailAbout returns the newest mails about ref, newest first, at most
// limit of them, without bodies.
func (tx *Tx) MailAbout(ctx context.Context, ref string, limit int) ([]*roster.OutboxMail, error) {
	ms, err := tx.mailWhere(ctx, `ref = ? ORDER BY created_at DESC, id DESC LIMIT ?`, ref, limit)
	for _, m := range ms {
		m.Text, m.HTML = "", ""
	}
	return ms, err
}

// LastAttemptedMail returns the organization's newest mail that had a
// delivery attempt, without its body, or nil when none had one. Webhook
// posts are not mail and are left out.
func (tx *Tx) LastAttemptedMail(ctx context.Context, orgID string) (*roster.OutboxMail, error) {
	ms, err := tx.mailWhere(ctx, `org_id = ? AND attempts > 0 AND kind <> 'webhook' ORDER BY created_at DESC, id DESC LIMIT 1`, orgID)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	ms[0].Text, ms[0].HTML = "", ""
	return ms[0], nil
}

// MailByID returns one mail.
func (tx *Tx) MailByID(ctx context.Context, id string) (*roster.OutboxMail, error) {
	ms, err := tx.mailWhere(ctx, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("mail %s: %w", id, roster.ErrNotFound)
	}
	return ms[0], nil
}

// DeleteSettledMail deletes mails created before t that are sent,
// canceled or given up on, and returns how many.
func (tx *Tx) DeleteSettledMail(ctx context.Context, before time.Time) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM outbox WHERE created_at < ? AND next_attempt_at IS NULL`, before.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("delete settled mail: %w", err)
	}
	return res.RowsAffected()
}

func (tx *Tx) mailWhere(ctx context.Context, where string, args ...any) ([]*roster.OutboxMail, error) {
	rows, err := tx.query(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []*roster.OutboxMail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, fmt.Errorf("read outbox: %w", err)
		}
		out = append(out, m)
	}
	return out, mapError(rows.Err())
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ReleaseMail ends owner's lease on a mail it did not attempt.
func (tx *Tx) ReleaseMail(ctx context.Context, id, owner string) error {
	_, err := tx.exec(ctx, `UPDATE outbox SET lease_owner = '', lease_until = NULL WHERE id = ? AND lease_owner = ?`, id, owner)
	if err != nil {
		return fmt.Errorf("release mail %s: %w", id, err)
	}
	return nil
}
