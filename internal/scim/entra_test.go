package scim_test

import (
	"net/url"
	"testing"
	"time"

	"roster"
	"roster/internal/store"
)

// scimAudits counts audit entries with action written through SCIM.
func (p *idp) scimAudits(action string) int {
	p.t.Helper()
	n := 0
	err := p.e.DB.Read(p.t.Context(), func(tx *store.Tx) error {
		f := store.AuditFilter{From: time.Unix(0, 0), To: time.Now().Add(24 * time.Hour)}
		return tx.ListAudit(p.t.Context(), roster.DefaultOrgID, f, func(e *roster.AuditEntry) error {
			if e.Action == action && e.Via == roster.ViaSCIM {
				n++
			}
			return nil
		})
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

func q(filter string) string { return url.QueryEscape(filter) }

// TestEntraUserProvisioning replays Microsoft Entra ID's user requests as
// its "develop a SCIM endpoint" tutorial and its SCIM compliance page show
// them, in both PATCH dialects.
func TestEntraUserProvisioning(t *testing.T) {
	p, _ := newIdP(t)
	created := p.do(201, "POST", "/Users", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
		"userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
		"active": true,
		"emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
		"meta": {"resourceType": "User"},
		"name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
		"roles": []
	}`)
	id := created["id"].(string)
	if created["userName"] != "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1" || created["active"] != true ||
		get(created, "meta", "resourceType") != "User" || get(created, "name", "givenName") != "givenName" {
		t.Fatalf("created user: %v", created)
	}
	if p.scimAudits(roster.ActUserCreate) != 1 {
		t.Fatal("no user:create audit entry with interface scim")
	}

	// Entra looks users up by userName, externalId and work email.
	for _, f := range []string{
		`userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"`,
		`externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`,
		`emails[type eq "work"].value eq "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"`,
	} {
		res := list(t, p.do(200, "GET", "/Users?filter="+q(f), nil), 1)
		if res[0]["id"] != id {
			t.Fatalf("%s found %v", f, res[0]["id"])
		}
	}
	list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "non-existent user"`), nil), 0)
	p.do(200, "GET", "/Users/"+id, nil)

	// Older dialect: capitalised ops, a value path with a sub-attribute.
	u := p.do(200, "PATCH", "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [
			{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
			{"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}]}`)
	if get(u, "emails", "0", "value") != "updatedEmail@microsoft.com" || get(u, "name", "familyName") != "updatedFamilyName" {
		t.Fatalf("after multi-valued patch: %v", u)
	}
	u = p.do(200, "PATCH", "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Replace", "path": "userName", "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}]}`)
	if u["userName"] != "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" {
		t.Fatalf("after userName patch: %v", u)
	}
	// Disable with the older "False" string.
	u = p.do(200, "PATCH", "/Users/"+id, `{"Operations": [{"op": "Replace", "path": "active", "value": "False"}],
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`)
	if u["active"] != false || p.scimAudits(roster.ActUserDeactivate) != 1 {
		t.Fatalf("after disable: %v", u)
	}
	list(t, p.do(200, "GET", "/Users?filter="+q(`active eq false`), nil), 1)

	// Newer dialect: lower-case ops, path-less values with dotted and URN keys.
	u = p.do(200, "PATCH", "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "value": {"active": true}}]}`)
	if u["active"] != true || p.scimAudits(roster.ActUserReactivate) != 1 {
		t.Fatalf("after enable: %v", u)
	}
	u = p.do(200, "PATCH", "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "value": {
			"displayName": "Pvlo",
			"emails[type eq \"work\"].value": "TestBcwqnm@test.microsoft.com",
			"name.givenName": "Gtfd",
			"name.familyName": "Pkqf",
			"externalId": "Eqpj",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Eqpj"}},
			{"op": "add", "value": {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Tours",
			"title": "Guide"}}]}`)
	ent := "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	if u["displayName"] != "Pvlo" || get(u, "emails", "0", "value") != "TestBcwqnm@test.microsoft.com" ||
		get(u, "name", "givenName") != "Gtfd" || u["externalId"] != "Eqpj" || get(u, ent, "employeeNumber") != "Eqpj" ||
		get(u, ent, "department") != "Tours" || u["title"] != "Guide" || len(u["emails"].([]any)) != 1 {
		t.Fatalf("after path-less patch: %v", u)
	}
	if list(t, p.do(200, "GET", "/Users?filter="+q(`emails eq "testbcwqnm@test.microsoft.com"`), nil), 1)[0]["id"] != id {
		t.Fatal("email filter misses the new address")
	}
	// The Roster user follows: email and name.
	r := p.e.Must(200, "GET", "/api/v1/users/"+id, nil, p.key).Map(t)
	if r["email"] != "TestBcwqnm@test.microsoft.com" || r["name"] != "Pvlo" || r["status"] != "active" {
		t.Fatalf("roster user: %v", r)
	}

	// Delete deactivates by default (C1): reads show active false.
	p.do(204, "DELETE", "/Users/"+id, nil)
	if u = p.do(200, "GET", "/Users/"+id, nil); u["active"] != false {
		t.Fatalf("after delete: %v", u)
	}
}

// TestEntraGroupProvisioning replays Entra's group requests: create,
// look up by displayName without members, add and remove members in both
// dialects, rename, delete.
func TestEntraGroupProvisioning(t *testing.T) {
	p, _ := newIdP(t)
	user := p.do(201, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"member@contoso.com","active":true,"externalId":"m-1"}`)["id"].(string)
	g := p.do(201, "POST", "/Groups", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
		"externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
		"displayName": "ML Engineers",
		"meta": {"resourceType": "Group"}}`)
	gid := g["id"].(string)
	team := p.e.Must(200, "GET", "/api/v1/teams/"+gid, nil, p.key).Map(t)
	if get(team, "name") != "ml-engineers" || get(team, "display_name") != "ML Engineers" {
		t.Fatalf("team: %v", team)
	}
	found := list(t, p.do(200, "GET", "/Groups?excludedAttributes=members&filter="+q(`displayName eq "ML Engineers"`), nil), 1)
	if found[0]["id"] != gid || found[0]["members"] != nil {
		t.Fatalf("group by displayName: %v", found[0])
	}
	p.do(200, "GET", "/Groups/"+gid+"?excludedAttributes=members", nil)

	members := func() int {
		return len(p.do(200, "GET", "/Groups/"+gid, nil)["members"].([]any))
	}
	add := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"` + user + `"}]}]}`
	p.do(200, "PATCH", "/Groups/"+gid, add)
	if members() != 1 || p.scimAudits(roster.ActTeamInviteUser) != 1 {
		t.Fatal("member not added")
	}
	p.do(200, "PATCH", "/Groups/"+gid, add) // adding twice is harmless
	p.do(200, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"`+user+`"}]}]}`)
	if members() != 0 {
		t.Fatal("member not removed by value")
	}
	p.do(200, "PATCH", "/Groups/"+gid, add)
	p.do(200, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"remove","path":"members[value eq \"`+user+`\"]"}]}`)
	if members() != 0 {
		t.Fatal("member not removed by filter")
	}
	g = p.do(200, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"Replace","path":"displayName","value":"ML Platform"}]}`)
	if g["displayName"] != "ML Platform" {
		t.Fatalf("rename: %v", g)
	}
	p.do(204, "DELETE", "/Groups/"+gid, nil)
	p.do(404, "GET", "/Groups/"+gid, nil)
	archived := p.e.Must(200, "GET", "/api/v1/teams?archived=true", nil, p.key).Map(t)
	if teams, _ := archived["teams"].([]any); len(teams) != 1 {
		t.Fatalf("archived teams: %v", archived)
	}
	if p.scimAudits(roster.ActTeamDelete) != 1 || p.scimAudits(roster.ActTeamCreate) != 1 {
		t.Fatal("team audit entries through SCIM missing")
	}
}
