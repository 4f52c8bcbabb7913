package scim_test

import (
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
)

// TestRoleAssignment sets organization and team roles through Users (C4),
// built-in and custom, at the top level and under the extension.
func TestRoleAssignment(t *testing.T) {
	p, _ := newIdP(t)
	p.do(201, "POST", "/Groups", `{"displayName":"Vision"}`)
	role := p.do(201, "POST", "/Roles", `{"schemas":["urn:ietf:params:scim:schemas:roster:2.0:Role"],"name":"editor",
		"description":"edits projects","inheritedFrom":"member","permissions":[{"name":"project:update"}]}`)
	perms := map[string]bool{}
	for _, e := range role["permissions"].([]any) {
		perms[get(e, "name").(string)] = get(e, "isInherited").(bool)
	}
	if inherited, ok := perms["project:update"]; !ok || inherited || !perms["run:create"] || !perms["project:read"] {
		t.Fatalf("role permissions: %v", role)
	}
	u := p.do(201, "POST", "/Users", `{"userName":"ray@example.com","organizationRole":"viewer",
		"teamRoles":[{"teamName":"vision"}]}`)
	id := u["id"].(string)
	if get(u, rosterExt, "organizationRole") != "viewer" || get(u, rosterExt, "teamRoles", "0", "roleName") != "member" {
		t.Fatalf("created with roles: %v", u)
	}
	u = p.do(200, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"replace","path":"organizationRole","value":"admin"},
		{"op":"add","path":"teamRoles","value":[{"teamName":"Vision","roleName":"editor"}]}]}`)
	if get(u, rosterExt, "organizationRole") != "admin" || get(u, rosterExt, "teamRoles", "0", "roleName") != "editor" ||
		len(get(u, rosterExt, "teamRoles").([]any)) != 1 {
		t.Fatalf("after role patch: %v", u)
	}
	m := p.e.Must(200, "GET", "/api/v1/teams/vision/members", nil, p.key).Map(t)
	if get(m, "members", "0", "role") != "editor" {
		t.Fatalf("team members: %v", m)
	}
	// R4 through SCIM: deleting the role moves its holders to the base.
	p.do(204, "DELETE", "/Roles/"+role["id"].(string), nil)
	if u = p.do(200, "GET", "/Users/"+id, nil); get(u, rosterExt, "teamRoles", "0", "roleName") != "member" {
		t.Fatalf("after role delete: %v", u)
	}
	u = p.do(200, "PATCH", "/Users/"+id, `{"Operations":[{"op":"remove",
		"path":"urn:ietf:params:scim:schemas:extension:roster:2.0:User:teamRoles[teamName eq \"vision\"]"}]}`)
	if len(get(u, rosterExt, "teamRoles").([]any)) != 0 {
		t.Fatalf("after teamRoles remove: %v", u)
	}
	scimError(t, p.do(400, "PATCH", "/Users/"+id, `{"Operations":[{"op":"replace","path":"organizationRole","value":"owner"}]}`), "400", "invalidValue")
	scimError(t, p.do(404, "PATCH", "/Users/"+id, `{"Operations":[{"op":"add","path":"teamRoles","value":[{"teamName":"nope"}]}]}`), "404", "")
	if p.scimAudits(roster.ActOrgUpdateMember) != 1 || p.scimAudits(roster.ActTeamUpdateMember) != 1 || p.scimAudits(roster.ActTeamUninvite) != 1 {
		t.Fatal("role changes not audited through SCIM")
	}
}

// TestRoles covers /Roles (C3): read, PATCH add and remove, PUT, filter.
func TestRoles(t *testing.T) {
	p, _ := newIdP(t)
	id := p.do(201, "POST", "/Roles", `{"name":"auditor","inheritedFrom":"viewer","permissions":[{"name":"run:stop"}]}`)["id"].(string)
	scimError(t, p.do(409, "POST", "/Roles", `{"name":"Auditor","inheritedFrom":"viewer"}`), "409", "uniqueness")
	scimError(t, p.do(400, "POST", "/Roles", `{"name":"x","inheritedFrom":"viewer","permissions":[{"name":"fly:away"}]}`), "400", "invalidValue")
	r := p.do(200, "PATCH", "/Roles/"+id, `{"Operations":[{"op":"add","path":"permissions","value":[{"name":"run:delete"}]},
		{"op":"remove","path":"permissions[name eq \"run:stop\"]"}]}`)
	names := map[string]bool{}
	for _, e := range r["permissions"].([]any) {
		names[get(e, "name").(string)] = true
	}
	if !names["run:delete"] || names["run:stop"] || !names["run:read"] {
		t.Fatalf("after PATCH: %v", r)
	}
	scimError(t, p.do(400, "PATCH", "/Roles/"+id, `{"Operations":[{"op":"remove","path":"permissions[name eq \"run:read\"]"}]}`), "400", "mutability")
	r = p.do(200, "PUT", "/Roles/"+id, `{"name":"auditor2","description":"d","inheritedFrom":"member","permissions":[]}`)
	if r["name"] != "auditor2" || r["inheritedFrom"] != "member" {
		t.Fatalf("after PUT: %v", r)
	}
	list(t, p.do(200, "GET", "/Roles?filter="+q(`permissions[name eq "run:create" and isInherited eq true]`), nil), 1)
	list(t, p.do(200, "POST", "/Roles/.search", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"name sw \"aud\"","count":5}`), 1)
}

