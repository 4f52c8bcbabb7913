package roster

// Reason refines an error code with a stable name that clients, pages and
// tests match on (the `code` of a problem document).
type Reason = string

// Reasons of refused team changes.
const (
	ReasonAlreadyMember           Reason = "already_member"
	ReasonMissingPermission       Reason = "missing_permission"
	ReasonAdminTeamAccessDisabled Reason = "admin_team_access_disabled"
	ReasonRoleAboveYours          Reason = "role_above_yours"
	ReasonLastTeamAdmin           Reason = "last_team_admin"
	ReasonTooManyMemberChanges    Reason = "too_many_member_changes"
)

// Reasons of refused user changes.
const (
	ReasonPasswordOfAdmin Reason = "password_of_admin"
)

// Reasons of invite links and email proof (H2, M5).
const (
	// ReasonEmailUnproven refuses linking an SSO identity to a local
	// account whose email address was never proven.
	ReasonEmailUnproven Reason = "email_unproven"
	// ReasonInviteAwaitingAdmin tells that an invite has no link yet: an
	// organization admin must resend it.
	ReasonInviteAwaitingAdmin Reason = "invite_awaiting_admin"
)

// Reasons: input validation (canonical emails, free-text names, webhook
// destinations, team display names).
const (
	ReasonInvalidEmail     Reason = "invalid_email"
	ReasonEmailNonASCII    Reason = "email_not_ascii"
	ReasonInvalidText      Reason = "invalid_text"
	ReasonWebhookAddress   Reason = "webhook_address_refused"
	ReasonTeamNameTaken    Reason = "team_name_taken"
	ReasonTeamDisplayTaken Reason = "team_display_name_taken"
)

// Reasons of the credential rate limits (topic: rate limits, D5).
const (
	ReasonRateLimited    Reason = "rate_limited"    // too many failed credential checks
	ReasonBadCredentials Reason = "bad_credentials" // wrong login or password
	ReasonBadAPIKey      Reason = "bad_api_key"     // an unknown, deleted or inactive key
)

// Reasons of every other refusal, by name.
const (
	ReasonAlreadyExists        Reason = "already_exists"
	ReasonBusy                 Reason = "busy"
	ReasonCrossOrigin          Reason = "cross_origin"
	ReasonCsrf                 Reason = "csrf"
	ReasonDeactivated          Reason = "deactivated"
	ReasonEmailRequired        Reason = "email_required"
	ReasonEmailTaken           Reason = "email_taken"
	ReasonEmailUnverified      Reason = "email_unverified"
	ReasonFeatureNotLicensed   Reason = "feature_not_licensed"
	ReasonIDPError             Reason = "idp_error"
	ReasonInactive             Reason = "inactive"
	ReasonInvalidAvatar        Reason = "invalid_avatar"
	ReasonInvalidBaseRole      Reason = "invalid_base_role"
	ReasonInvalidBucket        Reason = "invalid_bucket"
	ReasonInvalidPassword      Reason = "invalid_password"
	ReasonInvalidProjectName   Reason = "invalid_project_name"
	ReasonInvalidReturnTo      Reason = "invalid_return_to"
	ReasonInvalidRole          Reason = "invalid_role"
	ReasonInvalidRoleName      Reason = "invalid_role_name"
	ReasonInvalidState         Reason = "invalid_state"
	ReasonInvalidStorage       Reason = "invalid_storage"
	ReasonInvalidTeamName      Reason = "invalid_team_name"
	ReasonInvalidUsername      Reason = "invalid_username"
	ReasonInvalidVisibility    Reason = "invalid_visibility"
	ReasonInvalidWebhook       Reason = "invalid_webhook"
	ReasonInviteExpired        Reason = "invite_expired"
	ReasonInviteInvalid        Reason = "invite_invalid"
	ReasonInviteUsed           Reason = "invite_used"
	ReasonLastAdmin            Reason = "last_admin"
	ReasonNoMailSink           Reason = "no_mail_sink"
	ReasonNotAUser             Reason = "not_a_user"
	ReasonNotAdmin             Reason = "not_admin"
	ReasonNotInvited           Reason = "not_invited"
	ReasonNotSCIMCaller        Reason = "not_scim_caller"
	ReasonProjectNameTaken     Reason = "project_name_taken"
	ReasonPublicForbidden      Reason = "public_forbidden"
	ReasonReservedRoleName     Reason = "reserved_role_name"
	ReasonRoleNameTaken        Reason = "role_name_taken"
	ReasonRunNotRunning        Reason = "run_not_running"
	ReasonSeatLimitReached     Reason = "seat_limit_reached"
	ReasonSessionExpired       Reason = "session_expired"
	ReasonSettingEnforced      Reason = "setting_enforced"
	ReasonSignIn               Reason = "sign_in"
	ReasonSignupClosed         Reason = "signup_closed"
	ReasonSSOBadCallback       Reason = "sso_bad_callback"
	ReasonSSOBrowserMismatch   Reason = "sso_browser_mismatch"
	ReasonSSOClaimsInvalid     Reason = "sso_claims_invalid"
	ReasonSSOExchangeFailed    Reason = "sso_exchange_failed"
	ReasonSSOLoginUsed         Reason = "sso_login_used"
	ReasonSSONonceMismatch     Reason = "sso_nonce_mismatch"
	ReasonSSONotConfigured     Reason = "sso_not_configured"
	ReasonSSONotProvisioned    Reason = "sso_not_provisioned"
	ReasonSSOStateInvalid      Reason = "sso_state_invalid"
	ReasonSSOStateUsed         Reason = "sso_state_used"
	ReasonSSOTokenInvalid      Reason = "sso_token_invalid"
	ReasonSSOUnavailable       Reason = "sso_unavailable"
	ReasonStorageFixed         Reason = "storage_fixed"
	ReasonTeamCreationDisabled Reason = "team_creation_disabled"
	ReasonTooManyKeys          Reason = "too_many_keys"
	ReasonUnauthenticated      Reason = "unauthenticated"
	ReasonUnknownMember        Reason = "unknown_member"
	ReasonUnknownPermission    Reason = "unknown_permission"
	ReasonUsernameTaken        Reason = "username_taken"
)

