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
