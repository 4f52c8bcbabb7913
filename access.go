package roster

// Permissions are one pure function over a bit mask: the store loads a
// team, the caller's membership and custom role in one indexed query, and
// the functions below decide. Nothing that decides access is cached in a
// process, so a role change through one server is seen by the next request
// on any server (D1); a check costs about 100 ns.

// TeamAccess is everything the permission check needs about a principal's
// standing in one team. Loading it is the store's job; deciding is here.
type TeamAccess struct {
	OrgRole            OrgRole      // the user's organization role; "" for service accounts
	OrgServiceAccount  bool         // an organization service account (A1)
	Member             *Membership  // nil when not a member
	Settings           TeamSettings // effective, after organization enforcement
	AdminTeamAccessOff bool         // GORILLA_DISABLE_ADMIN_TEAM_ACCESS (T7)
	Archived           bool
}

// RolePerms is the permission set a membership's role gives in this team,
// with the team's settings applied (R2, R3): members, and custom roles
// based on member, may invite when the team lets members invite.
func (a TeamAccess) RolePerms(m *Membership) PermSet {
	return rolePerms(m, a.Settings.MembersCanInvite)
}

func rolePerms(m *Membership, membersCanInvite bool) PermSet {
	perms, base := BuiltinPerms(m.Role), m.Role
	if m.Role == TeamCustom && m.CustomRole != nil {
		perms, base = m.CustomRole.Perms(), m.CustomRole.Base
	}
	if base == TeamMember && membersCanInvite {
		perms |= Perms(PermTeamInvite)
	}
	return perms
}

// TeamPerms computes a principal's effective permissions on a team (R1-R3,
// O5, T3, T7). It never touches the database.
func (a TeamAccess) TeamPerms() PermSet {
	if a.Archived {
		return 0
	}
	var perms PermSet
	if a.Member != nil {
		perms = rolePerms(a.Member, a.Settings.MembersCanInvite)
	}
	// An organization service account reaches what an organization admin
	// reaches (A1), so it reads no team data when admins may not (T7).
	if a.OrgServiceAccount && !a.AdminTeamAccessOff {
		perms |= ServicePerms
	}
	if a.OrgRole == OrgAdmin {
		if a.AdminTeamAccessOff {
			perms |= membershipPerms | Perms(PermTeamRead)
		} else {
			perms = AdminPerms
		}
	}
	if a.OrgRole == OrgViewer {
		perms &= ViewerPerms // O5: a viewer is read-only everywhere
	}
	return perms
}

// IsTeamAdmin reports whether the principal administers the team: a team
// admin, or an organization admin with team access.
func (a TeamAccess) IsTeamAdmin() bool {
	return a.TeamPerms() == AdminPerms
}

// MayGrant reports whether the principal may give a member the role m
// (H1): organization admins may give any role, since they manage every
// team's membership (T7); anyone else only a role whose permissions in
// this team they hold themselves, and admin only when they are team admins.
// Removing or re-roling a member is giving up their current role, so the
// same check guards who may touch whom.
func (a TeamAccess) MayGrant(m *Membership) bool {
	if a.OrgRole == OrgAdmin {
		return true
	}
	if m.Role == TeamAdmin {
		return a.IsTeamAdmin()
	}
	return a.Holds(a.RolePerms(m))
}

// Holds reports whether the principal holds every permission of p in the
// team, so that what it creates or grants never exceeds it (M3).
func (a TeamAccess) Holds(p PermSet) bool {
	return p&^a.TeamPerms() == 0
}

// CanSeeTeam reports whether the team exists for this principal: hidden
// teams are invisible to non-members (T6), and a team service account sees
// only its own team (A1).
func (a TeamAccess) CanSeeTeam() bool {
	switch {
	case a.Archived:
		return false
	case a.Member != nil || a.OrgRole == OrgAdmin || a.OrgServiceAccount:
		return true
	case a.OrgRole == "":
		return false // a team service account outside its team
	}
	return !a.Settings.HideFromNonMembers
}

// seesAsOrganization reports whether the principal sees the team the way
// every member of the organization does: visible to non-members, or to
// this principal through its membership or its organization-wide reach
// where that reach includes team data (T6, T7).
func (a TeamAccess) seesAsOrganization() bool {
	if !a.CanSeeTeam() {
		return false
	}
	if a.Member != nil || !a.Settings.HideFromNonMembers {
		return true
	}
	return !a.AdminTeamAccessOff
}

// ProjectPerms narrows team permissions to one project by its visibility
// (W1): restricted projects admit only their members and team admins;
// public ones are readable, and open ones readable and writable (runs), by
// everyone in the organization unless the team forbids public sharing or
// hides itself from them.
func (a TeamAccess) ProjectPerms(v Visibility, projectMember bool) PermSet {
	perms := a.TeamPerms()
	switch v {
	case VisibilityRestricted:
		// Added principals are the team's members and the organization's
		// service accounts (A1); a team service account is a member.
		if projectMember && (a.Member != nil || a.OrgServiceAccount) || perms == AdminPerms {
			return perms
		}
		return 0
	case VisibilityPublic:
		if a.sharedWithOrganization() {
			perms |= Perms(PermProjectRead, PermRunRead)
		}
	case VisibilityOpen:
		// Open: anyone in the organization reads and logs runs; changing
		// the project stays with the team. Viewers stay read-only (O5).
		if a.sharedWithOrganization() {
			open := Perms(PermProjectRead, PermRunRead, PermRunCreate)
			if a.OrgRole == OrgViewer {
				open &= ViewerPerms
			}
			perms |= open
		}
	}
	return perms
}

// sharedWithOrganization reports whether a project the team shows beyond
// itself (public, open) reaches this principal: a user or organization
// service account that sees the team as the organization does, unless the
// team forbids public sharing (T6).
func (a TeamAccess) sharedWithOrganization() bool {
	return !a.Settings.ForbidPublicSharing && a.seesAsOrganization() && (a.OrgRole != "" || a.OrgServiceAccount)
}

// CanChangeRun reports whether perms allow op (run:update, run:stop or
// run:delete) on a run; authors may always change their own runs while they
// hold run:create (R1).
func CanChangeRun(perms PermSet, op Permission, own bool) bool {
	return perms.Has(op) || own && perms.Has(PermRunCreate)
}