// Reasons of service accounts, API keys and projects (topic: issue 14,
// service accounts and API keys, projects).
const (
	// ReasonServiceAccountOtherTeam refuses adding a team service account
	// to a project of another team.
	ReasonServiceAccountOtherTeam Reason = "service_account_other_team"
	// ReasonDefaultTeamRequired refuses an organization service account
	// without a usable default team.
	ReasonDefaultTeamRequired Reason = "default_team_required"
	// ReasonTeamServiceAccountsDisabled refuses team service account
	// creation under GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION.
	ReasonTeamServiceAccountsDisabled Reason = "team_service_accounts_disabled"
	// ReasonAPIKeyCreationDisabled refuses personal API keys while the
	// organization setting disable_api_key_creation is on.
	ReasonAPIKeyCreationDisabled Reason = "api_key_creation_disabled"
)

// Reasons of identity provider profiles and group mapping (topic: issue
// 16, OIDC provider shapes).
const (
	// ReasonIDPGroupsInvalid refuses a team's idp_groups list that is too
	// long or holds an empty, overlong or unprintable entry.
	ReasonIDPGroupsInvalid Reason = "idp_groups_invalid"
)

// Reasons of LDAP sign-in (topic: issue 16, LDAP).
const (
	// ReasonLDAPNotConfigured refuses an LDAP sign-in while LOCAL_LDAP_LOGIN is off.
	ReasonLDAPNotConfigured Reason = "ldap_not_configured"
	// ReasonLDAPUnavailable is an LDAP directory that cannot be reached,
	// or that refused Roster's service account.
	ReasonLDAPUnavailable Reason = "ldap_unavailable"
	// ReasonLDAPAccountDisabled refuses a person whose directory account is
	// locked or disabled.
	ReasonLDAPAccountDisabled Reason = "ldap_account_disabled"
	// ReasonLDAPAmbiguous refuses a login that names several directory entries.
	ReasonLDAPAmbiguous Reason = "ldap_ambiguous_login"
	// ReasonLDAPGroupNotAllowed refuses a person in none of
	// LOCAL_LDAP_GROUP_ALLOW_LIST's groups.
	ReasonLDAPGroupNotAllowed Reason = "ldap_group_not_allowed"
	// ReasonLDAPNoEmail refuses a directory entry without an email address.
	ReasonLDAPNoEmail Reason = "ldap_no_email"
	// ReasonInvalidLoginMethod refuses a sign-in method other than local and ldap.
	ReasonInvalidLoginMethod Reason = "invalid_login_method"
)

