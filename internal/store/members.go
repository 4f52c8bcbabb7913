package store

import (
	"context"
	"database/sql"
	"fmt"

	"roster"
)

// AddMember inserts a membership.
func (tx *Tx) AddMember(ctx context.Context, m *roster.Membership) error {
	m.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO team_members (team_id, principal_id, principal_kind, role, custom_role_id, via_group, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.TeamID, m.PrincipalID, string(m.PrincipalKind), string(m.Role), customRoleID(m),
		m.ViaGroupClaim, micros(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("add member to team %s: %w", m.TeamID, err)
	}
	return nil
}

func customRoleID(m *roster.Membership) sql.NullString {
	if m.Role == roster.TeamCustom && m.CustomRole != nil {
		return sql.NullString{String: m.CustomRole.ID, Valid: true}
	}
	return sql.NullString{}
}

// SetMemberRole changes a membership's role; a manual change ends its tie
// to the groups claim.
func (tx *Tx) SetMemberRole(ctx context.Context, m *roster.Membership) error {
	_, err := tx.exec(ctx, `UPDATE team_members SET role = ?, custom_role_id = ?, via_group = ? WHERE team_id = ? AND principal_id = ?`,
		string(m.Role), customRoleID(m), m.ViaGroupClaim, m.TeamID, m.PrincipalID)
	if err != nil {
		return fmt.Errorf("change role in team %s: %w", m.TeamID, err)
	}
	return nil
}

// RemoveMember deletes a membership.
func (tx *Tx) RemoveMember(ctx context.Context, teamID, principalID string) error {
	res, err := tx.exec(ctx, `DELETE FROM team_members WHERE team_id = ? AND principal_id = ?`, teamID, principalID)
	if err != nil {
		return fmt.Errorf("remove member from team %s: %w", teamID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("membership: %w", roster.ErrNotFound)
	}
	return nil
}

// RemoveAllMemberships ends every membership of a principal (O9).
func (tx *Tx) RemoveAllMemberships(ctx context.Context, principalID string) error {
	_, err := tx.exec(ctx, `DELETE FROM team_members WHERE principal_id = ?`, principalID)
	if err != nil {
		return fmt.Errorf("remove memberships of %s: %w", principalID, err)
	}
	return nil
}

// CountTeamAdmins counts a team's admins among users that were not removed.
func (tx *Tx) CountTeamAdmins(ctx context.Context, teamID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM team_members m JOIN users u ON u.id = m.principal_id
		WHERE m.team_id = ? AND m.role = 'admin' AND u.status IN ('active', 'invited')`, teamID).Scan(&n)
	return n, mapError(err)
}

// ListMembers lists a team's members with their names, users first by
// username, then service accounts.
func (tx *Tx) ListMembers(ctx context.Context, teamID string) ([]*roster.Membership, error) {
	rows, err := tx.query(ctx, `SELECT m.team_id, m.principal_id, m.principal_kind, m.role, m.via_group, m.created_at,
		r.id, r.org_id, r.name, r.description, r.base, r.permissions,
		COALESCE(u.username, s.name, ''), COALESCE(u.email, ''), COALESCE(u.name, s.name, ''), COALESCE(u.status, 'active')
		FROM team_members m
		LEFT JOIN custom_roles r ON r.id = m.custom_role_id
		LEFT JOIN users u ON u.id = m.principal_id
		LEFT JOIN service_accounts s ON s.id = m.principal_id
		WHERE m.team_id = ? ORDER BY m.principal_kind DESC, COALESCE(u.sort_key, s.name), m.principal_id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("list members of team %s: %w", teamID, err)
	}
	defer rows.Close()
	var out []*roster.Membership
	for rows.Next() {
		var m roster.Membership
		var joined sql.NullInt64
		var rID, rOrg, rName, rDesc, rBase, rPerms sql.NullString
		if err := rows.Scan(&m.TeamID, &m.PrincipalID, &m.PrincipalKind, &m.Role, &m.ViaGroupClaim, &joined,
			&rID, &rOrg, &rName, &rDesc, &rBase, &rPerms, &m.Username, &m.Email, &m.Name, &m.Status); err != nil {
			return nil, mapError(err)
		}
		m.CreatedAt = fromMicros(joined)
		if rID.Valid {
			if m.CustomRole, err = customRoleFrom(rID.String, rOrg.String, rName.String, rDesc.String, rBase.String, rPerms.String); err != nil {
				return nil, err
			}
		}
		out = append(out, &m)
	}
	return out, mapError(rows.Err())
}

// ActiveTeamMember reports whether userID is an active user in the team (A5).
func (tx *Tx) ActiveTeamMember(ctx context.Context, teamID, userID string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM team_members m JOIN users u ON u.id = m.principal_id
		WHERE m.team_id = ? AND m.principal_id = ? AND u.status = 'active'`, teamID, userID).Scan(&n)
	return n > 0, mapError(err)
}
