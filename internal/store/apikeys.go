package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"roster"
)

const apiKeyColumns = `id, org_id, principal_id, name, hint, hash, created_at, last_used_at`

func scanAPIKey(row interface{ Scan(...any) error }) (*roster.APIKey, error) {
	var k roster.APIKey
	var hash string
	var created, used sql.NullInt64
	if err := row.Scan(&k.ID, &k.OrgID, &k.PrincipalID, &k.Name, &k.Hint, &hash, &created, &used); err != nil {
		return nil, mapError(err)
	}
	k.Hash, _ = hex.DecodeString(hash)
	k.CreatedAt, k.LastUsedAt = fromMicros(created), fromMicros(used)
	return &k, nil
}

// CreateAPIKey inserts a key; CreatedAt comes from the tx clock.
func (tx *Tx) CreateAPIKey(ctx context.Context, k *roster.APIKey) error {
	k.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO api_keys (`+apiKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.OrgID, k.PrincipalID, k.Name, k.Hint, hex.EncodeToString(k.Hash), micros(k.CreatedAt), micros(k.LastUsedAt))
	if err != nil {
		return fmt.Errorf("insert api key: %w", err)
	}
	return nil
}

// CountAPIKeys counts a principal's keys.
func (tx *Tx) CountAPIKeys(ctx context.Context, principalID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM api_keys WHERE principal_id = ?`, principalID).Scan(&n)
	return n, mapError(err)
}

// ListAPIKeys lists a principal's keys, newest first.
func (tx *Tx) ListAPIKeys(ctx context.Context, principalID string) ([]*roster.APIKey, error) {
	rows, err := tx.query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE principal_id = ? ORDER BY created_at DESC, id`, principalID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	defer rows.Close()
	var keys []*roster.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list api keys: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, mapError(rows.Err())
}

// APIKeyByHash finds a key by the hash of its secret.
func (tx *Tx) APIKeyByHash(ctx context.Context, hash []byte) (*roster.APIKey, error) {
	k, err := scanAPIKey(tx.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = ?`, hex.EncodeToString(hash)))
	if err != nil {
		return nil, fmt.Errorf("api key: %w", err)
	}
	return k, nil
}

// APIKeyUser finds a user's key by the hash of its secret, with its user
// and its organization's status, in one round trip.
func (tx *Tx) APIKeyUser(ctx context.Context, hash []byte) (*roster.APIKey, *roster.User, error) {
	var k roster.APIKey
	var kHash string
	var created, used sql.NullInt64
	row := tx.queryRow(ctx, `SELECT k.id, k.org_id, k.principal_id, k.name, k.hint, k.hash, k.created_at, k.last_used_at, o.status, `+
		prefixed("u", userColumns)+` FROM api_keys k JOIN users u ON u.id = k.principal_id JOIN organizations o ON o.id = k.org_id
		WHERE k.hash = ?`,
		hex.EncodeToString(hash))
	u, err := scanUser(scanFront{row, []any{&k.ID, &k.OrgID, &k.PrincipalID, &k.Name, &k.Hint, &kHash, &created, &used, &k.OrgStatus}})
	if err != nil {
		return nil, nil, fmt.Errorf("api key: %w", err)
	}
	k.Hash, _ = hex.DecodeString(kHash)
	k.CreatedAt, k.LastUsedAt = fromMicros(created), fromMicros(used)
	return &k, u, nil
}

// TouchAPIKey records a key's use, at most once a minute, so that busy
// keys do not turn every request into a write.
func (tx *Tx) TouchAPIKey(ctx context.Context, id string) error {
	now := tx.now.UnixMicro()
	_, err := tx.exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		now, id, now-60_000_000)
	return err
}