// Reasons of identity federation: JWT issuers, the JWT exchange at
// /oidc/token and external service accounts (topic: issue 17). Each
// refused exchange names the check that failed.
const (
	ReasonIssuerURLInvalid   Reason = "issuer_url_invalid"      // not an https URL (http only on loopback)
	ReasonIssuerUnreachable  Reason = "issuer_unreachable"      // discovery document or JWKS not fetched
	ReasonIssuerTaken        Reason = "issuer_taken"            // the issuer is registered already
	ReasonJWTMalformed       Reason = "jwt_malformed"           // not a compact signed JWT
	ReasonJWTAlgorithm       Reason = "jwt_algorithm"           // alg none, HMAC or unsupported
	ReasonJWTIssuer          Reason = "jwt_issuer"              // iss is not a registered issuer
	ReasonJWTSignature       Reason = "jwt_signature"           // no key of the issuer verifies it
	ReasonJWTKeysUnavailable Reason = "jwt_keys_unavailable"    // the issuer's keys expired and cannot be fetched
	ReasonJWTAudience        Reason = "jwt_audience"            // aud names neither the organization nor wandb
	ReasonJWTExpired         Reason = "jwt_expired"             // exp passed, or missing
	ReasonJWTNotYetValid     Reason = "jwt_not_yet_valid"       // nbf or iat in the future
	ReasonJWTReplayed        Reason = "jwt_replayed"            // jti used before
	ReasonJWTSubjectUnknown  Reason = "jwt_subject_unknown"     // sub is no user's email and no external service account's subject
	ReasonJWTSubjectInactive Reason = "jwt_subject_inactive"    // sub is a deactivated or invited user
	ReasonAccessTokenExpired Reason = "access_token_expired"    // an exchanged access token past its expiry
	ReasonFederatedSubject   Reason = "federated_subject"       // a bad external service account subject
	ReasonSubjectTaken       Reason = "federated_subject_taken" // another service account has the subject
)

// Reasons of the web interface at scale (topic: issue 15, webscale2).
const (
	// ReasonServiceAccountNameTaken refuses a second live service account
	// with the same name (case folded) in one team, or among the
	// organization's service accounts.
	ReasonServiceAccountNameTaken Reason = "service_account_name_taken"
)

// Reasons of writes without the organization lock (topic: issue 12).
const (
	// ReasonUserChanged: another request changed the user between this
	// one's read and its write, more often than retries absorb.
	ReasonUserChanged Reason = "user_changed"
)

// Reasons of several organizations on one instance (topic: issue 18).
const (
	// ReasonOrgSuspended refuses a sign-in or key of a member of a
	// suspended organization.
	ReasonOrgSuspended Reason = "organization_suspended"
	// ReasonOrgNameTaken refuses an organization name another one holds.
	ReasonOrgNameTaken Reason = "organization_name_taken"
	// ReasonNotInstanceAdmin refuses instance administration to a caller
	// who is not an instance admin.
	ReasonNotInstanceAdmin Reason = "not_instance_admin"
	// ReasonDefaultOrg refuses suspending or deleting the instance's first
	// organization, which every path without an organization means.
	ReasonDefaultOrg Reason = "default_organization"
	// ReasonSSOOrgUnknown refuses an SSO or LDAP sign-in whose configured
	// target organization does not exist.
	ReasonSSOOrgUnknown Reason = "sso_organization_unknown"
	// ReasonNotAMember refuses switching to an organization the caller's
	// account has no active membership in, or that does not exist: the
	// two answer alike.
	ReasonNotAMember Reason = "not_a_member"
	// ReasonSessionRequired refuses switching organizations with an API
	// key, which belongs to one organization.
	ReasonSessionRequired Reason = "session_required"
	// ReasonSharedAccountPassword refuses setting, through SCIM, the
	// password of a person whose account also belongs to another
	// organization: only they, or an operator, change it.
	ReasonSharedAccountPassword Reason = "password_of_shared_account"
)
