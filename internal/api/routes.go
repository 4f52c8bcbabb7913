// Package api is Roster's REST JSON edge under /api/v1 (I1): it decodes
// requests into domain values, calls one use case and encodes the answer.
package api

import (
	"log/slog"
	"net/http"
	"strings"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// API serves the REST endpoints.
type API struct {
	app      *app.Service
	adapter  *httpx.Adapter
	mailSink bool // whether invite links go out by mail instead of in answers
	secure   bool // whether cookies carry the Secure flag
	routes   []route
}

// Options configure the API.
type Options struct {
	MailSink     bool
	SecureCookie bool
}

// New returns the API for svc.
func New(svc *app.Service, log *slog.Logger, opt Options) *API {
	api := &API{app: svc, adapter: &httpx.Adapter{Log: log}, mailSink: opt.MailSink, secure: opt.SecureCookie}
	api.routes = append(append(append(api.table(), api.keyRoutes()...), api.orgRoutes()...), api.membershipRoutes()...)
	return api
}

// access says who may call a route; the use case enforces it, this only
// documents it.
type access string

const (
	public   access = "public"
	signedIn access = "signed-in"
	admin    access = "admin"
	// instanceAdmin routes manage the instance's organizations (#18).
	instanceAdmin access = "instance-admin"
)

// route is one endpoint: what serves it and what documents it.
type route struct {
	method, path string
	summary      string
	access       access
	query        []param
	request      any // zero value of the request body type, or nil
	response     any // zero value of the response body type, or nil
	status       int // success status
	stream       bool
	handle       func(w http.ResponseWriter, r *http.Request, a roster.Actor) error
}

// param documents a query parameter.
type param struct {
	name, typ, doc string
}

// table lists every route of the API in one place.
func (api *API) table() []route {
	return []route{
		{method: "POST", path: "/api/v1/signup", summary: "Sign up the instance's first user, who becomes admin (O1); 403 once any user exists.",
			access: public, request: SignupRequest{}, response: User{}, status: 201, handle: api.signup},
		{method: "POST", path: "/api/v1/login", summary: "Sign in with username or email and password; sets the session cookie.",
			access: public, request: LoginRequest{}, response: LoginResponse{}, status: 200, handle: api.login},
		{method: "POST", path: "/api/v1/logout", summary: "End the current session.",
			access: signedIn, status: 204, handle: api.logout},
		{method: "GET", path: "/api/v1/viewer", summary: "The calling principal.",
			access: signedIn, response: Viewer{}, status: 200, handle: api.viewer},
		{method: "POST", path: "/api/v1/users/me/password", summary: "Change your password; your other sessions end.",
			access: signedIn, request: PasswordRequest{}, status: 204, handle: api.changePassword},
		{method: "POST", path: "/api/v1/users/me/api-keys", summary: "Create an API key; the secret is shown only in this answer.",
			access: signedIn, request: NewAPIKeyRequest{}, response: NewAPIKey{}, status: 201, handle: api.createAPIKey},
		{method: "GET", path: "/api/v1/users/me/api-keys", summary: "List your API keys, without secrets.",
			access: signedIn, response: APIKeyList{}, status: 200, handle: api.listAPIKeys},
		{method: "DELETE", path: "/api/v1/users/me/api-keys/{id}", summary: "Delete one of your API keys.",
			access: signedIn, status: 204, handle: api.deleteAPIKey},
		{method: "GET", path: "/api/v1/users", summary: "Search and filter the organization's users (O12).",
			access: admin, response: UserList{}, status: 200, handle: api.listUsers, query: []param{
				{"query", "string", "substring of username, name or email"},
				{"role", "string", "admin, member or viewer"},
				{"status", "string", "invited, active or deactivated"},
				{"limit", "integer", "page size, 1 to 200 (default 50)"},
				{"cursor", "string", "next_cursor of the previous page"},
			}},
		{method: "POST", path: "/api/v1/users", summary: "Invite a user by email with a role (O7).",
			access: admin, request: InviteRequest{}, response: InvitedUser{}, status: 201, handle: api.inviteUser},
		{method: "GET", path: "/api/v1/users/{id}", summary: "A user by id, username or email; \"me\" is the caller.",
			access: signedIn, response: User{}, status: 200, handle: api.getUser},
		{method: "PATCH", path: "/api/v1/users/{id}", summary: "Change a user's organization role (admins), or your own name.",
			access: signedIn, request: UpdateUserRequest{}, response: User{}, status: 200, handle: api.updateUser},
		{method: "DELETE", path: "/api/v1/users/{id}", summary: "Remove a user from the organization (O9).",
			access: admin, status: 204, handle: api.removeUser},
		{method: "POST", path: "/api/v1/users/{id}/deactivate", summary: "Deactivate a user; their sessions and keys stop at once (O11).",
			access: admin, response: User{}, status: 200, handle: api.deactivate},
		{method: "POST", path: "/api/v1/users/{id}/reactivate", summary: "Reactivate a deactivated user (O11).",
			access: admin, response: User{}, status: 200, handle: api.reactivate},
		{method: "POST", path: "/api/v1/users/{id}/unlock", summary: "Forget a user's failed sign-ins, ending a lockout at once (D5).",
			access: admin, response: User{}, status: 200, handle: api.unlockUser},
		{method: "GET", path: "/api/v1/users/{id}/sessions", summary: "A user's open sessions (admins, or yourself with \"me\"), most recently used first, without tokens.",
			access: signedIn, response: SessionList{}, status: 200, handle: api.listSessions},
		{method: "DELETE", path: "/api/v1/users/{id}/sessions/{session}", summary: "End one of a user's sessions at once (admins, or yourself); audited user:revoke_session.",
			access: signedIn, status: 204, handle: api.revokeSession},
		{method: "POST", path: "/api/v1/users/{id}/invite/resend", summary: "Resend a pending invite with a new link; the old one dies (O8).",
			access: admin, response: InvitedUser{}, status: 200, handle: api.resendInvite},
		{method: "POST", path: "/api/v1/users/{id}/invite/link", summary: "Replace a pending invite with a new link shown to you, an organization admin, instead of mailed (H2).",
			access: admin, response: InvitedUser{}, status: 200, handle: api.inviteLink},
		{method: "DELETE", path: "/api/v1/users/{id}/invite", summary: "Revoke a pending invite; the invited user is removed (O8).",
			access: admin, status: 204, handle: api.revokeInvite},
		{method: "POST", path: "/api/v1/invites/accept", summary: "Accept an invite with a username and password (O8).",
			access: public, request: AcceptInviteRequest{}, response: User{}, status: 200, handle: api.acceptInvite},
		{method: "GET", path: "/api/v1/organization", summary: "The organization's privacy enforcement (T6).",
			access: signedIn, response: Organization{}, status: 200, handle: api.getOrganization},
		{method: "PATCH", path: "/api/v1/organization", summary: "Enforce privacy switches for every team (T6).",
			access: admin, request: OrganizationRequest{}, response: Organization{}, status: 200, handle: api.updateOrganization},
		{method: "GET", path: "/api/v1/permissions", summary: "The permission catalog (R1).",
			access: public, response: PermissionList{}, status: 200, handle: api.listPermissions},
		{method: "GET", path: "/api/v1/roles", summary: "Built-in and custom team roles with their permissions.",
			access: signedIn, response: RoleList{}, status: 200, handle: api.listRoles},
		{method: "POST", path: "/api/v1/roles", summary: "Create a custom role from a base role and extra permissions (R3).",
			access: admin, request: RoleInput{}, response: Role{}, status: 201, handle: api.createRole},
		{method: "GET", path: "/api/v1/roles/{role}", summary: "A custom role by id or name.",
			access: signedIn, response: Role{}, status: 200, handle: api.getRole},
		{method: "PUT", path: "/api/v1/roles/{role}", summary: "Replace a custom role; holders change at once (R3).",
			access: admin, request: RoleInput{}, response: Role{}, status: 200, handle: api.updateRole},
		{method: "DELETE", path: "/api/v1/roles/{role}", summary: "Delete a custom role; holders move to its base role (R4).",
			access: admin, status: 204, handle: api.deleteRole},
		{method: "GET", path: "/api/v1/service-accounts", summary: "The organization's service accounts.",
			access: admin, response: ServiceAccountList{}, status: 200, handle: api.listSAs},
		{method: "POST", path: "/api/v1/service-accounts", summary: "Create an organization service account; its key is shown once (A1).",
			access: admin, request: ServiceAccountRequest{}, response: ServiceAccount{}, status: 201, handle: api.createOrgSA},
		{method: "DELETE", path: "/api/v1/service-accounts/{id}", summary: "Delete an organization service account and its keys.",
			access: admin, status: 204, handle: api.deleteSA},
		{method: "GET", path: "/api/v1/jwt-issuers", summary: "The JWT issuers whose tokens are exchanged at /oidc/token (identity federation).",
			access: admin, response: JWTIssuerList{}, status: 200, handle: api.listJWTIssuers},
		{method: "POST", path: "/api/v1/jwt-issuers", summary: "Register a JWT issuer; its discovery document and keys are fetched now.",
			access: admin, request: JWTIssuerRequest{}, response: JWTIssuer{}, status: 201, handle: api.createJWTIssuer},
		{method: "DELETE", path: "/api/v1/jwt-issuers/{id}", summary: "Delete a JWT issuer; access tokens exchanged for its JWTs stop working.",
			access: admin, status: 204, handle: api.deleteJWTIssuer},
		{method: "GET", path: "/api/v1/teams", summary: "Teams you can see; archived=true lists archived teams (admins).",
			access: signedIn, response: TeamList{}, status: 200, handle: api.listTeams,
			query: []param{{"archived", "boolean", "list archived teams instead"}}},
		{method: "POST", path: "/api/v1/teams", summary: "Create a team; you become its admin (T2, O6).",
			access: signedIn, request: CreateTeamRequest{}, response: Team{}, status: 201, handle: api.createTeam},
		{method: "GET", path: "/api/v1/teams/{team}", summary: "A team by name, display name or id.",
			access: signedIn, response: Team{}, status: 200, handle: api.getTeam},
		{method: "PATCH", path: "/api/v1/teams/{team}", summary: "Change a team's display name, privacy or alerts; storage is fixed.",
			access: signedIn, request: UpdateTeamRequest{}, response: Team{}, status: 200, handle: api.updateTeam},
		{method: "DELETE", path: "/api/v1/teams/{team}", summary: "Archive a team; projects and runs are kept (T11).",
			access: admin, status: 204, handle: api.archiveTeam},
		{method: "POST", path: "/api/v1/teams/{team}/restore", summary: "Restore an archived team (T11).",
			access: admin, response: Team{}, status: 200, handle: api.restoreTeam},
		{method: "PUT", path: "/api/v1/teams/{team}/avatar", summary: "Upload the team avatar: PNG, JPEG, GIF or WebP, at most 1 MiB (T8).",
			access: signedIn, status: 204, handle: api.putAvatar},
		{method: "GET", path: "/api/v1/teams/{team}/avatar", summary: "The team avatar image.",
			access: signedIn, status: 200, handle: api.getAvatar},
		{method: "GET", path: "/api/v1/teams/{team}/usage", summary: "Members, projects, runs, stored data and runs per day (T10).",
			access: signedIn, response: Usage{}, status: 200, handle: api.teamUsage},
		{method: "GET", path: "/api/v1/teams/{team}/alerts/deliveries", summary: "The team's recent alert mails and webhook posts and how far each got (T9).",
			access: signedIn, response: AlertDeliveries{}, status: 200, handle: api.alertDeliveries},
		{method: "GET", path: "/api/v1/teams/{team}/members", summary: "The team's members.",
			access: signedIn, response: MemberList{}, status: 200, handle: api.listMembers},
		{method: "POST", path: "/api/v1/teams/{team}/members", summary: "Add a user by username or email; an unknown email is invited (T4).",
			access: signedIn, request: AddMemberRequest{}, response: AddedMember{}, status: 201, handle: api.addMember},
		{method: "PATCH", path: "/api/v1/teams/{team}/members/{user}", summary: "Change a member's team role.",
			access: signedIn, request: RoleRequest{}, response: Member{}, status: 200, handle: api.updateMember},
		{method: "DELETE", path: "/api/v1/teams/{team}/members/{user}", summary: "Remove a member; their runs stay (T5).",
			access: signedIn, status: 204, handle: api.removeMember},
		{method: "GET", path: "/api/v1/teams/{team}/service-accounts", summary: "The team's service accounts.",
			access: signedIn, response: ServiceAccountList{}, status: 200, handle: api.listSAs},
		{method: "POST", path: "/api/v1/teams/{team}/service-accounts", summary: "Create a team service account; its key is shown once (A1). With auth federated and a subject it has no key and signs in with JWTs.",
			access: signedIn, request: ServiceAccountRequest{}, response: ServiceAccount{}, status: 201, handle: api.createTeamSA},
		{method: "DELETE", path: "/api/v1/teams/{team}/service-accounts/{id}", summary: "Delete a team service account and its keys.",
			access: signedIn, status: 204, handle: api.deleteSA},
		{method: "GET", path: "/api/v1/teams/{team}/projects", summary: "Projects of the team you may read.",
			access: signedIn, response: ProjectList{}, status: 200, handle: api.listProjects},
		{method: "POST", path: "/api/v1/teams/{team}/projects", summary: "Create a project (W1).",
			access: signedIn, request: ProjectRequest{}, response: Project{}, status: 201, handle: api.createProject},
		{method: "GET", path: "/api/v1/teams/{team}/projects/{project}", summary: "A project.",
			access: signedIn, response: Project{}, status: 200, handle: api.getProject},
		{method: "PATCH", path: "/api/v1/teams/{team}/projects/{project}", summary: "Change a project's description or visibility.",
			access: signedIn, request: ProjectRequest{}, response: Project{}, status: 200, handle: api.updateProject},
		{method: "DELETE", path: "/api/v1/teams/{team}/projects/{project}", summary: "Delete a project and its runs.",
			access: signedIn, status: 204, handle: api.deleteProject},
		{method: "POST", path: "/api/v1/teams/{team}/projects/{project}/members", summary: "Add a team member, or a service account by id (the team's or an organization one), to a restricted project.",
			access: signedIn, request: ProjectMemberRequest{}, status: 204, handle: api.addProjectMember},
		{method: "DELETE", path: "/api/v1/teams/{team}/projects/{project}/members/{user}", summary: "Remove a member or service account from a restricted project.",
			access: signedIn, status: 204, handle: api.removeProjectMember},
		{method: "GET", path: "/api/v1/teams/{team}/projects/{project}/runs", summary: "The project's runs, newest first, with their authors.",
			access: signedIn, response: RunList{}, status: 200, handle: api.listRuns,
			query: []param{{"limit", "integer", "at most this many runs, 1 to 200"}}},
		{method: "POST", path: "/api/v1/teams/{team}/projects/{project}/runs", summary: "Log a run; X-WANDB-USERNAME credits a team member (A5).",
			access: signedIn, request: RunRequest{}, response: Run{}, status: 201, handle: api.createRun},
		{method: "GET", path: "/api/v1/teams/{team}/projects/{project}/runs/{id}", summary: "A run.",
			access: signedIn, response: Run{}, status: 200, handle: api.getRun},
		{method: "PATCH", path: "/api/v1/teams/{team}/projects/{project}/runs/{id}", summary: "Update a run's name, state, config or summary.",
			access: signedIn, request: RunRequest{}, response: Run{}, status: 200, handle: api.updateRun},
		{method: "POST", path: "/api/v1/teams/{team}/projects/{project}/runs/{id}/stop", summary: "Stop a running run.",
			access: signedIn, response: Run{}, status: 200, handle: api.stopRun},
		{method: "DELETE", path: "/api/v1/teams/{team}/projects/{project}/runs/{id}", summary: "Delete a run.",
			access: signedIn, status: 204, handle: api.deleteRun},
		{method: "GET", path: "/api/v1/license", summary: "The license: status, seats used and available, features, expiry (O14, O15).",
			access: admin, response: License{}, status: 200, handle: api.license},
		{method: "GET", path: "/api/v1/settings/email", summary: "Where mail goes: the SMTP sink (password hidden) and the sender (E1).",
			access: admin, response: EmailSettings{}, status: 200, handle: api.emailSettings},
		{method: "POST", path: "/api/v1/settings/email/test", summary: "Send a test mail now and report the SMTP server's answer or error; 409 without a mail sink.",
			access: admin, request: TestEmailRequest{}, response: TestEmailResult{}, status: 200, handle: api.testEmail},
		{method: "GET", path: "/admin/audit_logs", summary: "The audit log (I2): NDJSON stream without limit and endDate, else a page.",
			access: admin, response: AuditPage{}, status: 200, stream: true, handle: api.auditLogs, query: []param{
				{"startDate", "string", "newest day, YYYY-MM-DD (UTC; default today); the first day when endDate is given"},
				{"numDays", "integer", "days back from startDate (0 or none: startDate alone)"},
				{"endDate", "string", "last day, YYYY-MM-DD, inclusive, after startDate; not with numDays"},
				{"action", "string", "one action, such as user:create, or a family such as user:"},
				{"actor", "string", "the actor's email"},
				{"limit", "integer", "page size, 1 to 1000; asks for a page"},
				{"cursor", "string", "next_cursor of the previous page"},
				{"anonymize", "boolean", "drop emails, addresses, and team and project names"},
			}},
	}
}

// Register adds the API's routes and its OpenAPI document to mux. Every
// route for signed-in callers is served also under /api/v1/orgs/{org}/,
// which names the organization (#18): the same call, refused as "not
// found" unless org is the caller's.
func (api *API) Register(mux *http.ServeMux) {
	for _, rt := range api.routes {
		mux.Handle(rt.method+" "+rt.path, api.adapter.Handle(api.withActor(rt.handle, rt.status)))
		if path, ok := orgPath(rt); ok {
			mux.Handle(rt.method+" "+path, api.adapter.Handle(api.withActor(api.inNamedOrg(rt.handle), rt.status)))
		}
	}
	mux.Handle("GET /api/v1/openapi.json", api.adapter.Handle(api.openAPI))
	mux.HandleFunc("POST /oidc/token", api.oidcToken)
	mux.HandleFunc("/api/", httpx.NotFound)
	mux.HandleFunc("/admin/", httpx.NotFound)
}

// orgPath is where route rt is served in a named organization, if it is.
func orgPath(rt route) (string, bool) {
	rest, ok := strings.CutPrefix(rt.path, "/api/v1/")
	if !ok || rt.access == public || strings.HasPrefix(rest, "orgs") || strings.HasPrefix(rest, "memberships") || strings.Contains(rest, "{org}") {
		return "", false
	}
	return "/api/v1/orgs/{org}/" + rest, true
}

// inNamedOrg runs h once the organization the path names is the caller's.
func (api *API) inNamedOrg(h func(http.ResponseWriter, *http.Request, roster.Actor) error) func(http.ResponseWriter, *http.Request, roster.Actor) error {
	return func(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
		if err := api.app.ActsIn(r.Context(), a, r.PathValue("org")); err != nil {
			return err
		}
		return h(w, r, a)
	}
}

// withActor authenticates the request before the handler runs; the
// route's success status goes into the audit entries it writes.
func (api *API) withActor(h func(http.ResponseWriter, *http.Request, roster.Actor) error, status int) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := httpx.Authenticate(r, api.app, roster.ViaAPI)
		if err != nil {
			return err
		}
		a.ResponseCode = status
		return h(w, r, a)
	}
}