// DeleteAPIKey deletes one of a principal's keys.
func (tx *Tx) DeleteAPIKey(ctx context.Context, principalID, id string) error {
	res, err := tx.exec(ctx, `DELETE FROM api_keys WHERE principal_id = ? AND id = ?`, principalID, id)
	if err != nil {
		return fmt.Errorf("delete api key %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("api key %s: %w", id, roster.ErrNotFound)
	}
	return nil
}

// DeletePrincipalAPIKeys deletes every key of a principal.
func (tx *Tx) DeletePrincipalAPIKeys(ctx context.Context, principalID string) error {
	_, err := tx.exec(ctx, `DELETE FROM api_keys WHERE principal_id = ?`, principalID)
	if err != nil {
		return fmt.Errorf("delete api keys of %s: %w", principalID, err)
	}
	return nil
}

// APIKeyByID finds one of the organization's keys by id.
func (tx *Tx) APIKeyByID(ctx context.Context, orgID, id string) (*roster.APIKey, error) {
	k, err := scanAPIKey(tx.queryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, fmt.Errorf("api key %q: %w", id, err)
	}
	return k, nil
}

// RenameAPIKey renames one of a principal's keys; its secret stays.
func (tx *Tx) RenameAPIKey(ctx context.Context, principalID, id, name string) error {
	res, err := tx.exec(ctx, `UPDATE api_keys SET name = ? WHERE principal_id = ? AND id = ?`, name, principalID, id)
	if err != nil {
		return fmt.Errorf("rename api key %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("api key %s: %w", id, roster.ErrNotFound)
	}
	return nil
}

// KeyFilter selects keys of the organization's inventory.
type KeyFilter struct {
	Query     string               // substring of the key's name or owner, or the key's hint
	Kind      roster.PrincipalKind // "" for every owner kind
	Owner     string               // an owner's id, username or service account name
	UnusedFor time.Duration        // >0: only keys not used (or, never used, created) since now minus this
	Limit     int
	Offset    int
}

// OrgKey is a key of the inventory with its owner.
type OrgKey struct {
	Key       *roster.APIKey
	OwnerKind roster.PrincipalKind
	OwnerName string // username (or email) of a user, name of a service account
	OwnerTeam string // a team service account's team
}

// ListOrgAPIKeys lists the organization's keys, newest first, with their
// owners; it reads one row more than the limit so callers can tell
// whether more follow.
func (tx *Tx) ListOrgAPIKeys(ctx context.Context, orgID string, f KeyFilter) ([]OrgKey, error) {
	owner := `COALESCE(NULLIF(u.username, ''), u.email, s.name, '')`
	q := `SELECT k.id, k.org_id, k.principal_id, k.name, k.hint, k.hash, k.created_at, k.last_used_at,
		CASE WHEN u.id IS NULL THEN 'service_account' ELSE 'user' END, ` + owner + `,
		COALESCE((SELECT t.name FROM teams t WHERE t.id = s.team_id), '')
		FROM api_keys k LEFT JOIN users u ON u.id = k.principal_id LEFT JOIN service_accounts s ON s.id = k.principal_id
		WHERE k.org_id = ?`
	args := []any{orgID}
	switch f.Kind {
	case roster.KindUser:
		q += ` AND u.id IS NOT NULL`
	case roster.KindServiceAccount:
		q += ` AND u.id IS NULL`
	}
	if f.Query != "" {
		like := "%" + escapeLike(roster.Fold(f.Query)) + "%"
		q += ` AND (LOWER(k.name) LIKE ? ESCAPE '\' OR LOWER(` + owner + `) LIKE ? ESCAPE '\' OR k.hint = ?)`
		args = append(args, like, like, f.Query)
	}
	if f.Owner != "" {
		q += ` AND (k.principal_id = ? OR LOWER(` + owner + `) = ?)`
		args = append(args, f.Owner, roster.Fold(f.Owner))
	}
	if f.UnusedFor > 0 {
		q += ` AND COALESCE(k.last_used_at, k.created_at) < ?`
		args = append(args, tx.now.Add(-f.UnusedFor).UnixMicro())
	}
	q += ` ORDER BY k.created_at DESC, k.id LIMIT ? OFFSET ?`
	args = append(args, f.Limit+1, f.Offset)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list organization api keys: %w", err)
	}
	defer rows.Close()
	var out []OrgKey
	for rows.Next() {
		var e OrgKey
		var kind string
		k, err := scanAPIKey(scanBack{rows, []any{&kind, &e.OwnerName, &e.OwnerTeam}})
		if err != nil {
			return nil, fmt.Errorf("list organization api keys: %w", err)
		}
		e.Key, e.OwnerKind = k, roster.PrincipalKind(kind)
		out = append(out, e)
	}
	return out, mapError(rows.Err())
}

// KeyCreationDisabled reads the organization setting that stops personal
// API key creation.
func (tx *Tx) KeyCreationDisabled(ctx context.Context, orgID string) (bool, error) {
	var off bool
	if err := tx.queryRow(ctx, `SELECT disable_api_key_creation FROM organizations WHERE id = ?`, orgID).Scan(&off); err != nil {
		return false, fmt.Errorf("organization key setting: %w", mapError(err))
	}
	return off, nil
}

// SetKeyCreationDisabled writes that setting.
func (tx *Tx) SetKeyCreationDisabled(ctx context.Context, orgID string, off bool) error {
	_, err := tx.exec(ctx, `UPDATE organizations SET disable_api_key_creation = ? WHERE id = ?`, off, orgID)
	if err != nil {
		return fmt.Errorf("organization key setting: %w", err)
	}
	return nil
}
