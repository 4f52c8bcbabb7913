package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// teamView is a team as one principal stands in it.
type teamView struct {
	team   *roster.Team
	member *roster.Membership
	access roster.TeamAccess
	perms  roster.PermSet
}

// errNoTeam hides whether a team exists from those who may not see it.
func errNoTeam(ref string) error {
	return roster.Errorf(roster.ENotFound, "no team %q", truncate(ref, 64))
}

// loadTeam loads a team and the actor's standing in it, refusing archived
// teams and hidden ones the actor may not see, as not found.
func (s *Service) loadTeam(ctx context.Context, tx *store.Tx, a roster.Actor, ref string) (*teamView, error) {
	if err := requirePrincipal(a); err != nil {
		return nil, err
	}
	v, err := s.loadTeamAny(ctx, tx, a, ref)
	if err != nil {
		return nil, err
	}
	if !v.access.CanSeeTeam() {
		return nil, errNoTeam(ref)
	}
	return v, nil
}

// loadTeamAny loads a team, archived or not, with the actor's standing.
func (s *Service) loadTeamAny(ctx context.Context, tx *store.Tx, a roster.Actor, ref string) (*teamView, error) {
	if ref == "" || len(ref) > 128 {
		return nil, errNoTeam(ref)
	}
	t, m, err := tx.TeamWithMember(ctx, orgID(a), ref, a.PrincipalID())
	if roster.IsNotFound(err) {
		return nil, errNoTeam(ref)
	}
	if err != nil {
		return nil, err
	}
	policy, err := tx.OrgPolicy(ctx, t.OrgID)
	if err != nil {
		return nil, err
	}
	acc := s.teamAccess(a, t, m, policy)
	return &teamView{team: t, member: m, access: acc, perms: acc.TeamPerms()}, nil
}

// teamAccess is the actor's standing in team t, given its membership m
// (nil when none) and the organization's privacy enforcement: the inputs
// of the one permission function (roster.TeamAccess).
func (s *Service) teamAccess(a roster.Actor, t *roster.Team, m *roster.Membership, policy roster.PrivacyPolicy) roster.TeamAccess {
	acc := roster.TeamAccess{Member: m, Settings: policy.Apply(t.Settings),
		AdminTeamAccessOff: s.cfg.DisableAdminTeamAccess, Archived: !t.ArchivedAt.IsZero()}
	switch {
	case a.User != nil:
		acc.OrgRole = a.User.Role
	case isSCIMServiceAccount(a):
		// Through SCIM an organization service account acts as an
		// organization admin (A1, section 9), with the same limits (T7).
		acc.OrgRole = roster.OrgAdmin
	case a.ServiceAccount != nil:
		acc.OrgServiceAccount = a.ServiceAccount.IsOrgScoped()
	}
	return acc
}

// require refuses unless the actor holds p in the team. Members who lack it
// learn what they miss; the team itself was already visible to them.
func (v *teamView) require(p roster.Permission) error {
	if v.perms.Has(p) {
		return nil
	}
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonMissingPermission,
		"you need the %s permission in team %s", p, v.team.Name)
}

// TeamPermissions is the actor's effective permissions in a team, for
// edges that show or hide controls.
func (s *Service) TeamPermissions(ctx context.Context, a roster.Actor, ref string) ([]roster.Permission, error) {
	var perms roster.PermSet
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		perms = v.perms
		return nil
	})
	return perms.List(), err
}
