package graphql_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// userQuery is Api.user's lookup of one user by name, with the fields the
// isolation test compares.
const userQuery = `
query User($name: String) {
  user(userName: $name) {
    id
    username
    email
  }
}
`

// TestOrgIsolationGraphQL (issue 18): corp-b's admin, member and service
// account see through GraphQL only corp-b: the viewer, user searches,
// users, entities and the organization query; the first organization's
// names answer as made-up ones do, and no answer shows them.
func TestOrgIsolationGraphQL(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("alder")
	aspen := e.MustUser(root.Key, "aspen", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "acorn-team"}, root.Key)
	e.Must(201, "POST", "/api/v1/teams/acorn-team/members", map[string]string{"username": "aspen"}, root.Key)
	first := obj(t, client(t, e, root.Key, e1).call(e1TeamOrganization, map[string]any{"entityName": "acorn-team"}).ok(t), "entity", "organization")
	firstName, firstID := first["name"].(string), first["id"].(string)

	b := e.MustOrg("corp-b", "birch")
	beech := e.MustUserIn(b, "beech", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "bramble-team"}, b.Admin.Key)
	e.Must(201, "POST", "/api/v1/teams/bramble-team/members", map[string]string{"username": "beech"}, b.Admin.Key)
	sa := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "bramble-bot", "default_team": "bramble-team"}, b.Admin.Key).Map(t)
	secrets := []string{"alder", "aspen", "acorn", root.ID, aspen.ID, firstID, "org_default", firstName}

	for _, who := range []struct {
		name string
		key  apitest.Key
	}{{"admin", b.Admin.Key}, {"member", beech.Key}, {"service account", apitest.Key(sa["key"].(string))}} {
		t.Run(who.name, func(t *testing.T) {
			c := client(t, e, who.key, e3)
			show := func(what string, a answer, asked ...string) {
				t.Helper()
				s := string(a.raw)
				for _, v := range asked {
					s = strings.ReplaceAll(s, v, "")
				}
				for _, sec := range secrets {
					if strings.Contains(s, sec) || strings.Contains(s, base64.StdEncoding.EncodeToString([]byte(sec))) {
						t.Errorf("%s shows the first organization's %q: %s", what, sec, a.raw)
					}
				}
			}
			same := func(what, doc, name string, real, fake string) {
				t.Helper()
				r := c.call(doc, map[string]any{name: real})
				f := c.call(doc, map[string]any{name: fake})
				if r.status != f.status || strings.ReplaceAll(string(r.raw), real, fake) != string(f.raw) {
					t.Errorf("%s of the first organization's %q: %d %s\nof a made-up %q: %d %s", what, real, r.status, r.raw, fake, f.status, f.raw)
				}
				show(what, r, real)
			}
			show("viewer", c.call(e3GetViewer, nil))
			show("users()", c.call(e3SearchUsers, map[string]any{"query": ""}))
			same("users(query)", e3SearchUsers, "query", "aspen", "nobody-here")
			same("users(query)", e3SearchUsers, "query", "acorn", "nobody-here")
			same("user(userName)", userQuery, "name", "aspen", "nobody-here")
			same("user(userName)", userQuery, "name", "aspen@example.com", "nobody-here@example.com")
			same("user(userName)", userQuery, "name", aspen.ID, "u_00000000000000000000")
			same("entity(name)", e3GetTeamEntity, "name", "acorn-team", "no-such-team")
			same("entity(name)", e3GetTeamEntity, "name", "aspen", "nobody-here")
			same("entity(name) organization", e3FetchOrgInfoFromEntity, "entity", "acorn-team", "no-such-team")
			same("organization(name)", e3FetchOrganization, "org", firstName, "no-such-org")

			o := obj(t, c.call(e3FetchOrganization, map[string]any{"org": "corp-b"}).ok(t), "organization")
			if got := decode(t, o["id"].(string)); got != "Organization:"+b.ID || o["name"] != "corp-b" {
				t.Errorf("organization(name: corp-b) = %s %v, want Organization:%s corp-b", got, o, b.ID)
			}
			if oe := obj(t, o, "orgEntity"); decode(t, oe["id"].(string)) == decode(t, firstID) {
				t.Errorf("corp-b's orgEntity has the first organization's id: %v", oe)
			}
			ent := obj(t, c.call(e3FetchOrgInfoFromEntity, map[string]any{"entity": "bramble-team"}).ok(t), "entity")
			if obj(t, ent, "organization")["name"] != "corp-b" {
				t.Errorf("bramble-team's organization = %v, want corp-b", ent)
			}
		})
	}
}

// removeUserFromOrganization names the organization by id: corp-b's admin
// names corp-b's, and the first organization's id is refused as a
// made-up one is, its user untouched.
func TestOrgIsolationGraphQLRemoveUser(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("alder")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "acorn-team"}, root.Key)
	firstID := obj(t, client(t, e, root.Key, e1).call(e1TeamOrganization, map[string]any{"entityName": "acorn-team"}).ok(t), "entity", "organization")["id"].(string)
	b := e.MustOrg("corp-b", "birch")
	e.MustUserIn(b, "beech", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "bramble-team"}, b.Admin.Key)
	c := client(t, e, b.Admin.Key, e1)
	own := obj(t, c.call(e1TeamOrganization, map[string]any{"entityName": "bramble-team"}).ok(t), "entity", "organization")
	if decode(t, own["id"].(string)) != "Organization:"+b.ID || own["name"] != "corp-b" {
		t.Fatalf("bramble-team's organization = %v, want %s", own, b.ID)
	}
	fake := base64.StdEncoding.EncodeToString([]byte("Organization:org_00000000000000000000"))
	r := c.call(e1RemoveUserFromOrg, map[string]any{"userName": "beech", "organizationId": firstID})
	f := c.call(e1RemoveUserFromOrg, map[string]any{"userName": "beech", "organizationId": fake})
	if r.status != f.status || len(r.errors) == 0 || strings.ReplaceAll(string(r.raw), firstID, fake) != string(f.raw) {
		t.Errorf("the first organization's id: %d %s\na made-up one: %d %s", r.status, r.raw, f.status, f.raw)
	}
	e.Must(200, "GET", "/api/v1/users/beech", nil, b.Admin.Key)
	res := obj(t, c.call(e1RemoveUserFromOrg, map[string]any{"userName": "beech", "organizationId": own["id"]}).ok(t), "removeUserFromOrganization")
	if res["success"] != true {
		t.Fatalf("remove beech from corp-b = %v", res)
	}
	e.Must(404, "GET", "/api/v1/users/beech", nil, b.Admin.Key)
}
