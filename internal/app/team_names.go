package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// ensureTeamNamesFree is the one check of P4's team references, for every
// path that creates, renames or restores a team: no other team of the
// organization that is not archived may be shown with t's display name,
// be named like it, or be shown with t's name, so that a reference by name
// or display name always reaches one team. It takes the organization lock
// first, so that two racing creations or renames cannot both pass.
func ensureTeamNamesFree(ctx context.Context, tx *store.Tx, t *roster.Team) error {
	if err := tx.LockOrg(ctx, t.OrgID); err != nil {
		return err
	}
	other, err := tx.TeamNameClash(ctx, t.OrgID, t.ID, []string{t.DisplayName, t.Name}, []string{t.DisplayName})
	if roster.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case roster.Fold(t.DisplayName) == roster.Fold(t.Name):
		// The display name is the name (the default): report the name.
	case roster.Fold(other.DisplayName) == roster.Fold(t.DisplayName):
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonTeamDisplayTaken,
			"a team shown as %q already exists (team %s): choose another display name", other.DisplayName, other.Name)
	case roster.Fold(other.Name) == roster.Fold(t.DisplayName):
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonTeamDisplayTaken,
			"display name %q is the name of team %s: choose another display name", t.DisplayName, other.Name)
	}
	return roster.ReasonErrorf(roster.EConflict, roster.ReasonTeamNameTaken,
		"team name %s is the display name of team %s: choose another name", t.Name, other.Name)
}
