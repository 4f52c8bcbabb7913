package api_test

// The person in both organizations of the isolation fixture (#18): each
// organization finds, by name, email, search and SCIM filter, its own row
// of them only, never the other's; the other's row is unknown by id; and
// neither organization's admin, directory or service account gains a say
// over the person's row, password or sessions in the other.

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"roster"
	"roster/internal/api"
	"roster/internal/apitest"
)

// TestOrgIsolationSharedPersonRows: each organization's admin and SCIM
// client find hazel's row of their own organization only, by username,
// email, search and filter; the other organization's row answers by id as
// an unknown user does; and each audit log holds only its own entries
// about her (the join and the switch of the other organization absent).
func TestOrgIsolationSharedPersonRows(t *testing.T) {
	e := apitest.New(t)
	f := newIsoFixture(t, e)
	email := sharedName + "@example.com"
	for _, dir := range []struct {
		name       string
		own, other *isoOrg
	}{{"first", f.a, f.b}, {"b", f.b, f.a}} {
		t.Run(dir.name, func(t *testing.T) {
			e := e.For(t)
			own, other := dir.own.shared.ID, dir.other.shared.ID
			adm := dir.own.admin.Key
			for _, ref := range []string{sharedName, email, strings.ToUpper(email)} {
				if got := getUser(t, e, adm, ref); got.ID != own {
					t.Errorf("GET /api/v1/users/%s: %s, want this organization's row %s", ref, got.ID, own)
				}
			}
			for _, q := range []string{sharedName, email, "haz"} {
				users := listAll(t, e, adm, url.Values{"query": {q}})
				if len(users) != 1 || users[0].ID != own {
					t.Errorf("user search %q: %+v, want this organization's row %s alone", q, users, own)
				}
			}
			for _, filter := range []string{`userName eq "` + sharedName + `"`, `userName eq "HAZEL"`, `userName sw "haz"`,
				`emails eq "` + email + `"`, `emails[value eq "` + email + `"]`, `id eq "` + other + `"`} {
				var page struct {
					TotalResults int `json:"totalResults"`
					Resources    []struct{ ID string }
				}
				e.Must(200, "GET", "/scim/v2/Users?filter="+url.QueryEscape(filter), nil, adm).JSON(t, &page)
				want := 1
				if strings.HasPrefix(filter, "id ") {
					want = 0
				}
				if page.TotalResults != want || len(page.Resources) != want || want == 1 && page.Resources[0].ID != own {
					t.Errorf("SCIM filter %s: %+v, want %d row, this organization's %s", filter, page, want, own)
				}
			}
			// The other organization's row by its SCIM id, as an unknown one.
			for _, c := range []struct{ method, body string }{{"GET", ""},
				{"PATCH", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`},
				{"PATCH", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"password","value":"taken over password"}]}`},
				{"PUT", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"hazel","active":false}`},
				{"DELETE", ""}} {
				var body any
				if c.body != "" {
					body = c.body
				}
				real := e.Do(c.method, "/scim/v2/Users/"+other, body, adm)
				fake := e.Do(c.method, "/scim/v2/Users/"+isoFake["{shared}"], body, adm)
				if real.StatusCode != 404 || fake.StatusCode != 404 ||
					strings.ReplaceAll(string(real.Body), other, isoFake["{shared}"]) != string(fake.Body) {
					t.Errorf("SCIM %s of the other organization's row: %d %s; of an unknown one: %d %s",
						c.method, real.StatusCode, real.Body, fake.StatusCode, fake.Body)
				}
			}
			// The audit log: no entry of the other organization's row, nor
			// of its side of the join and the switch.
			for _, path := range []string{"/admin/audit_logs?numDays=2&limit=1000", "/admin/audit_logs?numDays=2&limit=1000&actor=" + url.QueryEscape(email)} {
				var page api.AuditPage
				e.Must(200, "GET", path, nil, adm).JSON(t, &page)
				switches := 0
				for _, a := range page.AuditLogs {
					if a.ActorUserID == other || a.UserAsset == other || strings.Contains(a.Details, other) {
						t.Errorf("%s shows the other organization's row: %+v", path, a)
					}
					if a.Action == roster.ActUserSwitchOrg {
						switches++
					}
					if dir.own == f.a && (a.Details == "from another organization" || strings.HasPrefix(a.Details, "joined with the account")) {
						t.Errorf("%s shows corp-b's entry of the join or switch: %+v", path, a)
					}
					if dir.own == f.b && a.Details == "to another organization" {
						t.Errorf("%s shows the first organization's entry of the switch: %+v", path, a)
					}
				}
				if switches != 1 {
					t.Errorf("%s has %d switch entries, want this organization's one", path, switches)
				}
			}
		})
	}
}

// scimReplace is a SCIM PatchOp replacing path with value.
func scimReplace(path string, value any) map[string]any {
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": path, "value": value}}}
}

// TestSharedPersonEscalations: corp-b's admin, its directory and its
// service account cannot set hazel's password nor act as her in the first
// organization; her corp-b key acts in corp-b only; switching is refused
// to keys and to organizations she is not in, alike; and suspending
// corp-b, or deactivating or removing her row there, leaves her first
// organization's row and session as they were.
func TestSharedPersonEscalations(t *testing.T) {
	e := apitest.New(t)
	f := newIsoFixture(t, e)
	a, b := f.a.shared, f.b.shared
	taken := "taken over password"

	// The shared password: corp-b's SCIM, by its admin's key and by its
	// service account's, is refused (the service account's also by the
	// rule that it sets no admin's password, so her corp-b row is made a
	// member for it); REST has no field for it.
	sharedRefusal := "only they can change its password"
	e.Must(200, "PATCH", "/api/v1/users/"+b.ID, map[string]string{"role": "member"}, f.b.admin.Key)
	for _, cred := range []apitest.Cred{f.b.admin.Key, f.b.saKey} {
		r := e.Do("PATCH", "/scim/v2/Users/"+b.ID, scimReplace("password", taken), cred)
		if r.StatusCode != 403 || !strings.Contains(string(r.Body), sharedRefusal) {
			t.Errorf("corp-b's SCIM sets hazel's password: %d %s", r.StatusCode, r.Body)
		}
		r = e.Do("PUT", "/scim/v2/Users/"+b.ID, map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
			"userName": sharedName, "password": taken, "active": true,
			"emails": []map[string]any{{"value": sharedName + "@example.com", "primary": true}}}, cred)
		if r.StatusCode != 403 || !strings.Contains(string(r.Body), sharedRefusal) {
			t.Errorf("corp-b's SCIM PUT with hazel's password: %d %s", r.StatusCode, r.Body)
		}
	}
	e.Must(200, "PATCH", "/api/v1/users/"+b.ID, map[string]string{"role": "admin"}, f.b.admin.Key)
	if r := e.Do("PATCH", "/scim/v2/Users/"+b.ID, scimReplace("password", taken), f.b.saKey); r.StatusCode != 403 {
		t.Errorf("corp-b's service account sets its admin hazel's password: %d %s", r.StatusCode, r.Body)
	}
	if r := e.Do("PATCH", "/api/v1/users/"+b.ID, map[string]string{"password": taken}, f.b.admin.Key); r.StatusCode < 400 || r.StatusCode >= 500 {
		t.Errorf("corp-b's admin PATCHes hazel's password: %d %s", r.StatusCode, r.Body)
	}
	for _, org := range []string{"", "corp-b"} {
		wantProblem(t, e.Do("POST", "/api/v1/login", map[string]string{"login": sharedName, "password": taken, "organization": org}, apitest.Anonymous), 401, "bad_credentials")
	}
	e.MustLogin(sharedName, apitest.Password)
	// No admin makes a key for another user, in either organization.
	for _, path := range []string{"/api/v1/users/" + b.ID + "/api-keys", "/api/v1/users/" + a.ID + "/api-keys"} {
		if r := e.Do("POST", path, map[string]string{"name": "mine now"}, f.b.admin.Key); r.StatusCode != 404 && r.StatusCode != 405 {
			t.Errorf("POST %s by corp-b's admin: %d %s", path, r.StatusCode, r.Body)
		}
	}

	// Her corp-b key acts as her corp-b row only, under every path.
	var v api.Viewer
	if e.Must(200, "GET", "/api/v1/viewer", nil, b.Key).JSON(t, &v); v.User == nil || v.User.ID != b.ID {
		t.Fatalf("hazel's corp-b key is %+v", v.User)
	}
	for _, c := range []struct {
		key       apitest.Key
		mine      string // the org the key is of
		elsewhere string // the other org, by name or id
		otherRow  string
	}{{b.Key, "corp-b", roster.DefaultOrgID, a.ID}, {b.Key, "corp-b", "roster", a.ID}, {a.Key, roster.DefaultOrgID, "corp-b", b.ID}} {
		for _, path := range []string{"/users", "/users/" + c.otherRow, "/users/" + sharedName, "/users/me", "/viewer", "/teams", "/api-keys"} {
			r := e.Do("GET", "/api/v1/orgs/"+c.elsewhere+path, nil, c.key)
			if r.StatusCode != 404 && r.StatusCode != 403 {
				t.Errorf("GET /api/v1/orgs/%s%s by hazel's %s key: %d %s", c.elsewhere, path, c.mine, r.StatusCode, r.Body)
			}
		}
		// As corp-b's admin she is told "not found"; as the first
		// organization's member, "admins only".
		for _, call := range []string{"GET /api/v1/users/" + c.otherRow, "POST /api/v1/users/" + c.otherRow + "/deactivate",
			"DELETE /api/v1/users/" + c.otherRow, "GET /api/v1/users/" + c.otherRow + "/sessions"} {
			method, path, _ := strings.Cut(call, " ")
			if r := e.Do(method, path, nil, c.key); r.StatusCode != 404 && r.StatusCode != 403 {
				t.Errorf("%s by hazel's %s key: %d %s", call, c.mine, r.StatusCode, r.Body)
			}
		}
		if c.mine == "corp-b" {
			for _, u := range listAll(t, e, c.key, nil) {
				if u.ID == c.otherRow {
					t.Errorf("hazel's corp-b key lists her other row")
				}
			}
		}
		// A key belongs to one organization: it does not switch.
		wantProblem(t, e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": c.elsewhere}, c.key), 403, "session_required")
	}

	// Not a member and no such organization answer alike, byte for byte.
	e.MustOrg("corp-c", "cedar")
	session := e.MustLogin(sharedName, apitest.Password)
	notIn := e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": "corp-c"}, session)
	none := e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": "corp-q"}, session)
	wantProblem(t, notIn, 404, "not_a_member")
	if notIn.StatusCode != none.StatusCode || withoutRequestID(notIn) != withoutRequestID(none) {
		t.Errorf("switching to an organization she is not in: %d %s; to none: %d %s", notIn.StatusCode, notIn.Body, none.StatusCode, none.Body)
	}

	// corp-b suspended: no switch to it, the first organization as it was.
	root := f.a.admin.Key
	e.Must(200, "PATCH", "/api/v1/orgs/corp-b", map[string]string{"status": "suspended"}, root)
	suspended := e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": "corp-b"}, session)
	wantProblem(t, suspended, 404, "not_a_member")
	if withoutRequestID(suspended) != withoutRequestID(none) {
		t.Errorf("switching to suspended corp-b: %s; to none: %s", suspended.Body, none.Body)
	}
	wantMemberships(t, e, session, a.ID)
	e.Must(200, "GET", "/api/v1/users/me", nil, a.Key)
	e.Must(200, "PATCH", "/api/v1/orgs/corp-b", map[string]string{"status": "active"}, root)
	wantMemberships(t, e, session, b.ID, a.ID)

	// Her corp-b row deactivated, then removed: her first organization's
	// row, session and key work on; corp-b leaves her memberships.
	e.Must(200, "POST", "/api/v1/users/"+b.ID+"/deactivate", nil, f.b.admin.Key)
	wantMemberships(t, e, session, a.ID)
	wantProblem(t, e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": "corp-b"}, session), 404, "not_a_member")
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, b.Session), 401, "")
	e.Must(204, "DELETE", "/api/v1/users/"+b.ID, nil, f.b.admin.Key)
	wantMemberships(t, e, session, a.ID)
	wantMemberships(t, e, a.Session, a.ID)
	if got := getUser(t, e, a.Key, "me"); got.ID != a.ID || got.Status != "active" {
		t.Errorf("hazel in the first organization after corp-b removed her: %+v", got)
	}
	e.MustLogin(sharedName, apitest.Password)
	wantProblem(t, e.Do("POST", "/api/v1/login", map[string]string{"login": sharedName, "password": apitest.Password, "organization": "corp-b"}, apitest.Anonymous), 401, "")
}

// requestIDRE is the request id of a problem document, which is every
// answer's own.
var requestIDRE = regexp.MustCompile(`"request_id":"[^"]*"`)

// withoutRequestID is r's body without its request id.
func withoutRequestID(r *apitest.Response) string {
	return requestIDRE.ReplaceAllString(string(r.Body), "")
}

// wantMemberships fails unless the session's memberships are the rows
// ids, in order.
func wantMemberships(t *testing.T, e *apitest.Env, s apitest.Session, ids ...string) {
	t.Helper()
	var list api.MembershipList
	e.Must(200, "GET", "/api/v1/memberships", nil, s).JSON(t, &list)
	var got []string
	for _, m := range list.Memberships {
		got = append(got, m.UserID)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Errorf("memberships %v, want %v", got, ids)
	}
}
