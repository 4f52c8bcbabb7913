package roster

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

// TeamPerms computes a principal's effective permissions on a team (R1-R3,
// O5, T3, T7). It never touches the database.
func (a TeamAccess) TeamPerms() PermSet {
	if a.Archived {
		return 0
	}
	var perms PermSet
	if m := a.Member; m != nil {
		switch {
		case m.Role == TeamCustom && m.CustomRole != nil:
			perms = m.CustomRole.Perms()
			if m.CustomRole.Base == TeamMember && a.Settings.MembersCanInvite {
				perms |= Perms(PermTeamInvite)
			}
		default:
			perms = BuiltinPerms(m.Role)
			if m.Role == TeamMember && a.Settings.MembersCanInvite {
				perms |= Perms(PermTeamInvite)
			}
		}
	}
	if a.OrgServiceAccount {
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

// CanSeeTeam reports whether the team exists for this principal: hidden
// teams are invisible to non-members (T6).
func (a TeamAccess) CanSeeTeam() bool {
	if a.Archived {
		return false
	}
	if a.Member != nil || a.OrgRole == OrgAdmin || a.OrgServiceAccount {
		return true
	}
	return !a.Settings.HideFromNonMembers
}

// ProjectPerms narrows team permissions to one project by its visibility
// (W1): restricted projects admit only their members and team admins;
// public ones are readable by everyone in the organization unless the team
// forbids public sharing.
func (a TeamAccess) ProjectPerms(v Visibility, projectMember bool) PermSet {
	perms := a.TeamPerms()
	switch v {
	case VisibilityRestricted:
		if projectMember && a.Member != nil || a.IsTeamAdmin() {
			return perms
		}
		return 0
	case VisibilityPublic:
		if !a.Settings.ForbidPublicSharing && a.CanSeeTeam() && (a.OrgRole != "" || a.OrgServiceAccount) {
			perms |= Perms(PermProjectRead, PermRunRead)
		}
	}
	return perms
}

// CanChangeRun reports whether perms allow op (run:update, run:stop or
// run:delete) on a run; authors may always change their own runs while they
// hold run:create (R1).
func CanChangeRun(perms PermSet, op Permission, own bool) bool {
	return perms.Has(op) || own && perms.Has(PermRunCreate)
}
