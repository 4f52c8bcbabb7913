package store

import (
	"context"
	"fmt"
	"strings"
)

// UserTeamNames maps each of the given users to the names of the teams
// they belong to, archived teams left out, in name order.
func (tx *Tx) UserTeamNames(ctx context.Context, orgID string, userIDs []string) (map[string][]string, error) {
	out := make(map[string][]string, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(userIDs)), ", ")
	args := []any{orgID}
	for _, id := range userIDs {
		args = append(args, id)
	}
	rows, err := tx.query(ctx, `SELECT m.principal_id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id
		WHERE t.org_id = ? AND t.archived_at IS NULL AND m.principal_id IN (`+marks+`) ORDER BY t.name_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("teams of users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, mapError(err)
		}
		out[id] = append(out[id], name)
	}
	return out, mapError(rows.Err())
}
