package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"roster"
	"roster/internal/store"
)

// AddMemberInput adds a person to a team by username or email (T4).
type AddMemberInput struct {
	Username string
	Email    string
	Role     string // built-in or custom role name; member when empty
}

// AddMemberResult is the new membership, with the organization invite
// when the email had no user behind it.
type AddMemberResult struct {
	Member *roster.Membership
	User   *roster.User
	Invite *InviteResult // nil unless a new person was invited
}

// resolveRole turns a role name into a membership role: built-in or custom.
func (s *Service) resolveRole(ctx context.Context, tx *store.Tx, org, name string, m *roster.Membership) error {
	if name == "" {
		name = string(roster.TeamMember)
	}
	if r, ok := roster.ParseBuiltinTeamRole(name); ok {
		if r == roster.TeamService {
			return roster.ReasonErrorf(roster.EInvalid, roster.ReasonInvalidRole, "the service role belongs to service accounts; create one instead")
		}
		if r == roster.TeamViewer {
			if err := s.requireFeatureIn(ctx, tx, org, featureViewerTeamRole); err != nil {
				return err
			}
		}
		m.Role, m.CustomRole = r, nil
		return nil
	}
	if name = roster.CleanRoleName(name); utf8.RuneCountInString(name) > roster.MaxRoleNameLen {
		return roster.Errorf(roster.EInvalid, "role name must be at most %d characters", roster.MaxRoleNameLen)
	}
	cr, err := tx.CustomRole(ctx, org, name)
	if roster.IsNotFound(err) {
		return roster.ReasonErrorf(roster.EInvalid, roster.ReasonInvalidRole, "role %q is neither admin, member, viewer nor a custom role", name)
	}
	if err != nil {
		return err
	}
	if err := s.requireFeatureIn(ctx, tx, org, featureCustomRoles); err != nil {
		return err
	}
	m.Role, m.CustomRole = roster.TeamCustom, cr
	return nil
}

// AddTeamMember adds a known user at once, or invites an unknown email to
// the organization with the membership attached (T4). Team admins and
// organization admins may add; members only when the team lets them, and
// only as member or viewer.
func (s *Service) AddTeamMember(ctx context.Context, a roster.Actor, teamRef string, in AddMemberInput) (*AddMemberResult, error) {
	if (in.Username == "") == (in.Email == "") {
		return nil, roster.Errorf(roster.EInvalid, "give either username or email")
	}
	res := &AddMemberResult{}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermTeamInvite); err != nil {
			return err
		}
		m := &roster.Membership{}
		if err := s.resolveRole(ctx, tx, v.team.OrgID, in.Role, m); err != nil {
			return err
		}
		// Refuse what the actor may not give before anyone is invited.
		if err := s.authorizeMemberChange(a, memberChange{team: v, user: &roster.User{}, next: m}); err != nil {
			return err
		}
		u, err := s.memberToAdd(ctx, tx, a, in, res)
		if err != nil {
			return err
		}
		if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, next: m}); err != nil {
			return err
		}
		m.Username, m.Email, m.Name, m.Status = u.Username, u.Email, u.Name, u.Status
		res.User, res.Member = u, m
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("add member to team %s: %w", teamRef, err)
	}
	if res.Invite != nil {
		s.afterInvite(res.Invite)
	}
	return res, nil
}

// memberToAdd finds the user to add, inviting an unknown email.
func (s *Service) memberToAdd(ctx context.Context, tx *store.Tx, a roster.Actor, in AddMemberInput, res *AddMemberResult) (*roster.User, error) {
	if in.Username != "" {
		u, err := tx.UserByUsername(ctx, orgID(a), strings.TrimSpace(in.Username))
		if roster.IsNotFound(err) {
			return nil, roster.Errorf(roster.ENotFound, "no user %q in this organization", truncate(in.Username, 64))
		}
		return u, err
	}
	email, err := roster.NormalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	u, err := tx.UserByEmail(ctx, orgID(a), email)
	if err == nil || !roster.IsNotFound(err) {
		return u, err
	}
	if a.ServiceAccount != nil {
		return nil, roster.Errorf(roster.EForbidden, "service accounts cannot invite people to the organization")
	}
	res.Invite = &InviteResult{}
	if err := s.inviteInTx(ctx, tx, a, orgID(a), email, roster.OrgMember, res.Invite); err != nil {
		return nil, err
	}
	return res.Invite.User, nil
}

