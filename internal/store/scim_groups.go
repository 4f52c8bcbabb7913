package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"roster"
)

// TeamMembership is a membership with its team's names, for SCIM reads.
type TeamMembership struct {
	roster.Membership
	TeamName        string
	TeamDisplayName string
}

// membershipColumns are read by scanMembership; m, t, r and u alias
// team_members, teams, custom_roles and users.
const membershipColumns = `m.team_id, m.principal_id, m.principal_kind, m.role, m.via_group, m.created_at,
	r.id, r.org_id, r.name, r.description, r.base, r.permissions, t.name, t.display_name,
	COALESCE(u.username, ''), COALESCE(u.email, ''), COALESCE(u.status, '')`

func scanMembership(row interface{ Scan(...any) error }) (*TeamMembership, error) {
	var m TeamMembership
	var joined sql.NullInt64
	var rID, rOrg, rName, rDesc, rBase, rPerms sql.NullString
	if err := row.Scan(&m.TeamID, &m.PrincipalID, &m.PrincipalKind, &m.Role, &m.ViaGroupClaim, &joined,
		&rID, &rOrg, &rName, &rDesc, &rBase, &rPerms, &m.TeamName, &m.TeamDisplayName,
		&m.Username, &m.Email, &m.Status); err != nil {
		return nil, mapError(err)
	}
	m.CreatedAt = fromMicros(joined)
	if rID.Valid {
		cr, err := customRoleFrom(rID.String, rOrg.String, rName.String, rDesc.String, rBase.String, rPerms.String)
		if err != nil {
			return nil, err
		}
		m.CustomRole = cr
	}
	return &m, nil
}

// membershipsWhere lists the memberships in teams that are not archived
// whose column col is one of vals, keyed by that column's value.
func (tx *Tx) membershipsWhere(ctx context.Context, col string, vals []string) (map[string][]*TeamMembership, error) {
	out := make(map[string][]*TeamMembership)
	err := chunks(vals, func(args []any) error {
		rows, err := tx.query(ctx, `SELECT `+membershipColumns+` FROM team_members m
			JOIN teams t ON t.id = m.team_id LEFT JOIN custom_roles r ON r.id = m.custom_role_id
			LEFT JOIN users u ON u.id = m.principal_id
			WHERE t.archived_at IS NULL AND m.principal_kind = 'user' AND m.`+col+` IN (`+placeholders(len(args))+`)
			ORDER BY t.name_key, m.principal_id`, args...)
		if err != nil {
			return fmt.Errorf("list memberships: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMembership(rows)
			if err != nil {
				return err
			}
			key := m.PrincipalID
			if col == "team_id" {
				key = m.TeamID
			}
			out[key] = append(out[key], m)
		}
		return mapError(rows.Err())
	})
	return out, err
}

// UserMemberships returns the team memberships of users by user id, in
// teams that are not archived, ordered by team name.
func (tx *Tx) UserMemberships(ctx context.Context, userIDs []string) (map[string][]*TeamMembership, error) {
	return tx.membershipsWhere(ctx, "principal_id", userIDs)
}

// TeamUserMemberships returns the user members of teams by team id.
func (tx *Tx) TeamUserMemberships(ctx context.Context, teamIDs []string) (map[string][]*TeamMembership, error) {
	return tx.membershipsWhere(ctx, "team_id", teamIDs)
}

// SCIMGroups returns the SCIM records of the given teams by team id.
func (tx *Tx) SCIMGroups(ctx context.Context, teamIDs []string) (map[string]*roster.SCIMGroup, error) {
	out := make(map[string]*roster.SCIMGroup, len(teamIDs))
	err := chunks(teamIDs, func(args []any) error {
		rows, err := tx.query(ctx, `SELECT team_id, org_id, COALESCE(external_id, ''), created_at, updated_at
			FROM scim_groups WHERE team_id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return fmt.Errorf("scim groups: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var g roster.SCIMGroup
			var created, updated sql.NullInt64
			if err := rows.Scan(&g.TeamID, &g.OrgID, &g.ExternalID, &created, &updated); err != nil {
				return mapError(err)
			}
			g.CreatedAt, g.UpdatedAt = fromMicros(created), fromMicros(updated)
			out[g.TeamID] = &g
		}
		return mapError(rows.Err())
	})
	return out, err
}

// PutSCIMGroup inserts or replaces a team's SCIM record.
func (tx *Tx) PutSCIMGroup(ctx context.Context, g *roster.SCIMGroup) error {
	if g.CreatedAt.IsZero() {
		g.CreatedAt = tx.now
	}
	g.UpdatedAt = tx.now
	var ext sql.NullString
	if g.ExternalID != "" {
		ext = sql.NullString{String: g.ExternalID, Valid: true}
	}
	_, err := tx.exec(ctx, `INSERT INTO scim_groups (team_id, org_id, external_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (team_id) DO UPDATE SET external_id = excluded.external_id, updated_at = excluded.updated_at`,
		g.TeamID, g.OrgID, ext, micros(g.CreatedAt), micros(g.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store scim group %s: %w", g.TeamID, err)
	}
	return nil
}

// SCIMGroupKeys are indexed lookups that narrow a SCIM group list.
type SCIMGroupKeys struct {
	IDs          []string
	DisplayNames []string // compared case-insensitively
	ExternalIDs  []string // compared exactly
}

// SCIMTeams returns the organization's teams that are not archived, in
// creation order: those matching keys, or all of them when keys is nil.
func (tx *Tx) SCIMTeams(ctx context.Context, orgID string, k *SCIMGroupKeys) ([]*roster.Team, error) {
	base := `SELECT ` + teamColumns + ` FROM teams t WHERE t.org_id = ? AND t.archived_at IS NULL`
	if k == nil {
		return tx.queryTeams(ctx, base+` ORDER BY t.created_at, t.id`, orgID)
	}
	display := make([]string, len(k.DisplayNames))
	for i, d := range k.DisplayNames {
		display[i] = roster.Fold(d)
	}
	seen := map[string]bool{}
	var out []*roster.Team
	for _, l := range []struct {
		cond string
		vals []string
	}{
		{`t.id IN (%s)`, k.IDs},
		{`t.display_key IN (%s)`, display},
		{`t.id IN (SELECT g.team_id FROM scim_groups g WHERE g.org_id = t.org_id AND g.external_id IN (%s))`, k.ExternalIDs},
	} {
		err := chunks(l.vals, func(args []any) error {
			teams, err := tx.queryTeams(ctx, base+` AND `+fmt.Sprintf(l.cond, placeholders(len(args))), append([]any{orgID}, args...)...)
			for _, t := range teams {
				if !seen[t.ID] {
					seen[t.ID], out = true, append(out, t)
				}
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func (tx *Tx) queryTeams(ctx context.Context, q string, args ...any) ([]*roster.Team, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	defer rows.Close()
	var out []*roster.Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, fmt.Errorf("list teams: %w", err)
		}
		out = append(out, t)
	}
	return out, mapError(rows.Err())
}
