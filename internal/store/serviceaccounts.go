package store

import (
	"context"
	"database/sql"
	"fmt"

	"roster"
)

const saColumns = `s.id, s.org_id, s.name, COALESCE(s.team_id, ''), COALESCE(s.default_team_id, ''), s.created_by, s.created_at,
	COALESCE((SELECT t.name FROM teams t WHERE t.id = COALESCE(s.team_id, s.default_team_id)), ''),
	COALESCE((SELECT f.subject FROM federated_subjects f WHERE f.service_account_id = s.id), '')`

func scanSA(row interface{ Scan(...any) error }) (*roster.ServiceAccount, error) {
	var sa roster.ServiceAccount
	var created sql.NullInt64
	if err := row.Scan(&sa.ID, &sa.OrgID, &sa.Name, &sa.TeamID, &sa.DefaultTeamID, &sa.CreatedBy, &created, &sa.TeamName, &sa.Subject); err != nil {
		return nil, mapError(err)
	}
	sa.CreatedAt = fromMicros(created)
	return &sa, nil
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// CreateServiceAccount inserts a service account.
func (tx *Tx) CreateServiceAccount(ctx context.Context, sa *roster.ServiceAccount) error {
	sa.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO service_accounts (id, org_id, name, team_id, default_team_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, sa.ID, sa.OrgID, sa.Name, nullable(sa.TeamID), nullable(sa.DefaultTeamID), sa.CreatedBy, micros(sa.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert service account: %w", err)
	}
	return nil
}

// ServiceAccount finds a live service account by id.
func (tx *Tx) ServiceAccount(ctx context.Context, orgID, id string) (*roster.ServiceAccount, error) {
	sa, err := scanSA(tx.queryRow(ctx, `SELECT `+saColumns+` FROM service_accounts s WHERE s.org_id = ? AND s.id = ? AND s.deleted_at IS NULL`, orgID, id))
	if err != nil {
		return nil, fmt.Errorf("service account %q: %w", id, err)
	}
	return sa, nil
}

// ListServiceAccounts lists live service accounts of a team, or of the
// organization when teamID is empty.
func (tx *Tx) ListServiceAccounts(ctx context.Context, orgID, teamID string) ([]*roster.ServiceAccount, error) {
	q := `SELECT ` + saColumns + ` FROM service_accounts s WHERE s.org_id = ? AND s.deleted_at IS NULL AND `
	args := []any{orgID}
	if teamID == "" {
		q += `s.team_id IS NULL`
	} else {
		q += `s.team_id = ?`
		args = append(args, teamID)
	}
	rows, err := tx.query(ctx, q+` ORDER BY s.name, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list service accounts: %w", err)
	}
	defer rows.Close()
	var out []*roster.ServiceAccount
	for rows.Next() {
		sa, err := scanSA(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sa)
	}
	return out, mapError(rows.Err())
}

// ServiceAccountNameTaken reports whether a live service account of the
// team (or of the organization when teamID is empty) already has this
// name, case folded. The fold is done here rather than by SQL LOWER,
// which folds only ASCII on SQLite.
func (tx *Tx) ServiceAccountNameTaken(ctx context.Context, orgID, teamID, name string) (bool, error) {
	q := `SELECT name FROM service_accounts WHERE org_id = ? AND deleted_at IS NULL AND `
	args := []any{orgID}
	if teamID == "" {
		q += `team_id IS NULL`
	} else {
		q += `team_id = ?`
		args = append(args, teamID)
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("service account names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return false, mapError(err)
		}
		if roster.Fold(n) == roster.Fold(name) {
			return true, nil
		}
	}
	return false, mapError(rows.Err())
}

// DeleteServiceAccount marks a service account deleted; its row stays so
// runs it created keep their creator.
func (tx *Tx) DeleteServiceAccount(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `UPDATE service_accounts SET deleted_at = ? WHERE id = ?`, tx.now.UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("delete service account %s: %w", id, err)
	}
	// The subject is free again for a new external service account.
	if _, err := tx.exec(ctx, `DELETE FROM federated_subjects WHERE service_account_id = ?`, id); err != nil {
		return fmt.Errorf("free the subject of service account %s: %w", id, err)
	}
	return nil
}

// APIKeyServiceAccount finds a service account's key by the hash of its
// secret, with the account.
func (tx *Tx) APIKeyServiceAccount(ctx context.Context, hash []byte) (*roster.APIKey, *roster.ServiceAccount, error) {
	k, err := tx.APIKeyByHash(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	sa, err := tx.ServiceAccount(ctx, k.OrgID, k.PrincipalID)
	if err != nil {
		return nil, nil, err
	}
	return k, sa, nil
}
