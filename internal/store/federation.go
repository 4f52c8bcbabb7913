package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"

	"roster"
)

const issuerColumns = `id, org_id, url, created_by, created_at`

func scanIssuer(row interface{ Scan(...any) error }) (*roster.JWTIssuer, error) {
	var i roster.JWTIssuer
	var created sql.NullInt64
	if err := row.Scan(&i.ID, &i.OrgID, &i.URL, &i.CreatedBy, &created); err != nil {
		return nil, mapError(err)
	}
	i.CreatedAt = fromMicros(created)
	return &i, nil
}

// CreateJWTIssuer inserts an issuer; a URL registered already is a
// conflict.
func (tx *Tx) CreateJWTIssuer(ctx context.Context, i *roster.JWTIssuer) error {
	i.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO jwt_issuers (`+issuerColumns+`) VALUES (?, ?, ?, ?, ?)`,
		i.ID, i.OrgID, i.URL, i.CreatedBy, micros(i.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert jwt issuer: %w", mapError(err))
	}
	return nil
}

// ListJWTIssuers lists the organization's issuers by URL.
func (tx *Tx) ListJWTIssuers(ctx context.Context, orgID string) ([]*roster.JWTIssuer, error) {
	rows, err := tx.query(ctx, `SELECT `+issuerColumns+` FROM jwt_issuers WHERE org_id = ? ORDER BY url, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list jwt issuers: %w", err)
	}
	defer rows.Close()
	var out []*roster.JWTIssuer
	for rows.Next() {
		i, err := scanIssuer(rows)
		if err != nil {
			return nil, fmt.Errorf("list jwt issuers: %w", err)
		}
		out = append(out, i)
	}
	return out, mapError(rows.Err())
}

// JWTIssuerByURL finds a registered issuer by its exact URL.
func (tx *Tx) JWTIssuerByURL(ctx context.Context, orgID, url string) (*roster.JWTIssuer, error) {
	i, err := scanIssuer(tx.queryRow(ctx, `SELECT `+issuerColumns+` FROM jwt_issuers WHERE org_id = ? AND url = ?`, orgID, url))
	if err != nil {
		return nil, fmt.Errorf("jwt issuer %q: %w", url, err)
	}
	return i, nil
}

