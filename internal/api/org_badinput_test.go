package api_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// anyClientError accepts any 4xx status; notServerError accepts any status
// below 500 (used where the input is odd but not clearly wrong).
const (
	anyClientError = 4
	notServerError = 0
)

// badInput is one request that must be refused as bad input.
type badInput struct {
	name         string
	method, path string
	body         any    // nil, a raw string, or a value sent as JSON
	as           string // "admin", "member" or "anon"
	status       int    // exact status, anyClientError or notServerError
	code         string // problem code, or "" for any
}

// jsonBodies are malformed bodies every JSON endpoint must refuse with 400.
func jsonBodies() []struct{ name, body string } {
	return []struct{ name, body string }{
		{"empty body", ""},
		{"whitespace body", "  \n "},
		{"not JSON", "email=a@b.co"},
		{"cut short", `{"email": "a@b.co"`},
		{"cut inside a string", `{"email": "a@b`},
		{"array", `[]`},
		{"string", `"hello"`},
		{"number", `42`},
		{"two objects", `{} {}`},
		{"trailing garbage", `{}x`},
		{"unknown field", `{"is_admin": true}`},
		{"single quotes", `{'email': 'a@b.co'}`},
		{"deeply nested", strings.Repeat("[", 100_000)},
		{"deeply nested field", `{"email":` + strings.Repeat("[", 20_000)},
	}
}

// jsonEndpoints are the endpoints with JSON bodies, with who calls them.
var jsonEndpoints = []struct{ method, path, as string }{
	{"POST", "/api/v1/signup", "anon"},
	{"POST", "/api/v1/login", "anon"},
	{"POST", "/api/v1/invites/accept", "anon"},
	{"POST", "/api/v1/users", "admin"},
	{"PATCH", "/api/v1/users/{member}", "admin"},
	{"PATCH", "/api/v1/users/me", "member"},
	{"POST", "/api/v1/users/me/api-keys", "member"},
	{"POST", "/api/v1/users/me/password", "member"},
}

