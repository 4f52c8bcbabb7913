package api

import (
	"encoding/json"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/store"
)

// Team is a team as the API shows it.
type Team struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	DisplayName string               `json:"display_name"`
	Storage     roster.Storage       `json:"storage"`
	Settings    roster.TeamSettings  `json:"settings"`
	Enforced    roster.PrivacyPolicy `json:"enforced"`
	Alerts      roster.TeamAlerts    `json:"alerts"`
	AvatarURL   string               `json:"avatar_url,omitempty"`
	Role        string               `json:"role,omitempty"`
	Permissions []string             `json:"permissions"`
	// IDPGroups are the identity provider group ids or paths the SSO
	// groups claim matches the team by, besides its name.
	IDPGroups  []string   `json:"idp_groups,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
}

func teamJSON(info *app.TeamInfo) Team {
	t := info.Team
	out := Team{ID: t.ID, Name: t.Name, DisplayName: t.DisplayName, Storage: t.Storage, Settings: info.Settings,
		Enforced: info.Policy, Alerts: t.Alerts, Role: info.Role, Permissions: permNames(info.Permissions), CreatedAt: t.CreatedAt,
		IDPGroups: info.IDPGroups}
	if t.HasAvatar {
		out.AvatarURL = "/api/v1/teams/" + t.Name + "/avatar"
	}
	if !t.ArchivedAt.IsZero() {
		at := t.ArchivedAt
		out.ArchivedAt = &at
	}
	return out
}

func permNames(ps []roster.Permission) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, string(p))
	}
	return out
}

// TeamSummary is a team in a list.
type TeamSummary struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	DisplayName string     `json:"display_name"`
	Role        string     `json:"role,omitempty"`
	Members     int        `json:"members"`
	CreatedAt   time.Time  `json:"created_at"`
	ArchivedAt  *time.Time `json:"archived_at,omitempty"`
}

// TeamList lists teams.
type TeamList struct {
	Teams []TeamSummary `json:"teams"`
}

func teamSummaryJSON(e store.TeamListEntry) TeamSummary {
	out := TeamSummary{ID: e.Team.ID, Name: e.Team.Name, DisplayName: e.Team.DisplayName, Role: e.RoleName,
		Members: e.Members, CreatedAt: e.Team.CreatedAt}
	if !e.Team.ArchivedAt.IsZero() {
		at := e.Team.ArchivedAt
		out.ArchivedAt = &at
	}
	return out
}

// CreateTeamRequest creates a team (T2).
type CreateTeamRequest struct {
	Name        string         `json:"name"`
	DisplayName string         `json:"display_name,omitempty"`
	Storage     roster.Storage `json:"storage"`
}

// UpdateTeamRequest changes a team; storage is refused (T2).
type UpdateTeamRequest struct {
	DisplayName *string               `json:"display_name,omitempty"`
	Settings    *roster.PrivacyPolicy `json:"settings,omitempty"` // switches left out stay as they are
	Alerts      *roster.TeamAlerts    `json:"alerts,omitempty"`
	Storage     *roster.Storage       `json:"storage,omitempty"`
	// IDPGroups replaces the identity provider group ids or paths that
	// map to the team (organization admins only); [] clears them.
	IDPGroups *[]string `json:"idp_groups,omitempty"`
}

// Member is a team member.
type Member struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind" enum:"user,service_account"`
	Username string    `json:"username"`
	Email    string    `json:"email,omitempty"`
	Name     string    `json:"name"`
	Role     string    `json:"role"`
	Status   string    `json:"status"`
	JoinedAt time.Time `json:"joined_at"`
}

func memberJSON(m *roster.Membership) Member {
	return Member{ID: m.PrincipalID, Kind: string(m.PrincipalKind), Username: m.Username, Email: m.Email, Name: m.Name,
		Role: m.RoleName(), Status: string(m.Status), JoinedAt: m.CreatedAt}
}

// MemberList lists a team's members.
type MemberList struct {
	Members []Member `json:"members"`
}

// AddMemberRequest adds a user by username or email (T4).
type AddMemberRequest struct {
	Username string `json:"username,omitempty"`
	Email    string `json:"email,omitempty"`
	Role     string `json:"role,omitempty"`
}