// ListTeamMembers lists a team's members.
func (s *Service) ListTeamMembers(ctx context.Context, a roster.Actor, teamRef string) ([]*roster.Membership, error) {
	var out []*roster.Membership
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermTeamRead); err != nil {
			return err
		}
		out, err = tx.ListMembers(ctx, v.team.ID)
		return err
	})
	return out, err
}

// MembersPage is one page of a team's members with the team's counts.
type MembersPage struct {
	Members    []*roster.Membership
	NextCursor string // "" on the last page
	Total      int    // members of the team, whatever the query
	Admins     int    // admins among its users that were not removed (T5)
}

// ListTeamMembersPage lists one page of a team's members, narrowed by
// f.Query, for those who may read the team; f.Limit is capped at
// MaxPageSize.
func (s *Service) ListTeamMembersPage(ctx context.Context, a roster.Actor, teamRef string, f store.MemberFilter) (*MembersPage, error) {
	if f.Limit <= 0 || f.Limit > MaxPageSize {
		f.Limit = MaxPageSize
	}
	f.Query = strings.TrimSpace(f.Query)
	out := &MembersPage{}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermTeamRead); err != nil {
			return err
		}
		if out.Members, out.NextCursor, err = tx.ListMembersPage(ctx, v.team.ID, f); err != nil {
			return err
		}
		if out.Total, err = tx.CountMembers(ctx, v.team.ID); err != nil {
			return err
		}
		out.Admins, err = tx.CountTeamAdmins(ctx, v.team.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// memberTarget loads the membership of the user named by ref in team v.
func memberTarget(ctx context.Context, tx *store.Tx, v *teamView, ref string) (*roster.User, *roster.Membership, error) {
	u, err := findUser(ctx, tx, v.team.OrgID, ref)
	if err != nil {
		return nil, nil, err
	}
	_, m, err := tx.TeamWithMember(ctx, v.team.OrgID, v.team.ID, u.ID)
	if err != nil {
		return nil, nil, err
	}
	if m == nil {
		return nil, nil, roster.Errorf(roster.ENotFound, "%s is not in team %s", display(u), v.team.Name)
	}
	return u, m, nil
}

// ensureNotLastTeamAdmin refuses removing or demoting a team's last admin (T5).
func ensureNotLastTeamAdmin(ctx context.Context, tx *store.Tx, v *teamView, m *roster.Membership, what string) error {
	if m.Role != roster.TeamAdmin {
		return nil
	}
	// Two admins demoting each other at once must not both see the other.
	if err := tx.LockTeam(ctx, v.team.ID); err != nil {
		return err
	}
	n, err := tx.CountTeamAdmins(ctx, v.team.ID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonLastTeamAdmin,
			"cannot %s the last admin of team %s; make another member admin first", what, v.team.Name)
	}
	return nil
}

// ChangeTeamRole changes a member's team role (T3, R3).
func (s *Service) ChangeTeamRole(ctx context.Context, a roster.Actor, teamRef, userRef, role string) (*roster.Membership, error) {
	var out *roster.Membership
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		// Check before looking the user up, so that those who may not
		// change roles cannot probe who is in the team (D5).
		if err := v.require(roster.PermTeamUpdateMemberRole); err != nil {
			return err
		}
		u, m, err := memberTarget(ctx, tx, v, userRef)
		if err != nil {
			return err
		}
		next := *m
		if err := s.resolveRole(ctx, tx, v.team.OrgID, role, &next); err != nil {
			return err
		}
		if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, old: m, next: &next}); err != nil {
			return err
		}
		out = &next
		if next.RoleName() == m.RoleName() {
			out = m
		}
		out.Username, out.Email, out.Name, out.Status = u.Username, u.Email, u.Name, u.Status
		return nil
	})
	return out, err
}

// RemoveTeamMember takes a user out of a team; their runs stay (T5).
// Anyone may leave a team themselves.
func (s *Service) RemoveTeamMember(ctx context.Context, a roster.Actor, teamRef, userRef string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		// Check before looking the user up, so that those who may not
		// remove members cannot probe who is in the team (D5).
		if !isSelf(a, userRef) {
			if err := v.require(roster.PermTeamRemoveMember); err != nil {
				return err
			}
		}
		u, m, err := memberTarget(ctx, tx, v, userRef)
		if err != nil {
			return err
		}
		return s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, old: m})
	})
}

// isSelf reports whether ref names the acting user by id, username or email.
func isSelf(a roster.Actor, ref string) bool {
	if a.User == nil {
		return false
	}
	return ref == a.User.ID || a.User.Username != "" && roster.Fold(ref) == roster.Fold(a.User.Username) || roster.SameEmail(ref, a.User.Email)
}
