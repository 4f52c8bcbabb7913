package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"roster"
)

// SSOIdentityUser returns the id and organization of the user linked to
// an identity at an identity provider.
func (tx *Tx) SSOIdentityUser(ctx context.Context, issuer, subject string) (userID, orgID string, err error) {
	err = tx.queryRow(ctx, `SELECT i.user_id, u.org_id FROM sso_identities i JOIN users u ON u.id = i.user_id
		WHERE i.issuer = ? AND i.subject = ?`, issuer, subject).Scan(&userID, &orgID)
	if err != nil {
		return "", "", fmt.Errorf("sso identity: %w", mapError(err))
	}
	return userID, orgID, nil
}

// SaveSSOIdentity links an identity to a user, or moves and refreshes an
// existing link, and records the sign-in time.
func (tx *Tx) SaveSSOIdentity(ctx context.Context, issuer, subject, userID, email string) error {
	now := tx.now.UnixMicro()
	_, err := tx.exec(ctx, `INSERT INTO sso_identities (issuer, subject, user_id, email, created_at, last_login_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (issuer, subject) DO UPDATE SET user_id = excluded.user_id, email = excluded.email, last_login_at = excluded.last_login_at`,
		issuer, subject, userID, email, now, now)
	if err != nil {
		return fmt.Errorf("save sso identity of user %s: %w", userID, err)
	}
	return nil
}

// CreateSSOLogin stores a started sign-in; CreatedAt comes from the tx clock.
func (tx *Tx) CreateSSOLogin(ctx context.Context, l *roster.SSOLogin) error {
	l.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO sso_logins (state_hash, browser_hash, nonce_hash, return_to, organization, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, hex.EncodeToString(l.StateHash), hex.EncodeToString(l.BrowserHash),
		hex.EncodeToString(l.NonceHash), l.ReturnTo, l.Org, micros(l.CreatedAt), micros(l.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert sso login: %w", err)
	}
	return nil
}

// SSOLogin finds a started sign-in by the hash of its state.
func (tx *Tx) SSOLogin(ctx context.Context, stateHash []byte) (*roster.SSOLogin, error) {
	var l roster.SSOLogin
	var state, browser, nonce string
	var created, expires, used sql.NullInt64
	err := tx.queryRow(ctx, `SELECT state_hash, browser_hash, nonce_hash, return_to, organization, created_at, expires_at, used_at
		FROM sso_logins WHERE state_hash = ?`, hex.EncodeToString(stateHash)).
		Scan(&state, &browser, &nonce, &l.ReturnTo, &l.Org, &created, &expires, &used)
	if err != nil {
		return nil, fmt.Errorf("sso login: %w", mapError(err))
	}
	l.StateHash, _ = hex.DecodeString(state)
	l.BrowserHash, _ = hex.DecodeString(browser)
	l.NonceHash, _ = hex.DecodeString(nonce)
	l.CreatedAt, l.ExpiresAt, l.UsedAt = fromMicros(created), fromMicros(expires), fromMicros(used)
	return &l, nil
}

// UseSSOLogin marks a started sign-in as consumed, once: a second call
// for the same state is a conflict.
func (tx *Tx) UseSSOLogin(ctx context.Context, stateHash []byte) error {
	res, err := tx.exec(ctx, `UPDATE sso_logins SET used_at = ? WHERE state_hash = ? AND used_at IS NULL`,
		tx.now.UnixMicro(), hex.EncodeToString(stateHash))
	if err != nil {
		return fmt.Errorf("use sso login: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonSSOLoginUsed, "this sign-in attempt was already used")
	}
	return nil
}

// DeleteExpiredSSOLogins removes sign-ins that expired before cutoff.
func (tx *Tx) DeleteExpiredSSOLogins(ctx context.Context, cutoff int64) error {
	_, err := tx.exec(ctx, `DELETE FROM sso_logins WHERE expires_at < ?`, cutoff)
	if err != nil {
		return fmt.Errorf("delete expired sso logins: %w", err)
	}
	return nil
}

// GroupClaimTeam is a team a user joined through the SSO groups claim.
type GroupClaimTeam struct {
	ID          string
	Name        string
	DisplayName string
}

// GroupClaimTeams lists the teams a user joined through the groups claim
// (S6), archived ones included.
func (tx *Tx) GroupClaimTeams(ctx context.Context, userID string) ([]GroupClaimTeam, error) {
	rows, err := tx.query(ctx, `SELECT t.id, t.name, t.display_name FROM team_members m JOIN teams t ON t.id = m.team_id
		WHERE m.principal_id = ? AND m.via_group = ? ORDER BY t.name_key`, userID, true)
	if err != nil {
		return nil, fmt.Errorf("group claim teams of %s: %w", userID, err)
	}
	defer rows.Close()
	var out []GroupClaimTeam
	for rows.Next() {
		var t GroupClaimTeam
		if err := rows.Scan(&t.ID, &t.Name, &t.DisplayName); err != nil {
			return nil, mapError(err)
		}
		out = append(out, t)
	}
	return out, mapError(rows.Err())
}

// SSOIdentity is one identity-provider account linked to a user.
type SSOIdentity struct {
	Issuer, Subject, Email string
	CreatedAt, LastLoginAt time.Time
}

// UserSSOIdentities lists the identities linked to a user, most recently
// used first.
func (tx *Tx) UserSSOIdentities(ctx context.Context, userID string) ([]SSOIdentity, error) {
	rows, err := tx.query(ctx, `SELECT issuer, subject, email, created_at, last_login_at FROM sso_identities
		WHERE user_id = ? ORDER BY last_login_at DESC, issuer, subject`, userID)
	if err != nil {
		return nil, fmt.Errorf("sso identities of user %s: %w", userID, err)
	}
	defer rows.Close()
	var out []SSOIdentity
	for rows.Next() {
		var id SSOIdentity
		var created, last sql.NullInt64
		if err := rows.Scan(&id.Issuer, &id.Subject, &id.Email, &created, &last); err != nil {
			return nil, mapError(err)
		}
		id.CreatedAt, id.LastLoginAt = fromMicros(created), fromMicros(last)
		out = append(out, id)
	}
	return out, mapError(rows.Err())
}
