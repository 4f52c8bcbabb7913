package roster

import (
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// W&B's own permissions, which Roster stores in custom roles and reports
// for the systems that consult it, but does not enforce: its objects are
// projects and runs (README). The names are those W&B's role documents use.
const (
	PermArtifactRead          Permission = "artifact:read"
	PermArtifactCreate        Permission = "artifact:create"
	PermArtifactUpdate        Permission = "artifact:update"
	PermArtifactDelete        Permission = "artifact:delete"
	PermArtifactUpdateTTL     Permission = "artifact:update_ttl"
	PermReportRead            Permission = "report:read"
	PermReportCreate          Permission = "report:create"
	PermReportUpdate          Permission = "report:update"
	PermReportDelete          Permission = "report:delete"
	PermSweepRead             Permission = "sweep:read"
	PermSweepCreate           Permission = "sweep:create"
	PermSweepUpdate           Permission = "sweep:update"
	PermSweepStop             Permission = "sweep:stop"
	PermSweepDelete           Permission = "sweep:delete"
	PermLaunchAgentRead       Permission = "launchagent:read"
	PermLaunchAgentCreate     Permission = "launchagent:create"
	PermLaunchAgentUpdate     Permission = "launchagent:update"
	PermLaunchAgentDelete     Permission = "launchagent:delete"
	PermLaunchQueueRead       Permission = "launchqueue:read"
	PermLaunchQueueCreate     Permission = "launchqueue:create"
	PermLaunchQueueUpdate     Permission = "launchqueue:update"
	PermLaunchQueueDelete     Permission = "launchqueue:delete"
	PermLaunchQueueEnqueue    Permission = "launchqueue:enqueue"
	PermRegistryRead          Permission = "registry:read"
	PermRegistryCreate        Permission = "registry:create"
	PermRegistryUpdate        Permission = "registry:update"
	PermRegistryDelete        Permission = "registry:delete"
	PermRegistryManageMembers Permission = "registry:manage_members"
)

// Catalog lists every permission in a stable order, with a description;
// Enforced marks those Roster itself checks (README).
var Catalog = []struct {
	Permission  Permission
	Description string
	Enforced    bool
}{
	{PermTeamRead, "See the team, its members and settings", true},
	{PermTeamInvite, "Add people to the team", true},
	{PermTeamRemoveMember, "Remove members from the team", true},
	{PermTeamUpdateMemberRole, "Change members' team roles", true},
	{PermTeamUpdateSettings, "Change the team's settings, avatar, privacy and alerts", true},
	{PermTeamManageServiceAccounts, "Create and delete the team's service accounts", true},
	{PermTeamReadUsage, "See the team's usage figures", true},
	{PermProjectRead, "Read the team's projects", true},
	{PermProjectCreate, "Create projects", true},
	{PermProjectUpdate, "Change any project", true},
	{PermProjectDelete, "Delete any project", true},
	{PermRunRead, "Read runs", true},
	{PermRunCreate, "Log runs; update, stop and delete one's own", true},
	{PermRunUpdate, "Update anyone's runs", true},
	{PermRunStop, "Stop anyone's runs", true},
	{PermRunDelete, "Delete anyone's runs", true},
	{PermArtifactRead, "Read and download artifacts (W&B)", false},
	{PermArtifactCreate, "Log artifacts (W&B)", false},
	{PermArtifactUpdate, "Update artifacts and their aliases (W&B)", false},
	{PermArtifactDelete, "Delete artifacts (W&B)", false},
	{PermArtifactUpdateTTL, "Change artifacts' time to live (W&B)", false},
	{PermReportRead, "Read reports (W&B)", false},
	{PermReportCreate, "Create reports (W&B)", false},
	{PermReportUpdate, "Edit anyone's reports (W&B)", false},
	{PermReportDelete, "Delete anyone's reports (W&B)", false},
	{PermSweepRead, "Read sweeps (W&B)", false},
	{PermSweepCreate, "Create sweeps (W&B)", false},
	{PermSweepUpdate, "Update anyone's sweeps (W&B)", false},
	{PermSweepStop, "Stop anyone's sweeps (W&B)", false},
	{PermSweepDelete, "Delete anyone's sweeps (W&B)", false},
	{PermLaunchAgentRead, "See launch agents (W&B)", false},
	{PermLaunchAgentCreate, "Start launch agents (W&B)", false},
	{PermLaunchAgentUpdate, "Change launch agents (W&B)", false},
	{PermLaunchAgentDelete, "Stop and delete launch agents (W&B)", false},
	{PermLaunchQueueRead, "See launch queues (W&B)", false},
	{PermLaunchQueueCreate, "Create launch queues (W&B)", false},
	{PermLaunchQueueUpdate, "Change launch queues (W&B)", false},
	{PermLaunchQueueDelete, "Delete launch queues (W&B)", false},
	{PermLaunchQueueEnqueue, "Add jobs to launch queues (W&B)", false},
	{PermRegistryRead, "Read registries and their linked artifacts (W&B)", false},
	{PermRegistryCreate, "Create registries and collections, link artifacts (W&B)", false},
	{PermRegistryUpdate, "Change registries and collections (W&B)", false},
	{PermRegistryDelete, "Delete registries and collections (W&B)", false},
	{PermRegistryManageMembers, "Manage who may use a registry (W&B)", false},
}

// PermSet is a set of permissions as a bit mask, so checks cost nothing.
type PermSet uint64

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
	ViewerPerms = Perms(PermTeamRead, PermTeamReadUsage, PermProjectRead, PermRunRead,
		PermArtifactRead, PermReportRead, PermSweepRead, PermLaunchAgentRead, PermLaunchQueueRead, PermRegistryRead)
	MemberPerms = ViewerPerms | Perms(PermProjectCreate, PermRunCreate,
		PermArtifactCreate, PermArtifactUpdate, PermReportCreate, PermSweepCreate, PermLaunchQueueEnqueue)
	ServicePerms = Perms(PermTeamRead, PermProjectRead, PermProjectCreate, PermRunRead, PermRunCreate,
		PermArtifactRead, PermArtifactCreate, PermArtifactUpdate, PermSweepRead, PermSweepCreate,
		PermLaunchAgentRead, PermLaunchQueueRead, PermLaunchQueueEnqueue)
	AdminPerms = PermSet(1<<len(Catalog) - 1)
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

// MaxRoleNameLen bounds a custom role's display name, in characters.
const MaxRoleNameLen = 64

// CleanRoleName is a custom role's name as stored and compared: trimmed,
// every run of white space one space. Names are display names, as W&B's
// ("Sample custom role").
func CleanRoleName(s string) string { return strings.Join(strings.Fields(s), " ") }

// RoleNameKey is the key by which custom role names are unique and found:
// the cleaned name in lower case, as the keys stored before display names.
func RoleNameKey(s string) string { return Fold(CleanRoleName(s)) }

// builtinLookalike reports whether a role name reads as a built-in role
// once case, spaces, '-' and '_' are ignored ("Admin", "Read Only").
func builtinLookalike(name string) bool {
	squeezed := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, name)
	switch squeezed {
	case "admin", "member", "viewer", "service", "readonly", "custom", "teamadmin", "teammember", "teamviewer":
		return true
	}
	return false
}

// looksLikeRoleID reports whether name has the shape of a custom role's
// id, which would make a reference by id or name ambiguous.
func looksLikeRoleID(name string) bool {
	rest, ok := strings.CutPrefix(name, "role_")
	return ok && len(rest) == 20 && strings.Trim(rest, idAlphabet) == ""
}

// ValidateCustomRole checks a custom role's name, description and base.
func ValidateCustomRole(r *CustomRole) error {
	bad := ValidateText("role name", r.Name, 4*MaxRoleNameLen) != nil // line breaks, controls: refused, not cleaned
	if r.Name = CleanRoleName(r.Name); bad || r.Name == "" || utf8.RuneCountInString(r.Name) > MaxRoleNameLen {
		return ReasonErrorf(EInvalid, ReasonInvalidRoleName, "role name must be 1 to %d characters of one line of text", MaxRoleNameLen)
	}
	if builtinLookalike(r.Name) {
		return ReasonErrorf(EConflict, ReasonReservedRoleName, "%q reads as a built-in role name (admin, member, viewer, service); choose another", r.Name)
	}
	if looksLikeRoleID(r.Name) {
		return ReasonErrorf(EInvalid, ReasonInvalidRoleName, "%q has the shape of a role id; choose another name", r.Name)
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