// TestLastAdminAndRemove: the last admin cannot be demoted, deactivated or
// deleted through SCIM (O3), and ROSTER_SCIM_DELETE=remove removes (O9).
func TestLastAdminAndRemove(t *testing.T) {
	e := apitest.NewWith(t, apitest.Options{Config: app.Config{SCIMDeleteRemoves: true}})
	admin := e.MustSignup("root")
	p := &idp{t: t, e: e, key: admin.Key}
	for _, body := range []string{
		`{"Operations":[{"op":"replace","value":{"active":false}}]}`,
		`{"Operations":[{"op":"replace","path":"organizationRole","value":"member"}]}`,
	} {
		doc := p.do(409, "PATCH", "/Users/"+admin.ID, body)
		scimError(t, doc, "409", "")
	}
	p.do(409, "DELETE", "/Users/"+admin.ID, nil)
	id := p.do(201, "POST", "/Users", alice)["id"].(string)
	p.do(204, "DELETE", "/Users/"+id, nil)
	p.do(404, "GET", "/Users/"+id, nil)
	list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "alice@example.com"`), nil), 0)
	p.do(201, "POST", "/Users", alice) // the userName is free again
	if p.scimAudits(roster.ActUserDelete) != 1 {
		t.Fatal("removal not audited")
	}
}

// TestDiscovery checks the three discovery endpoints under both prefixes.
func TestDiscovery(t *testing.T) {
	p, _ := newIdP(t)
	spc := p.do(200, "GET", "/ServiceProviderConfig", nil)
	for _, f := range []string{"patch", "bulk", "filter", "changePassword", "sort", "etag"} {
		if _, ok := get(spc, f, "supported").(bool); !ok {
			t.Fatalf("ServiceProviderConfig.%s.supported missing: %v", f, spc)
		}
	}
	if get(spc, "filter", "maxResults") != 9999.0 || get(spc, "bulk", "supported") != false || get(spc, "etag", "supported") != true {
		t.Fatalf("ServiceProviderConfig: %v", spc)
	}
	if len(spc["authenticationSchemes"].([]any)) == 0 {
		t.Fatal("no authenticationSchemes")
	}
	list(t, p.do(200, "GET", "/ResourceTypes", nil), 3)
	schemas := list(t, p.do(200, "GET", "/Schemas", nil), 6)
	ids := map[string]bool{}
	for _, s := range schemas {
		ids[s["id"].(string)] = true
	}
	if !ids[rosterExt] || !ids["urn:ietf:params:scim:schemas:roster:2.0:Role"] || !ids["urn:ietf:params:scim:schemas:extension:roster:2.0:Group"] {
		t.Fatalf("schemas: %v", ids)
	}
	u := p.do(200, "GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", nil)
	if get(u, "attributes", "0", "name") != "userName" || get(u, "attributes", "0", "uniqueness") != "server" {
		t.Fatalf("User schema: %v", u)
	}
	if r := p.e.Do("GET", "/scim/ResourceTypes/User", nil, p.key); r.StatusCode != 200 {
		t.Fatalf("/scim prefix: %d", r.StatusCode)
	}
}
