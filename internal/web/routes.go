package web

import (
	"net/http"

	"roster"
)

// access says who may open a route. The use cases decide for real; this
// picks between the sign-in redirect and the page.
type access int

const (
	public   access = iota // anyone, signed in or not
	signedIn               // an active user's session
)

// route is one page or action.
type route struct {
	method, path string
	access       access
	handle       func(w http.ResponseWriter, r *http.Request, a roster.Actor) error
}

// table lists every route of the web edge in one place.
func (web *Web) table() []route {
	return []route{
		{"GET", "/{$}", public, web.home},
		{"GET", "/sign-in", public, web.signInPage},
		{"POST", "/sign-in", public, web.signIn},
		{"GET", "/sign-up", public, web.signUpPage},
		{"POST", "/sign-up", public, web.signUp},
		{"GET", "/invite/{token}", public, web.invitePage},
		{"POST", "/invite/{token}", public, web.acceptInvite},
		{"POST", "/sign-out", signedIn, web.signOut},
		{"POST", "/switch-organization", signedIn, web.switchOrganization},

		{"GET", "/profile", signedIn, web.profile},
		{"POST", "/profile/name", signedIn, web.saveName},
		{"POST", "/profile/password", signedIn, web.savePassword},
		{"POST", "/profile/api-keys", signedIn, web.createKey},
		{"POST", "/profile/api-keys/{id}/delete", signedIn, web.deleteKey},

		{"GET", "/org/users", signedIn, web.users},
		{"GET", "/org/users.csv", signedIn, web.usersCSV},
		{"GET", "/org/dashboard", signedIn, web.users}, // W&B's address of the same page
		{"GET", "/org/users/new", signedIn, web.inviteForm},
		{"GET", "/org/users/{id}", signedIn, web.userDetail},
		{"GET", "/org/users/bulk", signedIn, web.bulkInviteForm},
		{"POST", "/org/users/bulk", signedIn, web.bulkInvite},
		{"POST", "/org/users", signedIn, web.inviteUser},
		{"POST", "/org/users/{id}/role", signedIn, web.changeRole},
		{"POST", "/org/users/{id}/deactivate", signedIn, web.deactivate},
		{"POST", "/org/users/{id}/reactivate", signedIn, web.reactivate},
		{"POST", "/org/users/{id}/unlock", signedIn, web.unlockUser},
		{"POST", "/org/users/{id}/sessions/{session}/revoke", signedIn, web.revokeSession},
		{"POST", "/org/users/{id}/resend-invite", signedIn, web.resendInvite},
		{"POST", "/org/users/{id}/invite-link", signedIn, web.inviteLink},
		{"POST", "/org/users/{id}/revoke-invite", signedIn, web.revokeInvite},
		{"POST", "/org/users/{id}/remove", signedIn, web.removeUser},
		{"GET", "/org/teams", signedIn, web.orgTeams},
		{"GET", "/org/teams/new", signedIn, web.newTeamForm},
		{"POST", "/org/teams", signedIn, web.createTeam},
		{"POST", "/org/teams/{team}/archive", signedIn, web.archiveTeam},
		{"POST", "/org/teams/{team}/restore", signedIn, web.restoreTeam},
		{"GET", "/org/roles", signedIn, web.roles},
		{"POST", "/org/roles", signedIn, web.createRole},
		{"POST", "/org/roles/{role}/edit", signedIn, web.editRole},
		{"POST", "/org/roles/{role}/delete", signedIn, web.deleteRole},
		{"GET", "/org/service-accounts", signedIn, web.orgServiceAccounts},
		{"POST", "/org/service-accounts", signedIn, web.createOrgServiceAccount},
		{"POST", "/org/service-accounts/{id}/delete", signedIn, web.deleteOrgServiceAccount},
		{"POST", "/org/service-accounts/{id}/keys", signedIn, web.createOrgServiceAccountKey},
		{"GET", "/org/api-keys", signedIn, web.orgKeys},
		{"POST", "/org/api-keys/revoke", signedIn, web.revokeOrgKeys},
		{"POST", "/org/api-keys/settings", signedIn, web.setKeyCreation},
		{"GET", "/org/activity", signedIn, web.activity},
		{"GET", "/org/audit", signedIn, web.audit},
		{"GET", "/org/audit.csv", signedIn, web.auditCSV},
		{"GET", "/org/settings", signedIn, web.orgSettings},
		{"POST", "/org/settings/privacy", signedIn, web.savePolicy},
		{"POST", "/org/settings/test-email", signedIn, web.testEmail},
		{"POST", "/org/settings/jwt-issuers", signedIn, web.addJWTIssuer},
		{"POST", "/org/settings/jwt-issuers/{id}/delete", signedIn, web.deleteJWTIssuer},

		{"GET", "/instance/organizations", signedIn, web.organizations},
		{"POST", "/instance/organizations", signedIn, web.createOrganization},
		{"POST", "/instance/organizations/{org}/rename", signedIn, web.renameOrganization},
		{"POST", "/instance/organizations/{org}/suspend", signedIn, web.suspendOrganization},
		{"POST", "/instance/organizations/{org}/resume", signedIn, web.resumeOrganization},
		{"POST", "/instance/organizations/{org}/delete", signedIn, web.deleteOrganization},
		{"POST", "/instance/organizations/{org}/enter", signedIn, web.enterOrganization},

		{"GET", "/teams/{team}", signedIn, web.team},
		{"GET", "/teams/{team}/avatar", signedIn, web.teamAvatar},
		{"GET", "/teams/{team}/settings", signedIn, web.teamSettings},
		{"GET", "/teams/{team}/settings/members", signedIn, web.members},
		{"POST", "/teams/{team}/settings/members", signedIn, web.addMember},
		{"POST", "/teams/{team}/settings/members/{user}/role", signedIn, web.changeMemberRole},
		{"POST", "/teams/{team}/settings/members/{user}/remove", signedIn, web.removeMember},
		{"GET", "/teams/{team}/settings/general", signedIn, web.general},
		{"POST", "/teams/{team}/settings/general", signedIn, web.saveGeneral},
		{"POST", "/teams/{team}/settings/avatar", signedIn, web.uploadAvatar},
		{"POST", "/teams/{team}/settings/idp-groups", signedIn, web.saveIDPGroups},
		{"GET", "/teams/{team}/settings/privacy", signedIn, web.privacy},
		{"POST", "/teams/{team}/settings/privacy", signedIn, web.savePrivacy},
		{"GET", "/teams/{team}/settings/alerts", signedIn, web.alerts},
		{"POST", "/teams/{team}/settings/alerts", signedIn, web.saveAlerts},
		{"GET", "/teams/{team}/settings/service-accounts", signedIn, web.teamServiceAccounts},
		{"POST", "/teams/{team}/settings/service-accounts", signedIn, web.createTeamServiceAccount},
		{"POST", "/teams/{team}/settings/service-accounts/{id}/delete", signedIn, web.deleteTeamServiceAccount},
		{"POST", "/teams/{team}/settings/service-accounts/{id}/keys", signedIn, web.createTeamServiceAccountKey},
		{"GET", "/teams/{team}/settings/usage", signedIn, web.usage},
	}
}
