package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/store"
)

// MaxSCIMTeamRoles bounds the teamRoles of one SCIM user.
const MaxSCIMTeamRoles = 200

// syncSCIMTeams makes u's memberships exactly want (C4): it adds, changes
// and removes memberships under the team rules (T5, R3, R5) and audits each.
func (s *Service) syncSCIMTeams(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, current []*store.TeamMembership, want []TeamJoin) error {
	if len(want) > MaxSCIMTeamRoles {
		return roster.Errorf(roster.EInvalid, "a user may list at most %d teamRoles", MaxSCIMTeamRoles)
	}
	desired := map[string]*roster.Membership{}
	names := map[string]string{}
	var order []string
	for _, j := range want {
		v, err := s.loadTeam(ctx, tx, a, j.Team)
		if err != nil {
			return err
		}
		m := &roster.Membership{TeamID: v.team.ID, PrincipalID: u.ID, PrincipalKind: roster.KindUser}
		if err := s.resolveRole(ctx, tx, v.team.OrgID, j.Role, m); err != nil {
			return err
		}
		if desired[v.team.ID] == nil {
			order = append(order, v.team.ID)
		}
		desired[v.team.ID], names[v.team.ID] = m, v.team.Name
	}
	for _, c := range current {
		v := &teamView{team: &roster.Team{ID: c.TeamID, Name: c.TeamName}}
		m, keep := desired[c.TeamID]
		delete(desired, c.TeamID)
		if err := s.changeSCIMMembership(ctx, tx, a, u, v, &c.Membership, m, keep); err != nil {
			return err
		}
	}
	for _, id := range order {
		if m := desired[id]; m != nil {
			if err := tx.AddMember(ctx, m); err != nil {
				return err
			}
			if err := auditAt(ctx, tx, a, roster.ActTeamInviteUser, where{user: u, team: names[id]}, "role "+m.RoleName()); err != nil {
				return err
			}
		}
	}
	return nil
}

// changeSCIMMembership changes the role of a membership that stays, or
// removes one that goes, keeping each team's last admin (T5).
func (s *Service) changeSCIMMembership(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, v *teamView, old, next *roster.Membership, keep bool) error {
	w := where{user: u, team: v.team.Name}
	if !keep {
		if err := ensureNotLastTeamAdmin(ctx, tx, v, old, "remove"); err != nil {
			return err
		}
		if err := tx.RemoveMember(ctx, v.team.ID, u.ID); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActTeamUninvite, w, "")
	}
	if next.RoleName() == old.RoleName() {
		return nil
	}
	if next.Role != roster.TeamAdmin {
		if err := ensureNotLastTeamAdmin(ctx, tx, v, old, "demote"); err != nil {
			return err
		}
	}
	if err := tx.SetMemberRole(ctx, next); err != nil {
		return err
	}
	return auditAt(ctx, tx, a, roster.ActTeamUpdateMember, w, fmt.Sprintf("role %s -> %s", old.RoleName(), next.RoleName()))
}
