package store

import (
	"context"
	"fmt"

	"roster"
)

// SetTeamIDPGroups replaces the identity provider groups (ids or paths)
// that team t is matched by in the SSO groups claim.
func (tx *Tx) SetTeamIDPGroups(ctx context.Context, t *roster.Team, groups []string) error {
	if _, err := tx.exec(ctx, `DELETE FROM team_idp_groups WHERE team_id = ?`, t.ID); err != nil {
		return fmt.Errorf("clear idp groups of team %s: %w", t.ID, err)
	}
	for _, g := range groups {
		_, err := tx.exec(ctx, `INSERT INTO team_idp_groups (team_id, org_id, idp_group, group_key) VALUES (?, ?, ?, ?)`,
			t.ID, t.OrgID, g, roster.Fold(g))
		if err != nil {
			return fmt.Errorf("add idp group to team %s: %w", t.ID, err)
		}
	}
	return nil
}

// TeamIDPGroups lists the identity provider groups team teamID is matched
// by, in the order they sort.
func (tx *Tx) TeamIDPGroups(ctx context.Context, teamID string) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT idp_group FROM team_idp_groups WHERE team_id = ? ORDER BY group_key`, teamID)
	if err != nil {
		return nil, fmt.Errorf("idp groups of team %s: %w", teamID, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, mapError(err)
		}
		out = append(out, g)
	}
	return out, mapError(rows.Err())
}

// TeamsByIDPGroup lists the ids of the organization's teams that an
// identity provider group (an id or a path) is mapped to.
func (tx *Tx) TeamsByIDPGroup(ctx context.Context, orgID, group string) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT team_id FROM team_idp_groups WHERE org_id = ? AND group_key = ? ORDER BY team_id`,
		orgID, roster.Fold(group))
	if err != nil {
		return nil, fmt.Errorf("teams of idp group: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, mapError(err)
		}
		out = append(out, id)
	}
	return out, mapError(rows.Err())
}

// TeamsIDPGroups lists the identity provider groups of each of teamIDs,
// by team id, in the order they sort; teams without any are absent.
func (tx *Tx) TeamsIDPGroups(ctx context.Context, teamIDs []string) (map[string][]string, error) {
	out := make(map[string][]string)
	err := chunks(teamIDs, func(args []any) error {
		rows, err := tx.query(ctx, `SELECT team_id, idp_group FROM team_idp_groups WHERE team_id IN (`+placeholders(len(args))+`)
			ORDER BY team_id, group_key`, args...)
		if err != nil {
			return fmt.Errorf("idp groups of teams: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, g string
			if err := rows.Scan(&id, &g); err != nil {
				return mapError(err)
			}
			out[id] = append(out[id], g)
		}
		return mapError(rows.Err())
	})
	return out, err
}
