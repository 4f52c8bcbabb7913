package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// syncGroupTeams makes u's team memberships follow the groups claim (S6):
// u joins every listed existing team that is not archived as member, and
// leaves the teams an earlier sign-in joined through the claim that are no
// longer listed. Memberships added by hand, or whose role was changed by
// hand, are never touched. Unknown names are ignored: the claim never
// creates teams. A missing claim counts as an empty list.
func (s *Service) syncGroupTeams(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, groups []string) error {
	listed := map[string]bool{} // team ids named by the claim
	for _, g := range groups {
		if g == "" || len(g) > roster.MaxNameLen*4 {
			continue
		}
		t, m, err := tx.TeamWithMember(ctx, u.OrgID, g, u.ID)
		if roster.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		// TeamWithMember also matches ids; the claim names teams.
		if roster.Fold(t.Name) != roster.Fold(g) && roster.Fold(t.DisplayName) != roster.Fold(g) {
			continue
		}
		listed[t.ID] = true
		if m != nil || !t.ArchivedAt.IsZero() {
			continue
		}
		m = &roster.Membership{Role: roster.TeamMember, ViaGroupClaim: true}
		v := &teamView{team: t}
		if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, next: m, claim: true, detail: "from the sso groups claim"}); err != nil {
			return err
		}
	}
	joined, err := tx.GroupClaimTeams(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, t := range joined {
		if listed[t.ID] {
			continue
		}
		old := &roster.Membership{TeamID: t.ID, PrincipalID: u.ID, Role: roster.TeamMember, ViaGroupClaim: true}
		v := &teamView{team: &roster.Team{ID: t.ID, Name: t.Name}}
		if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, old: old, claim: true, detail: "no longer in the sso groups claim"}); err != nil {
			return err
		}
	}
	return nil
}
