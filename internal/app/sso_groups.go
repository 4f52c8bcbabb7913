package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// groupsOverageNote is the sign-in's audit detail when the provider had
// more groups than its token holds (Entra's overage marker).
const groupsOverageNote = "groups claim overage: the identity provider had too many groups to list in the token; " +
	"team memberships from the groups claim were left unchanged (assign fewer groups to the application, " +
	"or have the provider send only the groups assigned to it)"

// syncGroupTeams makes u's team memberships follow the groups claim (S6):
// u joins every listed existing team that is not archived as member, and
// leaves the teams an earlier sign-in joined through the claim that are no
// longer listed. A group matches a team by its name, its display name, or
// one of its idp_groups (an identity provider's group id or path).
// Memberships added by hand, or whose role was changed by hand, are never
// touched. Unknown groups are ignored: the claim never creates teams. A
// missing claim counts as an empty list; an overage marker (the list did
// not fit in the token) changes nothing and is returned as the note for
// the sign-in's audit entry.
func (s *Service) syncGroupTeams(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, c roster.SSOClaims) (string, error) {
	if c.GroupsOverage {
		s.log.WarnContext(ctx, "sso groups claim overage: team memberships left unchanged", "user", u.Username, "issuer", c.Issuer)
		return groupsOverageNote, nil
	}
	listed := map[string]bool{} // team ids named by the claim
	for _, g := range c.Groups {
		if g == "" || len(g) > roster.MaxNameLen*4 {
			continue
		}
		teams, err := s.groupTeams(ctx, tx, u, g)
		if err != nil {
			return "", err
		}
		for _, tm := range teams {
			if listed[tm.team.ID] {
				continue
			}
			listed[tm.team.ID] = true
			if tm.member != nil || !tm.team.ArchivedAt.IsZero() {
				continue
			}
			m := &roster.Membership{Role: roster.TeamMember, ViaGroupClaim: true}
			v := &teamView{team: tm.team}
			if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, next: m, claim: true, detail: "from the " + groupsSource(a.Via)}); err != nil {
				return "", err
			}
		}
	}
	return "", s.leaveUnlistedTeams(ctx, tx, a, u, listed)
}

// teamMember is a team with u's membership in it, if any.
type teamMember struct {
	team   *roster.Team
	member *roster.Membership
}

// groupTeams finds the teams one group of the claim names: the team with
// that name or display name, and the teams that list it in idp_groups.
func (s *Service) groupTeams(ctx context.Context, tx *store.Tx, u *roster.User, g string) ([]teamMember, error) {
	var out []teamMember
	t, m, err := tx.TeamWithMember(ctx, u.OrgID, g, u.ID)
	if err != nil && !roster.IsNotFound(err) {
		return nil, err
	}
	// TeamWithMember also matches ids; the claim names teams.
	if err == nil && (roster.Fold(t.Name) == roster.Fold(g) || roster.Fold(t.DisplayName) == roster.Fold(g)) {
		out = append(out, teamMember{t, m})
	}
	ids, err := tx.TeamsByIDPGroup(ctx, u.OrgID, g)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		t, m, err := tx.TeamWithMember(ctx, u.OrgID, id, u.ID)
		if roster.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, teamMember{t, m})
	}
	return out, nil
}

// leaveUnlistedTeams takes u out of the teams an earlier sign-in joined
// through the claim that the claim no longer lists.
func (s *Service) leaveUnlistedTeams(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, listed map[string]bool) error {
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
		if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, old: old, claim: true, detail: "no longer in the " + groupsSource(a.Via)}); err != nil {
			return err
		}
	}
	return nil
}

// groupsSource names where a sign-in's groups came from, for audit details.
func groupsSource(via roster.Interface) string {
	if via == roster.ViaLDAP {
		return "ldap groups"
	}
	return "sso groups claim"
}
