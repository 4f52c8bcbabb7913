package api_test

import (
	"net/url"
	"sort"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// adminCalls are the organization-admin calls (O5): every one of them is
// refused to members, viewers and anonymous callers. In paths, {target} is
// an active member, {deactivated} a deactivated one and {invited} a user
// whose invite is pending. route is the OpenAPI path the call exercises.
var adminCalls = []struct {
	route, method, path string
	body                any
}{
	{"/api/v1/users", "GET", "/api/v1/users", nil},
	{"/api/v1/users", "GET", "/api/v1/users?query=tess&role=member&status=active&limit=5", nil},
	{"/api/v1/users", "POST", "/api/v1/users", map[string]string{"email": "new@example.com", "role": "member"}},
	{"/api/v1/users", "POST", "/api/v1/users", map[string]string{"email": "boss@example.com", "role": "admin"}},
	{"/api/v1/users/{id}", "GET", "/api/v1/users/{target}", nil},
	{"/api/v1/users/{id}", "GET", "/api/v1/users/tess", nil},
	{"/api/v1/users/{id}", "GET", "/api/v1/users/alice@example.com", nil},
	{"/api/v1/users/{id}", "GET", "/api/v1/users/{invited}", nil},
	{"/api/v1/users/{id}", "PATCH", "/api/v1/users/{target}", map[string]string{"role": "viewer"}},
	{"/api/v1/users/{id}", "PATCH", "/api/v1/users/{target}", map[string]string{"role": "admin"}},
	{"/api/v1/users/{id}", "PATCH", "/api/v1/users/{target}", map[string]string{"name": "Renamed"}},
	{"/api/v1/users/{id}", "PATCH", "/api/v1/users/me", map[string]string{"role": "admin"}},
	{"/api/v1/users/{id}", "PATCH", "/api/v1/users/alice", map[string]string{"role": "member"}},
	{"/api/v1/users/{id}", "DELETE", "/api/v1/users/{target}", nil},
	{"/api/v1/users/{id}", "DELETE", "/api/v1/users/alice", nil},
	{"/api/v1/users/{id}/deactivate", "POST", "/api/v1/users/{target}/deactivate", nil},
	{"/api/v1/users/{id}/deactivate", "POST", "/api/v1/users/alice/deactivate", nil},
	{"/api/v1/users/{id}/reactivate", "POST", "/api/v1/users/{deactivated}/reactivate", nil},
	{"/api/v1/users/{id}/unlock", "POST", "/api/v1/users/{target}/unlock", nil},
	{"/api/v1/users/{id}/unlock", "POST", "/api/v1/users/me/unlock", nil},
	{"/api/v1/users/{id}/sessions", "GET", "/api/v1/users/{target}/sessions", nil},
	{"/api/v1/users/{id}/sessions/{session}", "DELETE", "/api/v1/users/{target}/sessions/s_1", nil},
	{"/api/v1/users/{id}/invite/resend", "POST", "/api/v1/users/{invited}/invite/resend", nil},
	{"/api/v1/users/{id}/invite/link", "POST", "/api/v1/users/{invited}/invite/link", nil},
	{"/api/v1/users/{id}/invite", "DELETE", "/api/v1/users/{invited}/invite", nil},
	{"/admin/audit_logs", "GET", "/admin/audit_logs", nil},
	{"/admin/audit_logs", "GET", "/admin/audit_logs?limit=10", nil},
	{"/admin/audit_logs", "GET", "/admin/audit_logs?endDate=2100-01-01&startDate=2000-01-01", nil},
	{"/admin/audit_logs", "GET", "/admin/audit_logs?anonymize=true", nil},
}

// O5, D5: members and viewers get 403, and anonymous callers or bad
// credentials 401, on every organization-admin call, and nothing changes.
func TestOrgAdminCallsRefuseOthers(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	member := e.MustUser(admin.Key, "mona", "member")
	viewer := e.MustUser(admin.Key, "vic", "viewer")
	target := e.MustUser(admin.Key, "tess", "member")
	dora := e.MustUser(admin.Key, "dora", "member")
	e.Must(200, "POST", "/api/v1/users/dora/deactivate", nil, admin.Key)
	invitedID, token := e.MustInvite(admin.Key, "ivy@example.com", "member")
	ids := strings.NewReplacer("{target}", target.ID, "{deactivated}", dora.ID, "{invited}", invitedID)

	callers := []struct {
		name   string
		cred   apitest.Cred
		status int
		code   string
	}{
		{"member key", member.Key, 403, "not_admin"},
		{"member session", member.Session, 403, "not_admin"},
		{"member basic", apitest.BasicKey{User: "api", Key: string(member.Key)}, 403, "not_admin"},
		{"viewer key", viewer.Key, 403, "not_admin"},
		{"viewer session", viewer.Session, 403, "not_admin"},
		{"anonymous", apitest.Anonymous, 401, "unauthenticated"},
		{"unknown session", apitest.Session("not-a-session"), 401, ""},
		{"unknown key", apitest.Key("roster-" + strings.Repeat("A", 48)), 401, "bad_api_key"},
	}
	usersBefore := listAll(t, e, admin.Key, nil)
	audit := e.AuditCount("")
	for _, c := range adminCalls {
		for _, who := range callers {
			t.Run(who.name+" "+c.method+" "+c.path, func(t *testing.T) {
				r := e.Do(c.method, ids.Replace(c.path), c.body, who.cred)
				wantProblem(t, r, who.status, who.code)
				if who.status == 401 && r.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("401 without WWW-Authenticate")
				}
			})
		}
	}

	if n := e.AuditCount(""); n != audit {
		t.Errorf("refused calls wrote %d audit entries", n-audit)
	}
	usersAfter := listAll(t, e, admin.Key, nil)
	if len(usersAfter) != len(usersBefore) {
		t.Errorf("users before %v, after %v", labels(usersBefore), labels(usersAfter))
	}
	for i := range usersBefore {
		if i < len(usersAfter) && usersAfter[i] != usersBefore[i] {
			t.Errorf("user changed by refused calls: %+v -> %+v", usersBefore[i], usersAfter[i])
		}
	}
	// The pending invite's link survived the refused resends and revokes.
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": "ivy", "password": apitest.Password}, apitest.Anonymous)

	// Everything a non-admin may do with their own account still works.
	for _, who := range []apitest.User{member, viewer} {
		e.Must(200, "GET", "/api/v1/viewer", nil, who.Key)
		e.Must(200, "GET", "/api/v1/users/me", nil, who.Key)
		e.Must(200, "GET", "/api/v1/users/"+who.ID, nil, who.Session)
		e.Must(200, "PATCH", "/api/v1/users/me", map[string]string{"name": "Me Myself"}, who.Key)
	}
}

