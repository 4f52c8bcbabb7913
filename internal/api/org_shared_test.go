package api_test

// The person in both organizations of the isolation fixture (#18): each
// organization finds, by name, email, search and SCIM filter, its own row
// of them only, never the other's; the other's row is unknown by id; and
// neither organization's admin, directory or service account gains a say
// over the person's row, password or sessions in the other.

import (
	"net/url"
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