// D4, I1: bad input of every kind gets a 4xx problem document with a
// detail and a code, never a 500, and changes nothing.
func TestBadInputIsAProblemNeverA500(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	member := e.MustUser(admin.Key, "bob", "member")
	_, token := e.MustInvite(admin.Key, "invitee@example.com", "member")
	creds := map[string]apitest.Cred{"admin": admin.Key, "member": member.Key, "anon": apitest.Anonymous}

	var cases []badInput
	for _, ep := range jsonEndpoints {
		for _, b := range jsonBodies() {
			cases = append(cases, badInput{b.name, ep.method, ep.path, b.body, ep.as, 400, "invalid"})
		}
		huge := `{"email": "` + strings.Repeat("a", 1<<20) + `@example.com"}`
		cases = append(cases,
			badInput{"oversize body", ep.method, ep.path, huge, ep.as, 413, "too_large"},
			badInput{"oversize whitespace", ep.method, ep.path, "{" + strings.Repeat(" ", 1<<20+1) + "}", ep.as, 413, "too_large"},
		)
	}
	pw := apitest.Password
	signup := func(u, e, p any) map[string]any { return map[string]any{"username": u, "email": e, "password": p} }
	acceptAs := func(u, p any) map[string]any { return map[string]any{"token": token, "username": u, "password": p} }
	cases = append(cases, []badInput{
		// Fields of the wrong type.
		{"username is a number", "POST", "/api/v1/signup", signup(5, "a@b.co", pw), "anon", 400, "invalid"},
		{"password is a bool", "POST", "/api/v1/signup", signup("a", "a@b.co", true), "anon", 400, "invalid"},
		{"login is a number", "POST", "/api/v1/login", map[string]any{"login": 5, "password": pw}, "anon", 400, "invalid"},
		{"password is an array", "POST", "/api/v1/login", map[string]any{"login": "bob", "password": []string{pw}}, "anon", 400, "invalid"},
		{"email is a number", "POST", "/api/v1/users", map[string]any{"email": 5}, "admin", 400, "invalid"},
		{"email is an array", "POST", "/api/v1/users", map[string]any{"email": []string{"x@example.com"}}, "admin", 400, "invalid"},
		{"email is an object", "POST", "/api/v1/users", map[string]any{"email": map[string]string{"x": "y"}}, "admin", 400, "invalid"},
		{"role is a number", "POST", "/api/v1/users", map[string]any{"email": "x@example.com", "role": 1}, "admin", 400, "invalid"},
		{"patched role is a bool", "PATCH", "/api/v1/users/{member}", map[string]any{"role": true}, "admin", 400, "invalid"},
		{"name is a number", "PATCH", "/api/v1/users/me", map[string]any{"name": 7}, "member", 400, "invalid"},
		{"token is a number", "POST", "/api/v1/invites/accept", map[string]any{"token": 7, "username": "x", "password": pw}, "anon", 400, "invalid"},
		{"key name is null-ish object", "POST", "/api/v1/users/me/api-keys", map[string]any{"name": map[string]any{}}, "member", 400, "invalid"},
		{"new password is a number", "POST", "/api/v1/users/me/password", map[string]any{"current_password": pw, "new_password": 12345678}, "member", 400, "invalid"},

		// Bad emails.
		{"email empty", "POST", "/api/v1/users", map[string]any{"email": ""}, "admin", 400, "invalid_email"},
		{"email missing", "POST", "/api/v1/users", map[string]any{"role": "member"}, "admin", 400, "invalid_email"},
		{"email without @", "POST", "/api/v1/users", map[string]any{"email": "bob.example.com"}, "admin", 400, "invalid_email"},
		{"email without domain dot", "POST", "/api/v1/users", map[string]any{"email": "bob@example"}, "admin", 400, "invalid_email"},
		{"email with display name", "POST", "/api/v1/users", map[string]any{"email": "Bob <bob@example.com>"}, "admin", 400, "invalid_email"},
		{"two emails", "POST", "/api/v1/users", map[string]any{"email": "a@example.com, b@example.com"}, "admin", 400, "invalid_email"},
		{"email with space", "POST", "/api/v1/users", map[string]any{"email": "bo b@example.com"}, "admin", 400, "invalid_email"},
		{"email with NUL", "POST", "/api/v1/users", map[string]any{"email": "bob\x00@example.com"}, "admin", 400, "invalid_email"},
		{"email with newline", "POST", "/api/v1/users", map[string]any{"email": "bob@example.com\nBcc: x@example.com"}, "admin", 400, "invalid_email"},
		{"email too long", "POST", "/api/v1/users", map[string]any{"email": strings.Repeat("a", 250) + "@example.com"}, "admin", 400, "invalid_email"},
		{"sign-up email bad", "POST", "/api/v1/signup", signup("zed", "zed", pw), "anon", 400, "invalid_email"},

		// Bad usernames (sign-up and invite acceptance).
		{"username empty", "POST", "/api/v1/invites/accept", acceptAs("", pw), "anon", 400, "invalid_username"},
		{"username with space", "POST", "/api/v1/invites/accept", acceptAs("bob smith", pw), "anon", 400, "invalid_username"},
		{"username with slash", "POST", "/api/v1/invites/accept", acceptAs("bob/smith", pw), "anon", 400, "invalid_username"},
		{"username with @", "POST", "/api/v1/invites/accept", acceptAs("bob@x", pw), "anon", 400, "invalid_username"},
		{"username with dot", "POST", "/api/v1/invites/accept", acceptAs("bob.smith", pw), "anon", 400, "invalid_username"},
		{"username non-ASCII", "POST", "/api/v1/invites/accept", acceptAs("björn", pw), "anon", 400, "invalid_username"},
		{"username with NUL", "POST", "/api/v1/invites/accept", acceptAs("bob\x00", pw), "anon", 400, "invalid_username"},
		{"username 65 characters", "POST", "/api/v1/invites/accept", acceptAs(strings.Repeat("a", 65), pw), "anon", 400, "invalid_username"},
		{"sign-up username bad", "POST", "/api/v1/signup", signup("has space", "zed@example.com", pw), "anon", 400, "invalid_username"},

		// Bad passwords.
		{"password empty", "POST", "/api/v1/invites/accept", acceptAs("newbie", ""), "anon", 400, "invalid_password"},
		{"password 7 characters", "POST", "/api/v1/invites/accept", acceptAs("newbie", "1234567"), "anon", 400, "invalid_password"},
		{"password 7 runes, more bytes", "POST", "/api/v1/invites/accept", acceptAs("newbie", "ééééééé"), "anon", 400, "invalid_password"},
		{"password too long", "POST", "/api/v1/invites/accept", acceptAs("newbie", strings.Repeat("p", 257)), "anon", 400, "invalid_password"},
		{"sign-up password short", "POST", "/api/v1/signup", signup("zed", "zed@example.com", "short"), "anon", 400, "invalid_password"},
		{"new password short", "POST", "/api/v1/users/me/password", map[string]any{"current_password": pw, "new_password": "short"}, "member", 400, "invalid_password"},
		{"new password missing", "POST", "/api/v1/users/me/password", map[string]any{"current_password": pw}, "member", 400, "invalid_password"},

		// Bad roles and other fields.
		{"invite role unknown", "POST", "/api/v1/users", map[string]any{"email": "x@example.com", "role": "owner"}, "admin", 400, "invalid_role"},
		{"invite role team-only", "POST", "/api/v1/users", map[string]any{"email": "x@example.com", "role": "service"}, "admin", 400, "invalid_role"},
		{"patched role unknown", "PATCH", "/api/v1/users/{member}", map[string]any{"role": "superuser"}, "admin", 400, "invalid_role"},
		{"patched role empty", "PATCH", "/api/v1/users/{member}", map[string]any{"role": ""}, "admin", 400, "invalid_role"},
		{"patch with nothing", "PATCH", "/api/v1/users/{member}", map[string]any{}, "admin", 400, "invalid"},
		{"patch with null role", "PATCH", "/api/v1/users/{member}", map[string]any{"role": nil}, "admin", 400, "invalid"},
		{"name too long", "PATCH", "/api/v1/users/me", map[string]any{"name": strings.Repeat("n", 129)}, "member", 400, "invalid"},
		{"accept name too long", "POST", "/api/v1/invites/accept", map[string]any{"token": token, "username": "newbie", "password": pw, "name": strings.Repeat("n", 129)}, "anon", 400, "invalid"},
		{"key name empty", "POST", "/api/v1/users/me/api-keys", map[string]any{"name": ""}, "member", 400, "invalid"},
		{"key name too long", "POST", "/api/v1/users/me/api-keys", map[string]any{"name": strings.Repeat("k", 129)}, "member", 400, "invalid"},

		// Text PostgreSQL cannot store: refused alike on both engines, never a 500.
		{"login with NUL", "POST", "/api/v1/login", map[string]any{"login": "bob\x00", "password": pw}, "anon", anyClientError, ""},
		{"login email with NUL", "POST", "/api/v1/login", map[string]any{"login": "bob\x00@example.com", "password": pw}, "anon", anyClientError, ""},
		{"name with NUL", "PATCH", "/api/v1/users/me", map[string]any{"name": "Bob\x00"}, "member", 400, ""},
		{"key name with NUL", "POST", "/api/v1/users/me/api-keys", map[string]any{"name": "key\x00"}, "member", 400, ""},
		{"accept name with NUL", "POST", "/api/v1/invites/accept", map[string]any{"token": "nope", "username": "newbie", "password": pw, "name": "N\x00"}, "anon", 400, "invalid_text"},

		// Bad query parameters of the user list.
		{"limit zero", "GET", "/api/v1/users?limit=0", nil, "admin", 400, "invalid"},
		{"limit negative", "GET", "/api/v1/users?limit=-1", nil, "admin", 400, "invalid"},
		{"limit not a number", "GET", "/api/v1/users?limit=ten", nil, "admin", 400, "invalid"},
		{"limit fraction", "GET", "/api/v1/users?limit=1.5", nil, "admin", 400, "invalid"},
		{"limit too big", "GET", "/api/v1/users?limit=201", nil, "admin", 400, "invalid"},
		{"limit overflows", "GET", "/api/v1/users?limit=99999999999999999999999", nil, "admin", 400, "invalid"},
		{"cursor not base64", "GET", "/api/v1/users?cursor=!!!", nil, "admin", 400, "invalid"},
		{"cursor not ours", "GET", "/api/v1/users?cursor=" + b64("bob"), nil, "admin", 400, "invalid"},
		{"cursor with bad UTF-8", "GET", "/api/v1/users?cursor=" + b64("\xff\xfe\x00u_1"), nil, "admin", 400, ""},
		{"cursor with NUL", "GET", "/api/v1/users?cursor=" + b64("a\x00b\x00c"), nil, "admin", 400, ""},
		{"role filter unknown", "GET", "/api/v1/users?role=owner", nil, "admin", 400, "invalid_role"},
		{"status filter unknown", "GET", "/api/v1/users?status=gone", nil, "admin", 400, "invalid"},
		{"status filter removed", "GET", "/api/v1/users?status=removed", nil, "admin", 400, "invalid"},
		{"query too long", "GET", "/api/v1/users?query=" + strings.Repeat("q", 257), nil, "admin", 400, "invalid"},
		{"query with bad UTF-8", "GET", "/api/v1/users?query=%FF%FE", nil, "admin", notServerError, ""},
		{"query with NUL", "GET", "/api/v1/users?query=bob%00", nil, "admin", 400, ""},

		// Bad query parameters of the audit log (I2).
		{"audit limit zero", "GET", "/admin/audit_logs?limit=0", nil, "admin", 400, "invalid"},
		{"audit limit too big", "GET", "/admin/audit_logs?limit=1001", nil, "admin", 400, "invalid"},
		{"audit limit not a number", "GET", "/admin/audit_logs?limit=all", nil, "admin", 400, "invalid"},
		{"audit cursor not base64", "GET", "/admin/audit_logs?limit=5&cursor=***", nil, "admin", 400, "invalid"},
		{"audit cursor not a number", "GET", "/admin/audit_logs?limit=5&cursor=" + b64("abc"), nil, "admin", 400, "invalid"},
		{"audit cursor negative", "GET", "/admin/audit_logs?limit=5&cursor=" + b64("-5"), nil, "admin", 400, "invalid"},
		{"audit stream cursor bad", "GET", "/admin/audit_logs?cursor=%FF", nil, "admin", 400, "invalid"},
		{"startDate not a date", "GET", "/admin/audit_logs?startDate=yesterday", nil, "admin", 400, "invalid"},
		{"startDate impossible", "GET", "/admin/audit_logs?startDate=2026-02-30", nil, "admin", 400, "invalid"},
		{"startDate with time", "GET", "/admin/audit_logs?startDate=2026-01-01T00:00:00Z", nil, "admin", 400, "invalid"},
		{"endDate not a date", "GET", "/admin/audit_logs?endDate=31/01/2026", nil, "admin", 400, "invalid"},
		{"endDate before startDate", "GET", "/admin/audit_logs?startDate=2026-02-01&endDate=2026-01-01", nil, "admin", 400, "invalid"},
		{"numDays with endDate", "GET", "/admin/audit_logs?startDate=2026-01-01&numDays=3&endDate=2026-01-05", nil, "admin", 400, "invalid"},
		{"numDays negative", "GET", "/admin/audit_logs?numDays=-3", nil, "admin", 400, "invalid"},
		{"numDays not a number", "GET", "/admin/audit_logs?numDays=week", nil, "admin", 400, "invalid"},
		{"numDays huge", "GET", "/admin/audit_logs?numDays=1000000", nil, "admin", 400, "invalid"},
		{"anonymize not a bool", "GET", "/admin/audit_logs?anonymize=maybe", nil, "admin", 400, "invalid"},

		// Odd paths: refused, never a 500.
		{"user id with bad UTF-8", "GET", "/api/v1/users/%FF%FE", nil, "admin", anyClientError, ""},
		{"user id with NUL", "GET", "/api/v1/users/bob%00", nil, "admin", anyClientError, ""},
		{"user id very long", "GET", "/api/v1/users/" + strings.Repeat("u", 5000), nil, "admin", 404, ""},
		{"deactivate bad UTF-8", "POST", "/api/v1/users/%FF/deactivate", nil, "admin", anyClientError, ""},
		{"key id with bad UTF-8", "DELETE", "/api/v1/users/me/api-keys/%FF", nil, "member", anyClientError, ""},
		{"key id with NUL", "DELETE", "/api/v1/users/me/api-keys/k%00", nil, "member", anyClientError, ""},
		{"unknown user", "GET", "/api/v1/users/nobody", nil, "admin", 404, "not_found"},
		{"unknown route", "GET", "/api/v1/nothing-here", nil, "admin", 404, "not_found"},
		{"unknown admin route", "GET", "/admin/nothing-here", nil, "admin", 404, "not_found"},
		{"anonymous viewer", "GET", "/api/v1/viewer", nil, "anon", 401, "unauthenticated"},
	}...)

	ids := strings.NewReplacer("{member}", member.ID)
	usersBefore := len(listAll(t, e, admin.Key, nil))
	for _, c := range cases {
		t.Run(c.method+" "+c.path+"/"+c.name, func(t *testing.T) {
			r := e.Do(c.method, ids.Replace(c.path), c.body, creds[c.as])
			switch {
			case r.StatusCode >= 500:
				t.Errorf("%s: server error %d: %s", what(r), r.StatusCode, r.Body)
			case c.status == notServerError && r.StatusCode < 400:
				// Accepted odd input; fine as long as it is not a 500.
			case c.status == anyClientError || c.status == notServerError:
				wantProblem(t, r, r.StatusCode, c.code)
				if r.StatusCode < 400 {
					t.Errorf("%s: status %d, want a 4xx", what(r), r.StatusCode)
				}
			default:
				wantProblem(t, r, c.status, c.code)
			}
		})
	}

	// Nothing was half-created, the invite still works, bob's account is
	// untouched and he can still sign in with his password.
	if n := len(listAll(t, e, admin.Key, nil)); n != usersBefore {
		t.Errorf("users: %d, want %d", n, usersBefore)
	}
	if u := getUser(t, e, admin.Key, member.ID); u.Role != "member" || u.Status != "active" {
		t.Errorf("bob after bad input: %+v", u)
	}
	e.MustLogin("bob", apitest.Password)
	wantStatus(t, accept(e, token, "newbie", ""), 200)
}