// The table above covers every user-management and audit route the
// OpenAPI document marks as admin-only, so that a new one cannot go
// untested. (Team, role and service account routes have their own tables.)
func TestAdminCallsCoverEveryAdminRoute(t *testing.T) {
	e := apitest.New(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Access string `json:"x-access"`
		} `json:"paths"`
	}
	e.Must(200, "GET", "/api/v1/openapi.json", nil, apitest.Anonymous).JSON(t, &doc)
	covered := map[string]bool{}
	for _, c := range adminCalls {
		covered[c.method+" "+c.route] = true
	}
	var missing []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			orgUsers := strings.HasPrefix(path, "/api/v1/users") || strings.HasPrefix(path, "/admin/")
			if orgUsers && op.Access == "admin" && !covered[key] {
				missing = append(missing, key)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("admin routes missing from adminCalls: %v", missing)
	}
	for key := range covered {
		method, path, _ := strings.Cut(key, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("adminCalls names %s, which the API does not serve", key)
		}
	}
}

// A member asking for a user who does not exist learns no more than about
// one who does: both are refused alike, so user lists cannot be probed.
func TestMembersCannotProbeForUsers(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	member := e.MustUser(admin.Key, "mona", "member")
	for _, ref := range []string{"alice", "alice@example.com", "nobody", "nobody@example.com", "u_doesnotexist"} {
		for _, c := range []struct {
			method, suffix string
			body           any
		}{
			{"GET", "", nil},
			{"PATCH", "", map[string]string{"role": "viewer"}},
			{"DELETE", "", nil},
			{"POST", "/deactivate", nil},
			{"POST", "/invite/resend", nil},
			{"POST", "/invite/link", nil},
		} {
			r := e.Do(c.method, "/api/v1/users/"+url.PathEscape(ref)+c.suffix, c.body, member.Key)
			wantProblem(t, r, 403, "not_admin")
		}
	}
}
