package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"

	"roster"
)

const inviteColumns = `id, org_id, user_id, email, role, inviter_id, token_hash, created_at, expires_at, accepted_at, revoked_at, awaiting_admin`

func scanInvite(row interface{ Scan(...any) error }) (*roster.Invite, error) {
	var i roster.Invite
	var hash string
	var created, expires, accepted, revoked sql.NullInt64
	if err := row.Scan(&i.ID, &i.OrgID, &i.UserID, &i.Email, &i.Role, &i.InviterID, &hash,
		&created, &expires, &accepted, &revoked, &i.AwaitingAdmin); err != nil {
		return nil, mapError(err)
	}
	i.TokenHash, _ = hex.DecodeString(hash)
	i.CreatedAt, i.ExpiresAt = fromMicros(created), fromMicros(expires)
	i.AcceptedAt, i.RevokedAt = fromMicros(accepted), fromMicros(revoked)
	return &i, nil
}

// CreateInvite inserts an invite; CreatedAt comes from the tx clock.
func (tx *Tx) CreateInvite(ctx context.Context, i *roster.Invite) error {
	i.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO invites (`+inviteColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		i.ID, i.OrgID, i.UserID, i.Email, string(i.Role), i.InviterID, hex.EncodeToString(i.TokenHash),
		micros(i.CreatedAt), micros(i.ExpiresAt), micros(i.AcceptedAt), micros(i.RevokedAt), i.AwaitingAdmin)
	if err != nil {
		return fmt.Errorf("insert invite: %w", err)
	}
	return nil
}

// InviteByTokenHash finds an invite by the hash of its token.
func (tx *Tx) InviteByTokenHash(ctx context.Context, hash []byte) (*roster.Invite, error) {
	i, err := scanInvite(tx.queryRow(ctx, `SELECT `+inviteColumns+` FROM invites WHERE token_hash = ?`, hex.EncodeToString(hash)))
	if err != nil {
		return nil, fmt.Errorf("invite: %w", err)
	}
	return i, nil
}

// InviteByID returns one invite.
func (tx *Tx) InviteByID(ctx context.Context, id string) (*roster.Invite, error) {
	i, err := scanInvite(tx.queryRow(ctx, `SELECT `+inviteColumns+` FROM invites WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("invite %s: %w", id, err)
	}
	return i, nil
}

// SetInviteToken replaces the token hash of an open invite, so that only
// the newest link works; it reports false when the invite is no longer
// open.
func (tx *Tx) SetInviteToken(ctx context.Context, id string, hash []byte) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE invites SET token_hash = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		hex.EncodeToString(hash), id)
	if err != nil {
		return false, fmt.Errorf("set token of invite %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// PendingInvite returns the user's newest invite that is neither accepted
// nor revoked (it may have expired).
func (tx *Tx) PendingInvite(ctx context.Context, userID string) (*roster.Invite, error) {
	i, err := scanInvite(tx.queryRow(ctx, `SELECT `+inviteColumns+` FROM invites
		WHERE user_id = ? AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1`, userID))
	if err != nil {
		return nil, fmt.Errorf("pending invite of user %s: %w", userID, err)
	}
	return i, nil
}

// MarkInviteAccepted ends an invite by acceptance, once.
func (tx *Tx) MarkInviteAccepted(ctx context.Context, id string) error {
	return tx.endInvite(ctx, id, "accepted_at")
}

// RevokeInvites ends every open invite of a user.
func (tx *Tx) RevokeInvites(ctx context.Context, userID string) error {
	_, err := tx.exec(ctx, `UPDATE invites SET revoked_at = ? WHERE user_id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		tx.now.UnixMicro(), userID)
	if err != nil {
		return fmt.Errorf("revoke invites of user %s: %w", userID, err)
	}
	return nil
}

func (tx *Tx) endInvite(ctx context.Context, id, column string) error {
	res, err := tx.exec(ctx, `UPDATE invites SET `+column+` = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		tx.now.UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("end invite %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonInviteUsed, "this invite has already been used or revoked")
	}
	return nil
}

// PendingInvites returns the newest open invite of each of userIDs that
// has one (it may have expired).
func (tx *Tx) PendingInvites(ctx context.Context, userIDs []string) (map[string]*roster.Invite, error) {
	out := map[string]*roster.Invite{}
	if len(userIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(userIDs))
	for i, id := range userIDs {
		args[i] = id
	}
	rows, err := tx.query(ctx, `SELECT `+inviteColumns+` FROM invites WHERE user_id IN (`+placeholders(len(args))+`)
		AND accepted_at IS NULL AND revoked_at IS NULL ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("pending invites: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		i, err := scanInvite(rows)
		if err != nil {
			return nil, fmt.Errorf("pending invites: %w", err)
		}
		out[i.UserID] = i // later rows are newer
	}
	return out, mapError(rows.Err())
}

// OrgName returns the name an organization is shown by: its display name,
// else its name.
func (tx *Tx) OrgName(ctx context.Context, orgID string) (string, error) {
	var name string
	if err := tx.queryRow(ctx, `SELECT CASE WHEN display_name <> '' THEN display_name ELSE name END
		FROM organizations WHERE id = ?`, orgID).Scan(&name); err != nil {
		return "", fmt.Errorf("organization %s: %w", orgID, mapError(err))
	}
	return name, nil
}
