package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/store"
)

// memberChange is one change of a user's membership in a team: a join
// (old nil), a role change, or a departure (next nil).
type memberChange struct {
	team *teamView          // the team, as the actor stands in it
	user *roster.User       // whose membership changes
	old  *roster.Membership // the current membership; nil when joining
	next *roster.Membership // the membership to have; nil when leaving
	// claim marks changes made by the SSO groups claim, which an
	// administrator turned on (S6): they need no right of the signing-in
	// user, and only ever join as member or leave claim-made memberships.
	claim  bool
	detail string // appended to the audit entry
}

// changeMembership is the one transition of team memberships. Every edge
// reaches it through a use case: REST, web, SCIM, SSO and the CLI. It
// carries the authorization (T3, T4, H1: nobody gives a role beyond their
// own), the team-access rule for organization admins (T7), the last team
// admin (T5), the store write and the audit entry (L1).
func (s *Service) changeMembership(ctx context.Context, tx *store.Tx, a roster.Actor, c memberChange) error {
	if c.old == nil && c.next == nil {
		return nil
	}
	if c.old != nil && c.next != nil && c.old.RoleName() == c.next.RoleName() {
		return nil
	}
	if !c.claim {
		if err := s.authorizeMemberChange(a, c); err != nil {
			return err
		}
	}
	// Membership writes hold the team's row lock, so that they are ordered
	// with the team's other writers: a SCIM group's If-Match, which covers
	// its members, and the last-admin count (T5). The organization lock,
	// when held, was taken before.
	if err := tx.LockTeam(ctx, c.team.team.ID); err != nil {
		return err
	}
	if c.old != nil && (c.next == nil || c.next.Role != roster.TeamAdmin) {
		what := "remove"
		if c.next != nil {
			what = "demote"
		}
		if err := ensureNotLastTeamAdmin(ctx, tx, c.team, c.old, what); err != nil {
			return err
		}
	}
	w := teamWhere(c.team.team).about(c.user)
	switch {
	case c.old == nil:
		c.next.TeamID, c.next.PrincipalID, c.next.PrincipalKind = c.team.team.ID, c.user.ID, roster.KindUser
		if err := tx.AddMember(ctx, c.next); err != nil {
			if roster.ErrorCode(err) == roster.EConflict {
				return roster.ReasonErrorf(roster.EConflict, roster.ReasonAlreadyMember, "%s is already in team %s", display(c.user), c.team.team.Name)
			}
			return err
		}
		return auditAt(ctx, tx, a, roster.ActTeamInviteUser, w, withDetail("role "+c.next.RoleName(), c.detail))
	case c.next == nil:
		if err := tx.RemoveMember(ctx, c.team.team.ID, c.user.ID); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActTeamUninvite, w, c.detail)
	default:
		c.next.TeamID, c.next.PrincipalID, c.next.PrincipalKind = c.team.team.ID, c.user.ID, roster.KindUser
		c.next.ViaGroupClaim = false // re-roled by hand: the claim leaves it alone
		if err := tx.SetMemberRole(ctx, c.next); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActTeamUpdateMember, w,
			withDetail(fmt.Sprintf("role %s -> %s", c.old.RoleName(), c.next.RoleName()), c.detail))
	}
}

// authorizeMemberChange decides whether the actor may make change c.
func (s *Service) authorizeMemberChange(a roster.Actor, c memberChange) error {
	v := c.team
	self := c.user.ID == a.UserID() && a.User != nil
	switch {
	case c.old == nil:
		if err := v.require(roster.PermTeamInvite); err != nil {
			return err
		}
		if !v.perms.Has(roster.PermTeamUpdateMemberRole) && c.next.Role != roster.TeamMember && c.next.Role != roster.TeamViewer {
			return roster.ReasonErrorf(roster.EForbidden, roster.ReasonMissingPermission,
				"you may add people only as member or viewer; adding as %s needs team:update_member_role", c.next.RoleName())
		}
		// T7 also holds by proxy: an organization service account may not
		// add the admin who created it.
		byProxy := a.ServiceAccount != nil && a.ServiceAccount.CreatedBy == c.user.ID
		if (self || byProxy) && s.cfg.DisableAdminTeamAccess && v.member == nil {
			return roster.ReasonErrorf(roster.EForbidden, roster.ReasonAdminTeamAccessDisabled,
				"organization admins may not add themselves to teams on this instance")
		}
	case c.next == nil:
		if self {
			return nil // anyone may leave a team
		}
		if err := v.require(roster.PermTeamRemoveMember); err != nil {
			return err
		}
	default:
		if err := v.require(roster.PermTeamUpdateMemberRole); err != nil {
			return err
		}
	}
	if c.old != nil && !v.access.MayGrant(c.old) {
		return roster.ReasonErrorf(roster.EForbidden, roster.ReasonRoleAboveYours,
			"%s holds the %s role in team %s, which has permissions you do not hold; ask a team admin", display(c.user), c.old.RoleName(), v.team.Name)
	}
	if c.next != nil && !v.access.MayGrant(c.next) {
		return errRoleAboveYours(v, c.next)
	}
	return nil
}

// errRoleAboveYours refuses giving a role beyond the giver's own rights.
func errRoleAboveYours(v *teamView, m *roster.Membership) error {
	if m.Role == roster.TeamAdmin {
		return roster.ReasonErrorf(roster.EForbidden, roster.ReasonRoleAboveYours,
			"only team admins and organization admins may make someone admin of team %s", v.team.Name)
	}
	missing := (v.access.RolePerms(m) &^ v.perms).List()
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonRoleAboveYours,
		"you may give only roles within your own permissions in team %s; %s adds %v", v.team.Name, m.RoleName(), missing)
}

// withDetail joins an audit detail and an optional suffix.
func withDetail(d, more string) string {
	if more == "" {
		return d
	}
	if d == "" {
		return more
	}
	return d + ", " + more
}
