// Package api is Roster's REST JSON edge under /api/v1 (I1): it decodes
// requests into domain values, calls one use case and encodes the answer.
package api

import (
	"log/slog"
	"net/http"

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
	api.routes = api.table()
	return api
}

// access says who may call a route; the use case enforces it, this only
// documents it.
type access string

const (
	public   access = "public"
	signedIn access = "signed-in"
	admin    access = "admin"
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
		{method: "POST", path: "/api/v1/users/{id}/invite/resend", summary: "Resend a pending invite with a new link; the old one dies (O8).",
			access: admin, response: InvitedUser{}, status: 200, handle: api.resendInvite},
		{method: "DELETE", path: "/api/v1/users/{id}/invite", summary: "Revoke a pending invite; the invited user is removed (O8).",
			access: admin, status: 204, handle: api.revokeInvite},
		{method: "POST", path: "/api/v1/invites/accept", summary: "Accept an invite with a username and password (O8).",
			access: public, request: AcceptInviteRequest{}, response: User{}, status: 200, handle: api.acceptInvite},
		{method: "GET", path: "/api/v1/license", summary: "The license: status, seats used and available, features, expiry (O14, O15).",
			access: admin, response: License{}, status: 200, handle: api.license},
		{method: "GET", path: "/api/v1/settings/email", summary: "Where mail goes: the SMTP sink (password hidden) and the sender (E1).",
			access: admin, response: EmailSettings{}, status: 200, handle: api.emailSettings},
		{method: "POST", path: "/api/v1/settings/email/test", summary: "Send a test mail now and report the SMTP server's answer or error; 409 without a mail sink.",
			access: admin, request: TestEmailRequest{}, response: TestEmailResult{}, status: 200, handle: api.testEmail},
		{method: "GET", path: "/admin/audit_logs", summary: "The audit log (I2): NDJSON stream without limit and endDate, else a page.",
			access: admin, response: AuditPage{}, status: 200, stream: true, handle: api.auditLogs, query: []param{
				{"startDate", "string", "first day, YYYY-MM-DD (UTC)"},
				{"numDays", "integer", "number of days from startDate (default 1)"},
				{"endDate", "string", "last day, YYYY-MM-DD, inclusive"},
				{"limit", "integer", "page size, 1 to 1000; asks for a page"},
				{"cursor", "string", "next_cursor of the previous page"},
				{"anonymize", "boolean", "drop emails and addresses"},
			}},
	}
}

// Register adds the API's routes and its OpenAPI document to mux.
func (api *API) Register(mux *http.ServeMux) {
	for _, rt := range api.routes {
		mux.Handle(rt.method+" "+rt.path, api.adapter.Handle(api.withActor(rt.handle)))
	}
	mux.Handle("GET /api/v1/openapi.json", api.adapter.Handle(api.openAPI))
	mux.HandleFunc("/api/", httpx.NotFound)
	mux.HandleFunc("/admin/", httpx.NotFound)
}

// withActor authenticates the request before the handler runs.
func (api *API) withActor(h func(http.ResponseWriter, *http.Request, roster.Actor) error) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a, err := httpx.Authenticate(r, api.app, roster.ViaAPI)
		if err != nil {
			return err
		}
		return h(w, r, a)
	}
}