// JWTIssuer finds a registered issuer by id.
func (tx *Tx) JWTIssuer(ctx context.Context, orgID, id string) (*roster.JWTIssuer, error) {
	i, err := scanIssuer(tx.queryRow(ctx, `SELECT `+issuerColumns+` FROM jwt_issuers WHERE org_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, fmt.Errorf("jwt issuer %s: %w", id, err)
	}
	return i, nil
}

// DeleteJWTIssuer deletes an issuer and every access token exchanged for
// its JWTs.
func (tx *Tx) DeleteJWTIssuer(ctx context.Context, orgID, id string) error {
	res, err := tx.exec(ctx, `DELETE FROM jwt_issuers WHERE org_id = ? AND id = ?`, orgID, id)
	if err != nil {
		return fmt.Errorf("delete jwt issuer %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("jwt issuer %s: %w", id, roster.ErrNotFound)
	}
	if _, err := tx.exec(ctx, `DELETE FROM access_tokens WHERE issuer_id = ?`, id); err != nil {
		return fmt.Errorf("delete access tokens of jwt issuer %s: %w", id, err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM jwt_replays WHERE issuer_id = ?`, id); err != nil {
		return fmt.Errorf("delete jtis of jwt issuer %s: %w", id, err)
	}
	return nil
}

// SpendJTI records that the JWT of issuer with jti was exchanged, until
// expires; it reports false when it was recorded already (a replay). The
// insert is the check, so concurrent exchanges on several processes agree.
// Records past their expiry are dropped on the way.
func (tx *Tx) SpendJTI(ctx context.Context, issuerID, jti string, expires int64) (bool, error) {
	if _, err := tx.exec(ctx, `DELETE FROM jwt_replays WHERE expires_at < ?`, tx.now.UnixMicro()); err != nil {
		return false, fmt.Errorf("drop expired jtis: %w", err)
	}
	res, err := tx.exec(ctx, `INSERT INTO jwt_replays (issuer_id, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		issuerID, jti, expires)
	if err != nil {
		return false, fmt.Errorf("record jti: %w", mapError(err))
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CreateAccessToken inserts an access token; CreatedAt comes from the tx
// clock. The principal's expired tokens are dropped on the way.
func (tx *Tx) CreateAccessToken(ctx context.Context, t *roster.AccessToken) error {
	t.CreatedAt = tx.now
	if _, err := tx.exec(ctx, `DELETE FROM access_tokens WHERE principal_id = ? AND expires_at < ?`, t.PrincipalID, tx.now.UnixMicro()); err != nil {
		return fmt.Errorf("drop expired access tokens: %w", err)
	}
	_, err := tx.exec(ctx, `INSERT INTO access_tokens (id, org_id, principal_id, issuer_id, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrgID, t.PrincipalID, t.IssuerID, hex.EncodeToString(t.Hash), micros(t.CreatedAt), micros(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert access token: %w", mapError(err))
	}
	return nil
}

// AccessTokenByHash finds an access token by the hash of its secret.
func (tx *Tx) AccessTokenByHash(ctx context.Context, hash []byte) (*roster.AccessToken, error) {
	var t roster.AccessToken
	var h string
	var created, expires sql.NullInt64
	err := tx.queryRow(ctx, `SELECT id, org_id, principal_id, issuer_id, hash, created_at, expires_at FROM access_tokens WHERE hash = ?`,
		hex.EncodeToString(hash)).Scan(&t.ID, &t.OrgID, &t.PrincipalID, &t.IssuerID, &h, &created, &expires)
	if err != nil {
		return nil, fmt.Errorf("access token: %w", mapError(err))
	}
	t.Hash, _ = hex.DecodeString(h)
	t.CreatedAt, t.ExpiresAt = fromMicros(created), fromMicros(expires)
	return &t, nil
}

// AccessTokenUser finds a user's access token by the hash of its secret,
// with its user, in one round trip; ErrNotFound for a service account's.
func (tx *Tx) AccessTokenUser(ctx context.Context, hash []byte) (*roster.AccessToken, *roster.User, error) {
	var t roster.AccessToken
	var h string
	var created, expires sql.NullInt64
	row := tx.queryRow(ctx, `SELECT t.id, t.org_id, t.principal_id, t.issuer_id, t.hash, t.created_at, t.expires_at, `+
		prefixed("u", userColumns)+` FROM access_tokens t JOIN users u ON u.id = t.principal_id WHERE t.hash = ? AND u.status <> 'removed'`,
		hex.EncodeToString(hash))
	u, err := scanUser(scanFront{row, []any{&t.ID, &t.OrgID, &t.PrincipalID, &t.IssuerID, &h, &created, &expires}})
	if err != nil {
		return nil, nil, fmt.Errorf("access token: %w", err)
	}
	t.Hash, _ = hex.DecodeString(h)
	t.CreatedAt, t.ExpiresAt = fromMicros(created), fromMicros(expires)
	return &t, u, nil
}

// DeletePrincipalAccessTokens deletes every access token of a principal.
func (tx *Tx) DeletePrincipalAccessTokens(ctx context.Context, principalID string) error {
	if _, err := tx.exec(ctx, `DELETE FROM access_tokens WHERE principal_id = ?`, principalID); err != nil {
		return fmt.Errorf("delete access tokens of %s: %w", principalID, err)
	}
	return nil
}

// SetFederatedSubject makes a service account external: JWTs whose sub is
// subject sign in as it. A subject another live account has is a conflict.
func (tx *Tx) SetFederatedSubject(ctx context.Context, sa *roster.ServiceAccount) error {
	_, err := tx.exec(ctx, `INSERT INTO federated_subjects (service_account_id, org_id, subject) VALUES (?, ?, ?)`,
		sa.ID, sa.OrgID, sa.Subject)
	if err != nil {
		return fmt.Errorf("insert federated subject: %w", mapError(err))
	}
	return nil
}

// ServiceAccountBySubject finds the live external service account whose
// subject is sub.
func (tx *Tx) ServiceAccountBySubject(ctx context.Context, orgID, sub string) (*roster.ServiceAccount, error) {
	sa, err := scanSA(tx.queryRow(ctx, `SELECT `+saColumns+` FROM service_accounts s
		JOIN federated_subjects f ON f.service_account_id = s.id
		WHERE f.org_id = ? AND f.subject = ? AND s.deleted_at IS NULL`, orgID, sub))
	if err != nil {
		return nil, fmt.Errorf("service account with subject %q: %w", sub, err)
	}
	return sa, nil
}
