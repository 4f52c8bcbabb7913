package roster

import "time"

// Audit actions (L2). Names follow the `object:operation` shape.
const (
	ActUserCreate         = "user:create"
	ActUserSignup         = "user:signup"
	ActUserAcceptInvite   = "user:accept_invite"
	ActUserResendInvite   = "user:resend_invite"
	ActUserRevokeInvite   = "user:revoke_invite"
	ActUserDeactivate     = "user:deactivate"
	ActUserReactivate     = "user:reactivate"
	ActUserDelete         = "user:permanently_delete"
	ActUserUpdate         = "user:update"
	ActUserLogin          = "user:login"
	ActUserLoginFailed    = "user:login_failed"
	ActUserLockout        = "user:lockout" // sign-ins without a known device refused for a while
	ActUserUnlock         = "user:unlock"  // an admin cleared a lockout
	ActUserLogout         = "user:logout"
	ActUserChangePassword = "user:change_password"
	ActUserResetPassword  = "user:reset_password"
	ActUserCreateAPIKey   = "user:create_api_key"
	ActUserDeleteAPIKey   = "user:delete_api_key"
	ActUserRead           = "user:read" // someone else's profile was opened, as W&B records
	ActUserRevokeSession  = "user:revoke_session"
	ActOrgUpdateMember    = "organization:update_member"
)

// AuditActions lists every action, for the filters that offer them; a
// test checks that it names every Act constant.
var AuditActions = []string{
	ActUserCreate, ActUserSignup, ActUserAcceptInvite, ActUserResendInvite, ActUserRevokeInvite,
	ActUserDeactivate, ActUserReactivate, ActUserDelete, ActUserUpdate, ActUserLogin, ActUserLoginFailed,
	ActUserLockout, ActUserUnlock, ActUserLogout, ActUserChangePassword, ActUserResetPassword,
	ActUserCreateAPIKey, ActUserDeleteAPIKey, ActUserRead, ActUserRevokeSession, ActUserLocalRestore,
	ActOrgUpdateMember,
	ActServiceAccountCreateAPIKey, ActServiceAccountDeleteAPIKey, ActAPIKeyRename, ActAPIKeyRevoke,
	ActTeamCreate, ActTeamUpdate, ActTeamDelete, ActTeamRestore, ActTeamInviteUser, ActTeamUninvite,
	ActTeamUpdateMember, ActTeamCreateServiceAccount, ActTeamDeleteServiceAccount,
	ActOrgCreateServiceAccount, ActOrgDeleteServiceAccount, ActOrgUpdateSettings,
	ActRoleCreate, ActRoleUpdate, ActRoleDelete,
	ActProjectCreate, ActProjectUpdate, ActProjectDelete, ActProjectRead, ActProjectAddMember,
	ActProjectRemoveMember,
	ActRunCreate, ActRunUpdate, ActRunStop, ActRunDelete,
	ActOrgCreateJWTIssuer, ActOrgDeleteJWTIssuer, ActJWTExchange, ActJWTExchangeFailed,
	ActOrgCreate, ActOrgRename, ActOrgSuspend, ActOrgResume, ActOrgDelete,
	ActUserGrantInstanceAdmin, ActUserRevokeInstanceAdmin, ActUserSwitchOrg, ActOrgEnter,
}

// AuditEntry is one immutable line of the audit log.
type AuditEntry struct {
	ID          int64
	OrgID       string
	Timestamp   time.Time
	Action      string
	ActorUserID string
	ActorEmail  string
	ActorIP     string
	UserAsset   string // target user id
	UserEmail   string // target user email
	EntityName  string // team name
	EntityAsset string // team id
	ProjectName string
	// ProjectAsset is the project id.
	ProjectAsset string
	Via          Interface
	Details      string // short human note, never secrets
	// ResponseCode is the HTTP status the change was answered with, on
	// entries of API requests; 0 elsewhere.
	ResponseCode int
}

// Anonymized returns a copy with personal data dropped (L3): emails,
// addresses, and the names of teams and projects, which W&B counts as
// personal data too. Ids stay, so entries can still be correlated.
func (e AuditEntry) Anonymized() AuditEntry {
	e.ActorEmail, e.UserEmail, e.ActorIP = "", "", ""
	e.EntityName, e.ProjectName = "", ""
	return e
}

// Audit actions of teams, roles, service accounts, projects and runs.
const (
	ActTeamCreate               = "team:create"
	ActTeamUpdate               = "team:update"
	ActTeamDelete               = "team:delete"
	ActTeamRestore              = "team:restore"
	ActTeamInviteUser           = "team:invite_user"
	ActTeamUninvite             = "team:uninvite"
	ActTeamUpdateMember         = "team:update_member"
	ActTeamCreateServiceAccount = "team:create_service_account"
	ActTeamDeleteServiceAccount = "team:delete_service_account"
	ActOrgCreateServiceAccount  = "organization:create_service_account"
	ActOrgDeleteServiceAccount  = "organization:delete_service_account"
	ActOrgUpdateSettings        = "organization:update_settings"
	// Keys of service accounts and the organization's key inventory
	// (issue 14): one entry per key, also when revoked in bulk.
	ActServiceAccountCreateAPIKey = "service_account:create_api_key"
	ActServiceAccountDeleteAPIKey = "service_account:delete_api_key"
	ActAPIKeyRename               = "api_key:rename"
	ActAPIKeyRevoke               = "api_key:revoke"
	// ActUserLocalRestore records the break-glass admin of LOCAL_RESTORE.
	ActUserLocalRestore    = "user:local_restore"
	ActRoleCreate          = "role:create"
	ActRoleUpdate          = "role:update"
	ActRoleDelete          = "role:delete"
	ActProjectCreate       = "project:create"
	ActProjectUpdate       = "project:update"
	ActProjectDelete       = "project:delete"
	ActProjectRead         = "project:read" // a project was opened, as W&B records
	ActProjectAddMember    = "project:add_member"
	ActProjectRemoveMember = "project:remove_member"
	ActRunCreate           = "run:create"
	ActRunUpdate           = "run:update"
	ActRunStop             = "run:stop"
	ActRunDelete           = "run:delete"
)

// Audit actions of instance administration (issue 18), written to the log
// of the organization they change.
const (
	ActOrgCreate  = "organization:create"
	ActOrgRename  = "organization:rename"
	ActOrgSuspend = "organization:suspend"
	ActOrgResume  = "organization:resume"
	ActOrgDelete  = "organization:delete"
	// The command line makes a user of the first organization an instance
	// admin, or no longer one.
	ActUserGrantInstanceAdmin  = "user:grant_instance_admin"
	ActUserRevokeInstanceAdmin = "user:revoke_instance_admin"
	// A person moved their session to their membership in another
	// organization: one entry in each organization's log, neither naming
	// the other organization.
	ActUserSwitchOrg = "user:switch_organization"
	// An instance admin entered an organization as its admin: written to
	// that organization's log, and to the admin's own with its name.
	ActOrgEnter = "organization:enter"
)

// Audit actions of identity federation (issue 17).
const (
	ActOrgCreateJWTIssuer = "organization:create_jwt_issuer"
	ActOrgDeleteJWTIssuer = "organization:delete_jwt_issuer"
	ActJWTExchange        = "jwt:exchange"        // a JWT exchanged for an access token
	ActJWTExchangeFailed  = "jwt:exchange_failed" // a refused exchange, with the failed check
)
