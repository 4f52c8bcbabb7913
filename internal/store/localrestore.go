package store

import (
	"context"
	"fmt"

	"roster"
)

// LocalRestoreUser finds the organization's break-glass admin of
// LOCAL_RESTORE; a removed one (username and email freed) is not found,
// so that a new one is made.
func (tx *Tx) LocalRestoreUser(ctx context.Context, orgID string) (*roster.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = ? AND local_restore = ? AND status <> 'removed'
		ORDER BY created_at DESC LIMIT 1`, orgID, true))
	if err != nil {
		return nil, fmt.Errorf("local restore user: %w", err)
	}
	return u, nil
}

// MarkLocalRestore marks a user as the break-glass admin.
func (tx *Tx) MarkLocalRestore(ctx context.Context, userID string) error {
	if _, err := tx.exec(ctx, `UPDATE users SET local_restore = ? WHERE id = ?`, true, userID); err != nil {
		return fmt.Errorf("mark local restore user: %w", err)
	}
	return nil
}
