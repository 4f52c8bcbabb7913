package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// MaxSCIMTeamRoles bounds the teamRoles of one SCIM user.
const MaxSCIMTeamRoles = 200

// syncSCIMTeams makes u's memberships exactly want (C4): each join, role
// change and departure goes through the membership transition, with its
// rules (T5, T7, R3, R5) and audit entry.
func (s *Service) syncSCIMTeams(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, current []*store.TeamMembership, want []TeamJoin) error {
	if len(want) > MaxSCIMTeamRoles {
		return roster.Errorf(roster.EInvalid, "a user may list at most %d teamRoles", MaxSCIMTeamRoles)
	}
	desired := map[string]*roster.Membership{}
	views := map[string]*teamView{}
	var order []string
	for _, j := range want {
		v, err := s.loadTeam(ctx, tx, a, j.Team)
		if err != nil {
			return err
		}
		m := &roster.Membership{}
		if err := s.resolveRole(ctx, tx, v.team.OrgID, j.Role, m); err != nil {
			return err
		}
		if desired[v.team.ID] == nil {
			order = append(order, v.team.ID)
		}
		desired[v.team.ID], views[v.team.ID] = m, v
	}
	for _, c := range current {
		v := views[c.TeamID]
		if v == nil {
			var err error
			if v, err = s.loadTeamAny(ctx, tx, a, c.TeamID); err != nil {
				return err
			}
		}
		next := desired[c.TeamID] // nil: the membership goes
		delete(desired, c.TeamID)
		if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, old: &c.Membership, next: next}); err != nil {
			return err
		}
	}
	for _, id := range order {
		if m := desired[id]; m != nil {
			if err := s.changeMembership(ctx, tx, a, memberChange{team: views[id], user: u, next: m}); err != nil {
				return err
			}
		}
	}
	return nil
}
