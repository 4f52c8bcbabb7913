package roster

import (
	"sort"
	"strings"
	"time"
)

// Permission is an `object:operation` right (R1).
type Permission string

// The permission catalog (R1).
const (
	PermTeamRead                  Permission = "team:read"
	PermTeamInvite                Permission = "team:invite"
	PermTeamRemoveMember          Permission = "team:remove_member"
	PermTeamUpdateMemberRole      Permission = "team:update_member_role"
	PermTeamUpdateSettings        Permission = "team:update_settings"
	PermTeamManageServiceAccounts Permission = "team:manage_service_accounts"
	PermTeamReadUsage             Permission = "team:read_usage"
	PermProjectRead               Permission = "project:read"
	PermProjectCreate             Permission = "project:create"
	PermProjectUpdate             Permission = "project:update"
	PermProjectDelete             Permission = "project:delete"
	PermRunRead                   Permission = "run:read"
	PermRunCreate                 Permission = "run:create"
	PermRunUpdate                 Permission = "run:update"
	PermRunStop                   Permission = "run:stop"
	PermRunDelete                 Permission = "run:delete"
)

// Catalog lists every permission in a stable order, with a description.
var Catalog = []struct {
	Permission  Permission
	Description string
}{
	{PermTeamRead, "See the team, its members and settings"},
	{PermTeamInvite, "Add people to the team"},
	{PermTeamRemoveMember, "Remove members from the team"},
	{PermTeamUpdateMemberRole, "Change members' team roles"},
	{PermTeamUpdateSettings, "Change the team's settings, avatar, privacy and alerts"},
	{PermTeamManageServiceAccounts, "Create and delete the team's service accounts"},
	{PermTeamReadUsage, "See the team's usage figures"},
	{PermProjectRead, "Read the team's projects"},
	{PermProjectCreate, "Create projects"},
	{PermProjectUpdate, "Change any project"},
	{PermProjectDelete, "Delete any project"},
	{PermRunRead, "Read runs"},
	{PermRunCreate, "Log runs; update, stop and delete one's own"},
	{PermRunUpdate, "Update anyone's runs"},
	{PermRunStop, "Stop anyone's runs"},
	{PermRunDelete, "Delete anyone's runs"},
}

// PermSet is a set of permissions as a bit mask, so checks cost nothing.
type PermSet uint32

var permBits = func() map[Permission]PermSet {
	m := make(map[Permission]PermSet, len(Catalog))
	for i, c := range Catalog {
		m[c.Permission] = 1 << i
	}
	return m
}()

// ParsePermission checks that p is in the catalog.
func ParsePermission(p string) (Permission, error) {
	perm := Permission(strings.ToLower(strings.TrimSpace(p)))
	if _, ok := permBits[perm]; !ok {
		return "", ReasonErrorf(EInvalid, ReasonUnknownPermission, "permission %q is not in the catalog (GET /api/v1/permissions)", p)
	}
	return perm, nil
}

// Perms builds a set.
func Perms(ps ...Permission) PermSet {
	var s PermSet
	for _, p := range ps {
		s |= permBits[p]
	}
	return s
}

// Has reports whether the set holds p.
func (s PermSet) Has(p Permission) bool { return s&permBits[p] != 0 }

// List returns the set's permissions in catalog order.
func (s PermSet) List() []Permission {
	var out []Permission
	for _, c := range Catalog {
		if s.Has(c.Permission) {
			out = append(out, c.Permission)
		}
	}
	return out
}

// Built-in team role sets (R2).
var (
	ViewerPerms  = Perms(PermTeamRead, PermTeamReadUsage, PermProjectRead, PermRunRead)
	MemberPerms  = ViewerPerms | Perms(PermProjectCreate, PermRunCreate)
	ServicePerms = Perms(PermTeamRead, PermProjectRead, PermProjectCreate, PermRunRead, PermRunCreate)
	AdminPerms   = PermSet(1<<len(Catalog) - 1)
	// membershipPerms are the rights over who is in the team.
	membershipPerms = Perms(PermTeamInvite, PermTeamRemoveMember, PermTeamUpdateMemberRole)
)

// TeamRole is a built-in team role name or "custom".
type TeamRole string

// Team roles (T3).
const (
	TeamAdmin   TeamRole = "admin"
	TeamMember  TeamRole = "member"
	TeamViewer  TeamRole = "viewer"
	TeamService TeamRole = "service"
	TeamCustom  TeamRole = "custom"
)

// ParseBuiltinTeamRole reads a built-in role name; "read-only" means viewer.
// It returns ok false for names that may be custom roles.
func ParseBuiltinTeamRole(s string) (TeamRole, bool) {
	switch r := strings.ToLower(strings.TrimSpace(s)); r {
	case "admin", "member", "viewer", "service":
		return TeamRole(r), true
	case "read-only", "readonly", "read_only":
		return TeamViewer, true
	}
	return "", false
}

// BuiltinPerms is a built-in role's set before team settings apply.
func BuiltinPerms(r TeamRole) PermSet {
	switch r {
	case TeamAdmin:
		return AdminPerms
	case TeamMember:
		return MemberPerms
	case TeamViewer:
		return ViewerPerms
	case TeamService:
		return ServicePerms
	}
	return 0
}

// CustomRole is an organization's own team role (R3).
type CustomRole struct {
	ID          string
	OrgID       string
	Name        string
	Description string
	Base        TeamRole // member or viewer
	Extra       PermSet
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Perms is the role's effective set: its base's plus its extras.
func (r *CustomRole) Perms() PermSet { return BuiltinPerms(r.Base) | r.Extra }

// ValidateCustomRole checks a custom role's name, description and base.
func ValidateCustomRole(r *CustomRole) error {
	if err := ValidateUsername(r.Name); err != nil {
		return ReasonErrorf(EInvalid, ReasonInvalidRoleName, "role name must be 1 to 64 characters of letters, digits, '_' or '-'")
	}
	if _, builtin := ParseBuiltinTeamRole(r.Name); builtin || strings.EqualFold(r.Name, "custom") {
		return ReasonErrorf(EConflict, ReasonReservedRoleName, "%q is a built-in role name; choose another", r.Name)
	}
	if err := ValidateText("description", r.Description, 1024); err != nil {
		return err
	}
	if r.Base != TeamMember && r.Base != TeamViewer {
		return ReasonErrorf(EInvalid, ReasonInvalidBaseRole, "base role must be member or viewer, not %q", r.Base)
	}
	return nil
}

// ParsePermList parses permission names into a set, refusing unknown ones.
func ParsePermList(names []string) (PermSet, error) {
	var s PermSet
	for _, n := range names {
		p, err := ParsePermission(n)
		if err != nil {
			return 0, err
		}
		s |= Perms(p)
	}
	return s, nil
}

// PermNames returns the set's names sorted, for storage.
func (s PermSet) PermNames() []string {
	var out []string
	for _, p := range s.List() {
		out = append(out, string(p))
	}
	sort.Strings(out)
	return out
}
