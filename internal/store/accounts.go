package store

import (
	"context"
	"database/sql"
	"fmt"

	"roster"
)

// nullString is s, or NULL when s is empty.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// accountRows is the condition that picks the rows of one account (#18):
// its first row, whose id the account is named by, and every row linked
// to it.
const accountRows = `(u.id = ? OR u.account_id = ?)`

// AccountMemberships lists the active rows of an account in organizations
// that are open, by organization name: where the person may act.
func (tx *Tx) AccountMemberships(ctx context.Context, account string) ([]roster.OrgMembership, error) {
	rows, err := tx.query(ctx, `SELECT u.id, u.role, o.id, o.name, o.display_name, o.status, o.created_at, o.updated_at
		FROM users u JOIN organizations o ON o.id = u.org_id
		WHERE `+accountRows+` AND u.status = 'active' AND o.status = 'active' ORDER BY o.name_key, u.id`, account, account)
	if err != nil {
		return nil, fmt.Errorf("memberships of account %s: %w", account, err)
	}
	defer rows.Close()
	var out []roster.OrgMembership
	for rows.Next() {
		var m roster.OrgMembership
		var created, updated sql.NullInt64
		if err := rows.Scan(&m.UserID, &m.Role, &m.Org.ID, &m.Org.Name, &m.Org.DisplayName, &m.Org.Status, &created, &updated); err != nil {
			return nil, fmt.Errorf("scan membership: %w", err)
		}
		m.Org.CreatedAt, m.Org.UpdatedAt = fromMicros(created), fromMicros(updated)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AccountUserIn returns the account's row in an organization, in any
// status but removed, or ErrNotFound.
func (tx *Tx) AccountUserIn(ctx context.Context, account, orgID string) (*roster.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+prefixed("u", userColumns)+` FROM users u
		WHERE `+accountRows+` AND u.org_id = ? AND u.status <> 'removed'`, account, account, orgID))
	if err != nil {
		return nil, fmt.Errorf("account %s in %s: %w", account, orgID, err)
	}
	return u, nil
}

// AccountShared reports whether an account has a row, not removed, in an
// organization other than orgID.
func (tx *Tx) AccountShared(ctx context.Context, account, orgID string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users u
		WHERE `+accountRows+` AND u.org_id <> ? AND u.status <> 'removed'`, account, account, orgID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("is account %s shared: %w", account, mapError(err))
	}
	return n > 0, nil
}

// SetAccountPassword gives every row of an account, but removed ones, one
// password hash: a person has one password in all their organizations.
// Each row's updated_at moves forward, so a read-modify-write of one of
// them that read it before fails and runs again (UpdateUser).
func (tx *Tx) SetAccountPassword(ctx context.Context, account, hash string) error {
	now := tx.now.UnixMicro()
	_, err := tx.exec(ctx, `UPDATE users SET password_hash = ?,
		updated_at = CASE WHEN updated_at < ? THEN ? ELSE updated_at + 1 END
		WHERE (id = ? OR account_id = ?) AND status <> 'removed'`, hash, now, now, account, account)
	if err != nil {
		return fmt.Errorf("set password of account %s: %w", account, err)
	}
	return nil
}

// DeleteAccountSessions ends every session of an account's rows except
// keepID: a changed password signs the person out everywhere else.
func (tx *Tx) DeleteAccountSessions(ctx context.Context, account, keepID string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE id <> ? AND user_id IN
		(SELECT u.id FROM users u WHERE `+accountRows+`)`, keepID, account, account)
	if err != nil {
		return fmt.Errorf("end sessions of account %s: %w", account, err)
	}
	return nil
}