// AddedMember is a new membership. When a new person was invited without
// a mail sink, InviteURL is set for an organization admin; for anyone else
// the invite waits for an organization admin (Invite.Delivery
// awaiting_admin) and Notice says so.
type AddedMember struct {
	Member
	Invited   bool          `json:"invited"`
	InviteURL string        `json:"invite_url,omitempty"`
	Invite    *InviteStatus `json:"invite,omitempty"`
	Notice    string        `json:"notice,omitempty"`
}

// RoleRequest changes a member's team role.
type RoleRequest struct {
	Role string `json:"role"`
}

// Usage is a team's usage (T10).
type Usage struct {
	Members     int            `json:"members"`
	Projects    int            `json:"projects"`
	Runs        int            `json:"runs"`
	StoredBytes int64          `json:"stored_bytes"`
	RunsPerDay  map[string]int `json:"runs_per_day"`
}

// AlertDeliveries are a team's recent alert deliveries, newest first (T9).
type AlertDeliveries struct {
	// MailSink is false when no mail sink is configured: email alerts
	// are then not sent, webhook posts still are.
	MailSink   bool            `json:"mail_sink"`
	Deliveries []AlertDelivery `json:"deliveries"`
}

// AlertDelivery is one alert mail or webhook post and how far it got.
type AlertDelivery struct {
	ID            string     `json:"id"`
	Channel       string     `json:"channel" enum:"email,webhook"`
	Recipient     string     `json:"recipient"` // the author's address, or "team webhook"
	Subject       string     `json:"subject"`
	Status        string     `json:"status" enum:"queued,sent,failed,canceled"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	SentAt        *time.Time `json:"sent_at"`
}

// PermissionInfo is one catalog entry.
type PermissionInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Enforced is false for W&B's permissions, which Roster stores in
	// custom roles for the systems that consult it but does not check.
	Enforced bool `json:"enforced"`
}

// PermissionList is the permission catalog (R1).
type PermissionList struct {
	Permissions []PermissionInfo `json:"permissions"`
}

// Role is a built-in or custom team role with its permissions.
type Role struct {
	ID          string           `json:"id,omitempty"`
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Builtin     bool             `json:"builtin"`
	Base        string           `json:"base,omitempty"`
	Permissions []RolePermission `json:"permissions"`
	CreatedAt   *time.Time       `json:"created_at,omitempty"`
	UpdatedAt   *time.Time       `json:"updated_at,omitempty"`
}

// RolePermission is a permission of a role, marked when it comes from the base.
type RolePermission struct {
	Name        string `json:"name"`
	IsInherited bool   `json:"is_inherited"`
}

func customRoleJSON(r *roster.CustomRole) Role {
	base := roster.BuiltinPerms(r.Base)
	out := Role{ID: r.ID, Name: r.Name, Description: r.Description, Base: string(r.Base)}
	for _, p := range r.Perms().List() {
		out.Permissions = append(out.Permissions, RolePermission{Name: string(p), IsInherited: base.Has(p)})
	}
	c, u := r.CreatedAt, r.UpdatedAt
	out.CreatedAt, out.UpdatedAt = &c, &u
	return out
}

// RoleList lists built-in and custom roles.
type RoleList struct {
	Roles []Role `json:"roles"`
}

// RoleInput creates or replaces a custom role (R3).
type RoleInput struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Base        string   `json:"base" enum:"member,viewer"`
	Permissions []string `json:"permissions"`
}

// ServiceAccount is a service account; Key is set only on creation.
type ServiceAccount struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Scope string `json:"scope" enum:"organization,team"`
	Team  string `json:"team,omitempty"`
	// DefaultTeam is where an organization service account's runs go when
	// a client names no team; empty for accounts made before it was required.
	DefaultTeam string    `json:"default_team,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	Key         string    `json:"key,omitempty"`
	// Auth is api_key, or federated for an external service account that
	// signs in with JWTs whose sub is Subject.
	Auth    string `json:"auth" enum:"api_key,federated"`
	Subject string `json:"subject,omitempty"`
}