// A malformed Authorization header is refused, not ignored.
func TestMalformedCredentials(t *testing.T) {
	e := apitest.New(t)
	e.MustSignup("alice")
	for _, h := range []string{
		"Bearer",
		"Bearer ",
		"Bearer not-a-key",
		"Bearer roster-short",
		"Bearer roster-" + strings.Repeat("a", 200),
		"Basic !!!",
		"Basic " + base64.StdEncoding.EncodeToString([]byte("no-colon")),
		"Token abc",
		"Digest username=x",
	} {
		t.Run(h, func(t *testing.T) {
			req, _ := newRequest(e, "GET", "/api/v1/viewer")
			req.Header.Set("Authorization", h)
			r := doRequest(t, e, req)
			wantProblem(t, r, 401, "")
		})
	}
}

// D4: a request that fails must not leave part of itself applied. PATCH
// carries a role and a name; when the name cannot be applied, the role
// must not have changed either.
func TestPatchIsAllOrNothing(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "root", "admin")
	bob := e.MustUser(admin.Key, "bob", "member")
	cases := []struct {
		name   string
		ref    string
		body   map[string]string
		status int
	}{
		{"role for bob, name for bob", bob.ID, map[string]string{"role": "viewer", "name": "Bobby"}, 403},
		{"own role and too long name", "me", map[string]string{"role": "member", "name": strings.Repeat("n", 200)}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := getUser(t, e, admin.Key, c.ref)
			auditDelta(t, e, "", 0, func() {
				wantProblem(t, e.Do("PATCH", "/api/v1/users/"+c.ref, c.body, admin.Key), c.status, "")
			})
			if after := getUser(t, e, admin.Key, before.ID); after != before {
				t.Errorf("refused PATCH changed %s: %+v -> %+v", before.Username, before, after)
			}
		})
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
