package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"roster"
)

func customRoleFrom(id, orgID, name, desc, base, perms string) (*roster.CustomRole, error) {
	var names []string
	if perms != "" {
		names = strings.Split(perms, ",")
	}
	extra, err := roster.ParsePermList(names)
	if err != nil {
		return nil, fmt.Errorf("custom role %s: stored permissions: %w", id, err)
	}
	return &roster.CustomRole{ID: id, OrgID: orgID, Name: name, Description: desc, Base: roster.TeamRole(base), Extra: extra}, nil
}

const roleColumns = `id, org_id, name, description, base, permissions, created_at, updated_at`

func scanRole(row interface{ Scan(...any) error }) (*roster.CustomRole, error) {
	var id, org, name, desc, base, perms string
	var created, updated sql.NullInt64
	if err := row.Scan(&id, &org, &name, &desc, &base, &perms, &created, &updated); err != nil {
		return nil, mapError(err)
	}
	r, err := customRoleFrom(id, org, name, desc, base, perms)
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = fromMicros(created), fromMicros(updated)
	return r, nil
}

// CreateCustomRole inserts a custom role.
func (tx *Tx) CreateCustomRole(ctx context.Context, r *roster.CustomRole) error {
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	_, err := tx.exec(ctx, `INSERT INTO custom_roles (`+roleColumns+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OrgID, r.Name, r.Description, string(r.Base), strings.Join(r.Extra.PermNames(), ","),
		micros(r.CreatedAt), micros(r.UpdatedAt), roster.RoleNameKey(r.Name))
	if err != nil {
		return fmt.Errorf("insert custom role: %w", err)
	}
	return nil
}

// UpdateCustomRole writes a custom role's fields.
func (tx *Tx) UpdateCustomRole(ctx context.Context, r *roster.CustomRole) error {
	r.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE custom_roles SET name = ?, name_key = ?, description = ?, base = ?, permissions = ?, updated_at = ? WHERE id = ?`,
		r.Name, roster.RoleNameKey(r.Name), r.Description, string(r.Base), strings.Join(r.Extra.PermNames(), ","), micros(r.UpdatedAt), r.ID)
	if err != nil {
		return fmt.Errorf("update custom role %s: %w", r.ID, err)
	}
	return nil
}

// CustomRole finds a custom role by id or name.
func (tx *Tx) CustomRole(ctx context.Context, orgID, ref string) (*roster.CustomRole, error) {
	r, err := scanRole(tx.queryRow(ctx, `SELECT `+roleColumns+` FROM custom_roles WHERE org_id = ? AND (id = ? OR name_key = ?)`,
		orgID, ref, roster.RoleNameKey(ref)))
	if err != nil {
		return nil, fmt.Errorf("custom role %q: %w", ref, err)
	}
	return r, nil
}

// CustomRoleForUpdate locks a custom role, found by id or name, for the
// rest of the transaction and reads it fresh, for a read-modify-write
// (see tx.go).
func (tx *Tx) CustomRoleForUpdate(ctx context.Context, orgID, ref string) (*roster.CustomRole, error) {
	r, err := scanRole(tx.queryRow(ctx, `SELECT `+roleColumns+` FROM custom_roles WHERE org_id = ? AND (id = ? OR name_key = ?)`+
		tx.forUpdate("custom_roles"), orgID, ref, roster.RoleNameKey(ref)))
	if err != nil {
		return nil, fmt.Errorf("custom role %q: %w", ref, err)
	}
	return r, nil
}

// ListCustomRoles lists the organization's custom roles by name.
func (tx *Tx) ListCustomRoles(ctx context.Context, orgID string) ([]*roster.CustomRole, error) {
	rows, err := tx.query(ctx, `SELECT `+roleColumns+` FROM custom_roles WHERE org_id = ? ORDER BY name_key`, orgID)
	if err != nil {
		return nil, fmt.Errorf("list custom roles: %w", err)
	}
	defer rows.Close()
	var out []*roster.CustomRole
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapError(rows.Err())
}

// CustomRoleHolders counts, for each custom role of the organization that
// someone holds, the memberships holding it, keyed by role id.
func (tx *Tx) CustomRoleHolders(ctx context.Context, orgID string) (map[string]int, error) {
	rows, err := tx.query(ctx, `SELECT m.custom_role_id, COUNT(*) FROM team_members m
		JOIN custom_roles r ON r.id = m.custom_role_id WHERE r.org_id = ? GROUP BY m.custom_role_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("count custom role holders: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, mapError(err)
		}
		out[id] = n
	}
	return out, mapError(rows.Err())
}

// DeleteCustomRole moves every holder to the role's base role and deletes
// the role (R4); it returns how many memberships moved.
func (tx *Tx) DeleteCustomRole(ctx context.Context, r *roster.CustomRole) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE team_members SET role = ?, custom_role_id = NULL WHERE custom_role_id = ?`, string(r.Base), r.ID)
	if err != nil {
		return 0, fmt.Errorf("move holders of role %s: %w", r.Name, err)
	}
	moved, _ := res.RowsAffected()
	if _, err := tx.exec(ctx, `DELETE FROM custom_roles WHERE id = ?`, r.ID); err != nil {
		return 0, fmt.Errorf("delete custom role %s: %w", r.Name, err)
	}
	return moved, nil
}
