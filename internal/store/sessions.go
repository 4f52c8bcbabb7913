package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"

	"roster"
)

// CreateSession inserts a session; CreatedAt comes from the tx clock.
func (tx *Tx) CreateSession(ctx context.Context, s *roster.Session) error {
	s.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, ip, method, user_agent, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.UserID, hex.EncodeToString(s.TokenHash), micros(s.CreatedAt), micros(s.ExpiresAt), s.IP, s.Method, s.UserAgent, micros(s.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// SessionUser returns the unexpired session with this token hash and its user.
func (tx *Tx) SessionUser(ctx context.Context, hash []byte) (*roster.Session, *roster.User, error) {
	var s roster.Session
	var sHash string
	var created, expires, seen sql.NullInt64
	row := tx.queryRow(ctx, `SELECT s.id, s.user_id, s.token_hash, s.created_at, s.expires_at, s.ip, s.last_seen_at, o.status, `+
		prefixed("u", userColumns)+` FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.org_id
		WHERE s.token_hash = ? AND s.expires_at > ?`,
		hex.EncodeToString(hash), tx.now.UnixMicro())
	u, err := scanUser(scanFront{row, []any{&s.ID, &s.UserID, &sHash, &created, &expires, &s.IP, &seen, &s.OrgStatus}})
	if err != nil {
		return nil, nil, fmt.Errorf("session: %w", err)
	}
	s.TokenHash, _ = hex.DecodeString(sHash)
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = fromMicros(created), fromMicros(expires), fromMicros(seen)
	return &s, u, nil
}

// MaxListedSessions bounds the sessions UserSessions returns.
const MaxListedSessions = 100

// UserSessions returns a user's unexpired sessions, most recently seen
// first, at most MaxListedSessions, without their token hashes.
func (tx *Tx) UserSessions(ctx context.Context, userID string) ([]*roster.Session, error) {
	rows, err := tx.query(ctx, `SELECT id, user_id, created_at, expires_at, ip, method, user_agent, last_seen_at FROM sessions
		WHERE user_id = ? AND expires_at > ? ORDER BY COALESCE(last_seen_at, created_at) DESC, id LIMIT ?`,
		userID, tx.now.UnixMicro(), MaxListedSessions)
	if err != nil {
		return nil, fmt.Errorf("sessions of user %s: %w", userID, err)
	}
	defer rows.Close()
	var out []*roster.Session
	for rows.Next() {
		var s roster.Session
		var created, expires, seen sql.NullInt64
		if err := rows.Scan(&s.ID, &s.UserID, &created, &expires, &s.IP, &s.Method, &s.UserAgent, &seen); err != nil {
			return nil, fmt.Errorf("scan session: %w", err)
		}
		s.CreatedAt, s.ExpiresAt, s.LastSeenAt = fromMicros(created), fromMicros(expires), fromMicros(seen)
		out = append(out, &s)
	}
	return out, rows.Err()
}

// TouchSession records that a session authenticated a request now, at
// most once a minute.
func (tx *Tx) TouchSession(ctx context.Context, id string) error {
	now := tx.now.UnixMicro()
	_, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)`,
		now, id, now-60_000_000)
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// DeleteUserSession ends one of a user's sessions; not found when the
// user has no such unexpired session.
func (tx *Tx) DeleteUserSession(ctx context.Context, userID, id string) error {
	res, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ? AND expires_at > ?`, id, userID, tx.now.UnixMicro())
	if err != nil {
		return fmt.Errorf("end session %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("end session %s: %w", id, err)
	}
	if n == 0 {
		return roster.Errorf(roster.ENotFound, "no such session; it may have ended already")
	}
	return nil
}

// DeleteSession ends one session.
func (tx *Tx) DeleteSession(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	return err
}

// DeleteUserSessions ends every session of a user except keepID.
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID, keepID string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepID)
	if err != nil {
		return fmt.Errorf("end sessions of user %s: %w", userID, err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, tx.now.UnixMicro())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// scanFront scans leading columns into front, the rest into the caller's dest.
type scanFront struct {
	row   interface{ Scan(...any) error }
	front []any
}

func (s scanFront) Scan(dest ...any) error { return s.row.Scan(append(s.front, dest...)...) }

// prefixed qualifies each column of a comma-separated list with a table alias.
func prefixed(alias, columns string) string {
	var out []byte
	for i, c := range splitColumns(columns) {
		if i > 0 {
			out = append(out, ", "...)
		}
		out = append(out, alias+"."+c...)
	}
	return string(out)
}

func splitColumns(columns string) []string {
	var cols []string
	start := 0
	for i := 0; i <= len(columns); i++ {
		if i == len(columns) || columns[i] == ',' {
			c := columns[start:i]
			for len(c) > 0 && c[0] == ' ' {
				c = c[1:]
			}
			cols = append(cols, c)
			start = i + 1
		}
	}
	return cols
}