func saJSON(sa *roster.ServiceAccount) ServiceAccount {
	out := ServiceAccount{ID: sa.ID, Name: sa.Name, Scope: "team", Team: sa.TeamName, CreatedAt: sa.CreatedAt,
		Auth: "api_key", Subject: sa.Subject}
	if sa.Subject != "" {
		out.Auth = "federated"
	}
	if sa.IsOrgScoped() {
		out.Scope, out.Team, out.DefaultTeam = "organization", "", sa.TeamName
	}
	return out
}

// ServiceAccountList lists service accounts.
type ServiceAccountList struct {
	ServiceAccounts []ServiceAccount `json:"service_accounts"`
}

// ServiceAccountRequest creates a service account.
type ServiceAccountRequest struct {
	Name        string `json:"name"`
	DefaultTeam string `json:"default_team,omitempty"`
	// Auth federated makes a team's external service account, which signs
	// in with JWTs whose sub is Subject instead of an API key.
	Auth    string `json:"auth,omitempty" enum:"api_key,federated"`
	Subject string `json:"subject,omitempty"`
}

// JWTIssuer is a registered JWT issuer (identity federation).
type JWTIssuer struct {
	ID        string    `json:"id"`
	IssuerURL string    `json:"issuer_url"`
	CreatedAt time.Time `json:"created_at"`
}

// JWTIssuerList lists JWT issuers.
type JWTIssuerList struct {
	JWTIssuers []JWTIssuer `json:"jwt_issuers"`
}

// JWTIssuerRequest registers a JWT issuer.
type JWTIssuerRequest struct {
	IssuerURL string `json:"issuer_url"`
}

// Project is a project as the API shows it.
type Project struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Visibility  string    `json:"visibility" enum:"open,public,team,restricted"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func projectJSON(p *roster.Project) Project {
	return Project{ID: p.ID, Name: p.Name, Description: p.Description, Visibility: string(p.Visibility),
		CreatedBy: p.CreatorName, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// ProjectList lists projects.
type ProjectList struct {
	Projects []Project `json:"projects"`
}

// ProjectRequest creates or changes a project.
type ProjectRequest struct {
	Name        string  `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Visibility  string  `json:"visibility,omitempty" enum:"open,public,team,restricted"`
}

// ProjectMemberRequest adds a user (username, email or id) or a service
// account (id) to a restricted project.
type ProjectMemberRequest struct {
	Username string `json:"username"`
}

// Run is a run as the API shows it.
type Run struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	State      string          `json:"state" enum:"running,finished,crashed,stopped"`
	Config     json.RawMessage `json:"config"`
	Summary    json.RawMessage `json:"summary"`
	Author     string          `json:"author"`
	Creator    string          `json:"creator"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	FinishedAt *time.Time      `json:"finished_at"`
}

func runJSON(r *roster.Run) Run {
	out := Run{ID: r.ID, Name: r.Name, State: string(r.State), Config: r.Config, Summary: r.Summary,
		Author: r.AuthorName, Creator: r.CreatorName, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if !r.FinishedAt.IsZero() {
		at := r.FinishedAt
		out.FinishedAt = &at
	}
	return out
}

// RunList lists runs.
type RunList struct {
	Runs []Run `json:"runs"`
}

// RunRequest creates or changes a run.
type RunRequest struct {
	Name    *string         `json:"name,omitempty"`
	State   *string         `json:"state,omitempty" enum:"running,finished,crashed,stopped"`
	Config  json.RawMessage `json:"config,omitempty"`
	Summary json.RawMessage `json:"summary,omitempty"`
}

// Organization is the organization's settings.
type Organization struct {
	ID       string               `json:"id"`
	Enforced roster.PrivacyPolicy `json:"enforced"`
	// DisableAPIKeyCreation stops users creating personal API keys;
	// service accounts' keys stay with their admins.
	DisableAPIKeyCreation bool `json:"disable_api_key_creation"`
}

// OrganizationRequest changes the organization's privacy enforcement and
// key setting; a field left out stays as it is.
type OrganizationRequest struct {
	Enforced              *roster.PrivacyPolicy `json:"enforced,omitempty"`
	DisableAPIKeyCreation *bool                 `json:"disable_api_key_creation,omitempty"`
}
