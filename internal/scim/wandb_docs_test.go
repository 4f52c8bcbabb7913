package scim_test

import (
	"fmt"
	"strings"
	"testing"

	"roster"
)

// The requests in this file are the examples of W&B's SCIM documentation
// (wandb/docs, platform/hosting/iam/scim.mdx and automate_iam.mdx), sent
// as the pages print them, with the placeholders ({role_id}, {team_id},
// {user_id}, abc) filled in.

// Role examples of scim.mdx ("Create custom role", "Add permissions to
// role", "Remove a permission from a role", "Replace custom role").
const (
	wbCreateRole = `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Role"],
    "name": "Sample custom role",
    "description": "A sample custom role for example",
    "permissions": [
        {
            "name": "project:update"
        }
    ],
    "inheritedFrom": "member"
}`
	wbAddRolePermissions = `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {
            "op": "add",
            "path": "permissions",
            "value": [
                {
                    "name": "project:delete"
                },
                {
                    "name": "run:stop"
                }
            ]
        }
    ]
}`
	wbRemoveRolePermission = `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {
            "op": "remove",
            "path": "permissions",
            "value": [
                {
                    "name": "project:update"
                }
            ]
        }
    ]
}`
	wbReplaceRole = `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Role"],
    "name": "Updated custom role",
    "description": "Updated description for the custom role",
    "permissions": [
        {
            "name": "project:read"
        },
        {
            "name": "run:read"
        },
        {
            "name": "artifact:read"
        }
    ],
    "inheritedFrom": "viewer"
}`
)

// rolePerms maps a role document's permission names to isInherited.
func rolePerms(t *testing.T, role map[string]any) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, e := range role["permissions"].([]any) {
		out[get(e, "name").(string)] = get(e, "isInherited").(bool)
	}
	return out
}

// TestWandbDocsCustomRoleNames: the docs' role "Sample custom role" is a
// display name (spaces, mixed case) and is accepted by SCIM /Roles, found
// by any case and spacing, unique case-insensitively, and never taken for
// a built-in role.
func TestWandbDocsCustomRoleNames(t *testing.T) {
	p, _ := newIdP(t)
	role := p.do(201, "POST", "/Roles", wbCreateRole)
	if role["name"] != "Sample custom role" {
		t.Fatalf("name: %v", role)
	}
	perms := rolePerms(t, role)
	if inherited, ok := perms["project:update"]; !ok || inherited || !perms["artifact:read"] || !perms["run:create"] {
		t.Fatalf("permissions: %v", perms)
	}
	for _, dup := range []string{"sample custom role", "SAMPLE  Custom   Role", " Sample custom role "} {
		body := fmt.Sprintf(`{"name":%q,"inheritedFrom":"viewer"}`, dup)
		scimError(t, p.do(409, "POST", "/Roles", body), "409", "uniqueness")
	}
	for _, reserved := range []string{"Admin", "ADMIN", "Read Only", "team admin", "Member", "vie-wer"} {
		body := fmt.Sprintf(`{"name":%q,"inheritedFrom":"member"}`, reserved)
		if m := p.do(409, "POST", "/Roles", body); !strings.Contains(fmt.Sprint(m["detail"]), "built-in") {
			t.Fatalf("%q: %v", reserved, m)
		}
	}
	for _, badName := range []string{"a\nb", strings.Repeat("x", 65), "   "} {
		body := fmt.Sprintf(`{"name":%q,"inheritedFrom":"member"}`, badName)
		scimError(t, p.do(400, "POST", "/Roles", body), "400", "invalidValue")
	}
	list(t, p.do(200, "GET", "/Roles?filter="+q(`name eq "Sample custom role"`), nil), 1)

	// Assigned by its display name in teamRoles, in any case, and shown
	// back as it is spelled.
	p.do(201, "POST", "/Groups", `{"displayName":"team1"}`)
	u := p.do(201, "POST", "/Users", `{"userName":"dev-user1","emails":[{"primary":true,"value":"dev-user1@example.com"}]}`)
	id := u["id"].(string)
	u = p.do(200, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"replace","path":"teamRoles","value":[{"roleName":"sample CUSTOM role","teamName":"team1"}]}]}`)
	if got := get(u, rosterExt, "teamRoles", "0", "roleName"); got != "Sample custom role" {
		t.Fatalf("teamRoles after assigning the custom role: %v", u)
	}
	// "Admin" names the built-in admin role, never a custom one.
	u = p.do(200, "PATCH", "/Users/"+id, `{"Operations":[{"op":"replace","path":"teamRoles","value":[{"roleName":"Admin","teamName":"team1"}]}]}`)
	if got := get(u, rosterExt, "teamRoles", "0", "roleName"); got != "admin" {
		t.Fatalf("Admin: %v", u)
	}
}

// TestWandbDocsPermissionCatalog: a role document copied from W&B, with
// W&B's permission names and isInherited marks as its GET shows them, is
// accepted; the built-in bases carry W&B's inherited names as the docs'
// examples read them (artifact:read from member, launchagent:read from
// viewer).
func TestWandbDocsPermissionCatalog(t *testing.T) {
	p, _ := newIdP(t)
	copied := `{"schemas":[""],"name":"Sample custom role 2","description":"Another sample custom role for example",
		"inheritedFrom":"viewer","organizationID":"T3JnYW5pemF0aW9uOjE0ODQ1OA==","permissions":[
		{"name":"launchagent:read","isInherited":true},{"name":"run:stop","isInherited":false},
		{"name":"artifact:delete"},{"name":"report:create"},{"name":"sweep:stop"},{"name":"launchqueue:enqueue"},
		{"name":"registry:update"},{"name":"artifact:update_ttl"}]}`
	role := p.do(201, "POST", "/Roles", copied)
	perms := rolePerms(t, role)
	for _, own := range []string{"run:stop", "artifact:delete", "report:create", "sweep:stop", "launchqueue:enqueue", "registry:update", "artifact:update_ttl"} {
		if inherited, ok := perms[own]; !ok || inherited {
			t.Fatalf("%s: %v", own, perms)
		}
	}
	for _, inh := range []string{"launchagent:read", "artifact:read", "report:read", "sweep:read", "registry:read", "run:read"} {
		if !perms[inh] {
			t.Fatalf("%s not inherited from viewer: %v", inh, perms)
		}
	}
	if role["organizationID"] != roster.DefaultOrgID {
		t.Fatalf("organizationID is the role's organization, not the one sent: %v", role["organizationID"])
	}
	if perms := rolePerms(t, p.do(201, "POST", "/Roles", wbCreateRole)); !perms["artifact:read"] || !perms["artifact:create"] {
		t.Fatalf("member base: %v", perms)
	}
	// A typo is still refused, with the name in the message.
	m := p.do(400, "POST", "/Roles", `{"name":"typo","inheritedFrom":"viewer","permissions":[{"name":"artifacts:read"}]}`)
	if !strings.Contains(fmt.Sprint(m["detail"]), "artifacts:read") {
		t.Fatalf("typo: %v", m)
	}
	// The REST catalog lists the same names.
	cat := p.e.Must(200, "GET", "/api/v1/permissions", nil, nil).Map(t)
	enforced := map[string]bool{}
	for _, e := range cat["permissions"].([]any) {
		enforced[get(e, "name").(string)] = get(e, "enforced").(bool)
	}
	if enforced["launchagent:read"] || enforced["registry:manage_members"] || !enforced["team:update_member_role"] || !enforced["run:stop"] ||
		len(enforced) != len(roster.Catalog) {
		t.Fatalf("catalog: %v", enforced)
	}
	for _, name := range []string{"launchagent:read", "registry:manage_members", "artifact:update_ttl"} {
		if _, ok := enforced[name]; !ok {
			t.Fatalf("catalog lacks %s: %v", name, enforced)
		}
	}
}

// TestWandbDocsRoleResource: every role read carries organizationID; the
// docs' PATCH examples add and remove permissions; the docs' PUT, which
// changes inheritedFrom from member to viewer, keeps the role's own
// (non-inherited) permissions (automate_iam.mdx), drops the old base's,
// and replaces name and description (scim.mdx "Replace custom role").
func TestWandbDocsRoleResource(t *testing.T) {
	p, _ := newIdP(t)
	role := p.do(201, "POST", "/Roles", wbCreateRole)
	id := role["id"].(string)
	for _, doc := range []map[string]any{role, p.do(200, "GET", "/Roles/"+id, nil), list(t, p.do(200, "GET", "/Roles", nil), 1)[0]} {
		if doc["organizationID"] != roster.DefaultOrgID {
			t.Fatalf("organizationID: %v", doc)
		}
	}
	perms := rolePerms(t, p.do(200, "PATCH", "/Roles/"+id, wbAddRolePermissions))
	if perms["project:delete"] || perms["run:stop"] || !hasAll(perms, "project:delete", "run:stop", "project:update") {
		t.Fatalf("after the docs' add: %v", perms)
	}
	perms = rolePerms(t, p.do(200, "PATCH", "/Roles/"+id, wbRemoveRolePermission))
	if _, ok := perms["project:update"]; ok {
		t.Fatalf("after the docs' remove: %v", perms)
	}
	role = p.do(200, "PUT", "/Roles/"+id, wbReplaceRole)
	perms = rolePerms(t, role)
	if role["name"] != "Updated custom role" || role["description"] != "Updated description for the custom role" || role["inheritedFrom"] != "viewer" {
		t.Fatalf("after the docs' PUT: %v", role)
	}
	for _, own := range []string{"project:delete", "run:stop"} {
		if inherited, ok := perms[own]; !ok || inherited {
			t.Fatalf("own permission %s lost by changing inheritedFrom: %v", own, perms)
		}
	}
	for _, inh := range []string{"project:read", "run:read", "artifact:read"} {
		if !perms[inh] {
			t.Fatalf("%s not inherited from viewer: %v", inh, perms)
		}
	}
	if _, ok := perms["run:create"]; ok {
		t.Fatalf("member's run:create kept after moving to viewer: %v", perms)
	}
	// A PUT that keeps the base replaces the permissions, as the docs say.
	role = p.do(200, "PUT", "/Roles/"+id, `{"name":"Updated custom role","inheritedFrom":"viewer","permissions":[{"name":"run:stop"}]}`)
	if perms = rolePerms(t, role); !hasAll(perms, "run:stop") || hasAny(perms, "project:delete") {
		t.Fatalf("PUT with the same base: %v", perms)
	}
	// PATCH changing the base keeps own permissions, and does not turn the
	// old base's permissions into own ones.
	role = p.do(200, "PATCH", "/Roles/"+id, `{"Operations":[{"op":"replace","path":"inheritedFrom","value":"member"}]}`)
	perms = rolePerms(t, role)
	if inherited, ok := perms["run:stop"]; !ok || inherited || !perms["run:create"] {
		t.Fatalf("PATCH to member: %v", perms)
	}
	role = p.do(200, "PATCH", "/Roles/"+id, `{"Operations":[{"op":"replace","path":"inheritedFrom","value":"viewer"}]}`)
	if perms = rolePerms(t, role); hasAny(perms, "run:create", "project:create") || !hasAll(perms, "run:stop") {
		t.Fatalf("PATCH back to viewer kept member's permissions as own: %v", perms)
	}
}

func hasAll(m map[string]bool, names ...string) bool {
	for _, n := range names {
		if _, ok := m[n]; !ok {
			return false
		}
	}
	return true
}

func hasAny(m map[string]bool, names ...string) bool {
	for _, n := range names {
		if _, ok := m[n]; ok {
			return true
		}
	}
	return false
}

// wbAssignTeamRole is scim.mdx "Assign team role".
const wbAssignTeamRole = `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {
            "op": "replace",
            "path": "teamRoles",
            "value": [
                {
                    "roleName": "admin",
                    "teamName": "team1"
                }
            ]
        }
    ]
}`

// teamRolesOf maps a user document's teamRoles (under the extension) to
// role names.
func teamRolesOf(u map[string]any) map[string]string {
	out := map[string]string{}
	for _, e := range asAnyList(get(u, rosterExt, "teamRoles")) {
		out[get(e, "teamName").(string)] = get(e, "roleName").(string)
	}
	return out
}

func asAnyList(v any) []any { l, _ := v.([]any); return l }

// TestWandbDocsTeamRolesReplace: the docs' "Assign team role" replace
// sets the role in the team it lists and leaves the user's other teams
// alone; remove with teamRoles[teamName eq "x"] takes the user out of one
// team; every change goes through the membership transition (T5, audit);
// SCIM stays closed to a team admin who is no organization admin.
func TestWandbDocsTeamRolesReplace(t *testing.T) {
	p, _ := newIdP(t)
	for _, team := range []string{"team1", "team2", "team3"} {
		p.do(201, "POST", "/Groups", fmt.Sprintf(`{"displayName":%q}`, team))
	}
	u := p.do(201, "POST", "/Users", `{"userName":"dev-user1","emails":[{"primary":true,"value":"dev-user1@example.com"}],
		"teamRoles":[{"teamName":"team1"},{"teamName":"team2","roleName":"viewer"},{"teamName":"team3"}]}`)
	id := u["id"].(string)
	u = p.do(200, "PATCH", "/Users/"+id, wbAssignTeamRole)
	if got := teamRolesOf(u); len(got) != 3 || got["team1"] != "admin" || got["team2"] != "viewer" || got["team3"] != "member" {
		t.Fatalf("after the docs' replace: %v", got)
	}
	if got := teamRolesOf(p.do(200, "GET", "/Users/"+id, nil)); len(got) != 3 {
		t.Fatalf("read back: %v", got)
	}
	if n := p.scimAudits(roster.ActTeamUninvite); n != 0 {
		t.Fatalf("%d memberships removed by a replace", n)
	}
	u = p.do(200, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"remove","path":"teamRoles[teamName eq \"team2\"]"}]}`)
	if got := teamRolesOf(u); len(got) != 2 || got["team1"] != "admin" || got["team3"] != "member" {
		t.Fatalf("after removing team2: %v", got)
	}
	if p.scimAudits(roster.ActTeamUninvite) != 1 {
		t.Fatal("removal not audited")
	}
	// A team named by its display name in the filter is found too.
	p.do(201, "POST", "/Groups", `{"displayName":"ML Engineers"}`)
	p.do(200, "PATCH", "/Users/"+id, `{"Operations":[{"op":"add","path":"teamRoles","value":[{"teamName":"ML Engineers"}]}]}`)
	u = p.do(200, "PATCH", "/Users/"+id, `{"Operations":[{"op":"remove","path":"teamRoles[teamName eq \"ML Engineers\"]"}]}`)
	if got := teamRolesOf(u); len(got) != 2 {
		t.Fatalf("after removing ML Engineers by display name: %v", got)
	}
	// T5: dev-user1 is team1's only admin; neither remove nor a demoting
	// replace may leave team1 without one, and nothing changes.
	scimError(t, p.do(409, "PATCH", "/Users/"+id, `{"Operations":[{"op":"remove","path":"teamRoles[teamName eq \"team1\"]"}]}`), "409", "")
	scimError(t, p.do(409, "PATCH", "/Users/"+id, `{"Operations":[{"op":"replace","path":"teamRoles","value":[{"teamName":"team1","roleName":"member"}]}]}`), "409", "")
	if got := teamRolesOf(p.do(200, "GET", "/Users/"+id, nil)); got["team1"] != "admin" || len(got) != 2 {
		t.Fatalf("after refused changes: %v", got)
	}
	// A team admin who is no organization admin may not use SCIM, so
	// cannot make themselves or anyone admin through teamRoles.
	lead := p.e.MustUser(p.key, "lead", "member")
	p.do(200, "PATCH", "/Users/"+lead.ID, `{"Operations":[{"op":"replace","path":"teamRoles","value":[{"teamName":"team3","roleName":"admin"}]}]}`)
	for _, target := range []string{lead.ID, id} {
		r := p.e.Do("PATCH", "/scim/v2/Users/"+target, `{"Operations":[{"op":"replace","path":"teamRoles","value":[{"teamName":"team2","roleName":"admin"}]}]}`, lead.Key)
		if r.StatusCode != 403 {
			t.Fatalf("team admin's teamRoles replace: %d %s", r.StatusCode, r.Body)
		}
	}
	if got := teamRolesOf(p.do(200, "GET", "/Users/"+lead.ID, nil)); len(got) != 1 || got["team3"] != "admin" {
		t.Fatalf("team admin's teams changed: %v", got)
	}
	// PUT still sets the memberships exactly.
	u = p.do(200, "PUT", "/Users/"+id, `{"userName":"dev-user1","teamRoles":[{"teamName":"team1","roleName":"admin"}]}`)
	if got := teamRolesOf(u); len(got) != 1 || got["team1"] != "admin" {
		t.Fatalf("after PUT: %v", got)
	}
}

// wbRemoveMember is scim.mdx "Removing a specific user from a team", with
// the member named by email as its note allows.
const wbRemoveMember = `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {
            "op": "remove",
            "path": "members[value eq \"%s\"]"
        }
    ]
}`

// memberIDs lists a group document's member values.
func memberIDs(g map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, e := range asAnyList(g["members"]) {
		out[get(e, "value").(string)] = true
	}
	return out
}

// TestWandbDocsGroupRemoveByEmail: the docs' member removal works with
// the email in place of the id (as add already does), in any case; an
// email or id of nobody in the team answers 200 and changes nothing, as
// the member is truly absent; a filter the server cannot evaluate is a
// 400, never a silent 200.
func TestWandbDocsGroupRemoveByEmail(t *testing.T) {
	p, _ := newIdP(t)
	u1 := p.do(201, "POST", "/Users", `{"userName":"dev-user1","emails":[{"primary":true,"value":"dev-user1@example.com"}]}`)["id"].(string)
	u2 := p.do(201, "POST", "/Users", `{"userName":"dev-user2","emails":[{"primary":true,"value":"dev-user2@example.com"}]}`)["id"].(string)
	outsider := p.do(201, "POST", "/Users", `{"userName":"dev-user3","emails":[{"primary":true,"value":"dev-user3@example.com"}]}`)["id"].(string)
	g := p.do(201, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"acme-devs",
		"members":[{"value":"dev-user1@example.com","display":"dev-user1@example.com"},{"value":"`+u2+`"}]}`)
	gid := g["id"].(string)
	if m := memberIDs(g); !m[u1] || !m[u2] {
		t.Fatalf("created: %v", g)
	}
	g = p.do(200, "PATCH", "/Groups/"+gid, fmt.Sprintf(wbRemoveMember, "Dev-User2@Example.com"))
	if m := memberIDs(g); !m[u1] || m[u2] || len(m) != 1 {
		t.Fatalf("after removing dev-user2 by email: %v", g)
	}
	if p.scimAudits(roster.ActTeamUninvite) != 1 {
		t.Fatal("removal not audited")
	}
	// Truly absent: a user who is no member, an unknown email, an
	// unknown id. 200, nothing removed.
	for _, absent := range []string{"dev-user3@example.com", "nobody@example.com", outsider, "no-such-id"} {
		g = p.do(200, "PATCH", "/Groups/"+gid, fmt.Sprintf(wbRemoveMember, absent))
		if m := memberIDs(g); !m[u1] || len(m) != 1 {
			t.Fatalf("after removing absent %s: %v", absent, g)
		}
	}
	// A present member named by username is removed too, never skipped.
	p.do(200, "PATCH", "/Groups/"+gid, `{"Operations":[{"op":"add","path":"members","value":[{"value":"dev-user2@example.com"}]}]}`)
	g = p.do(200, "PATCH", "/Groups/"+gid, fmt.Sprintf(wbRemoveMember, "dev-user2"))
	if m := memberIDs(g); m[u2] || len(m) != 1 {
		t.Fatalf("after removing dev-user2 by username: %v", g)
	}
	// Entra's older form, a value list, also takes emails.
	g = p.do(200, "PATCH", "/Groups/"+gid, `{"Operations":[{"op":"remove","path":"members","value":[{"value":"dev-user1@example.com"}]}]}`)
	if len(memberIDs(g)) != 0 {
		t.Fatalf("after removing by value list: %v", g)
	}
	p.do(200, "PATCH", "/Groups/"+gid, `{"Operations":[{"op":"add","path":"members","value":[{"value":"dev-user1@example.com"}]}]}`)
	for _, path := range []string{`members[email eq \"dev-user1@example.com\"]`, `members[value eq ]`, `members[value xx \"a\"]`, `members.bogus`} {
		r := p.e.Do("PATCH", "/scim/v2/Groups/"+gid, `{"Operations":[{"op":"remove","path":"`+path+`"}]}`, p.key)
		if r.StatusCode != 400 {
			t.Fatalf("remove %s: %d %s", path, r.StatusCode, r.Body)
		}
	}
	if m := memberIDs(p.do(200, "GET", "/Groups/"+gid, nil)); !m[u1] || len(m) != 1 {
		t.Fatalf("a refused filter changed members: %v", m)
	}
	if p.scimAudits(roster.ActTeamUninvite) != 3 {
		t.Fatalf("uninvites: %d", p.scimAudits(roster.ActTeamUninvite))
	}
}

// TestWandbDocsUserRolesTopLevel: user reads and write answers show
// organizationRole and teamRoles at the top level, where the docs'
// examples read them, and under the extension; writes accept them at the
// top level; a body giving both with different values is refused.
func TestWandbDocsUserRolesTopLevel(t *testing.T) {
	p, _ := newIdP(t)
	p.do(201, "POST", "/Groups", `{"displayName":"team1"}`)
	created := p.do(201, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"emails":[{"primary":true,"value":"dev-user2@example.com"}],"userName":"dev-user2"}`)
	id := created["id"].(string)
	// scim.mdx "Assign organization role", then "Assign team role".
	patched := p.do(200, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","path":"organizationRole","value":"admin"}]}`)
	p.do(200, "PATCH", "/Users/"+id, wbAssignTeamRole)
	docs := map[string]map[string]any{"create": created, "patch": patched, "get": p.do(200, "GET", "/Users/"+id, nil),
		"list":   list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "dev-user2"`), nil), 1)[0],
		"search": list(t, p.do(200, "POST", "/Users/.search", `{"filter":"userName eq \"dev-user2\""}`), 1)[0]}
	for what, u := range docs {
		if u["organizationRole"] != get(u, rosterExt, "organizationRole") || u["organizationRole"] == nil {
			t.Fatalf("%s: organizationRole at the top level: %v", what, u)
		}
		if fmt.Sprint(u["teamRoles"]) != fmt.Sprint(get(u, rosterExt, "teamRoles")) || u["teamRoles"] == nil {
			t.Fatalf("%s: teamRoles at the top level: %v", what, u)
		}
	}
	if u := docs["get"]; u["organizationRole"] != "admin" || teamRolesOf(u)["team1"] != "admin" {
		t.Fatalf("roles: %v", u)
	}
	if u := list(t, p.do(200, "GET", "/Users?attributes=teamRoles&filter="+q(`userName eq "dev-user2"`), nil), 1)[0]; u["teamRoles"] == nil || u["userName"] != nil {
		t.Fatalf("attributes=teamRoles: %v", u)
	}
	if u := p.do(200, "GET", "/Users/"+id+"?excludedAttributes=teamRoles", nil); u["teamRoles"] != nil || u["organizationRole"] != "admin" {
		t.Fatalf("excludedAttributes=teamRoles: %v", u)
	}
	// Writes at the top level, and a GET document sent back as a PUT.
	p.do(201, "POST", "/Groups", `{"displayName":"team2"}`)
	u := p.do(200, "PUT", "/Users/"+id, `{"userName":"dev-user2","organizationRole":"member",
		"teamRoles":[{"teamName":"team1","roleName":"admin"},{"teamName":"team2","roleName":"viewer"}]}`)
	if u["organizationRole"] != "member" || teamRolesOf(u)["team2"] != "viewer" || teamRolesOf(u)["team1"] != "admin" {
		t.Fatalf("PUT at the top level: %v", u)
	}
	u["organizationRole"] = "admin"
	delete(u, rosterExt)
	if u = p.do(200, "PUT", "/Users/"+id, u); u["organizationRole"] != "admin" {
		t.Fatalf("GET document PUT back: %v", u)
	}
	scimError(t, p.do(400, "PUT", "/Users/"+id, `{"userName":"dev-user2","organizationRole":"member",
		"`+rosterExt+`":{"organizationRole":"admin"}}`), "400", "invalidValue")
}

// TestWandbDocsListUsersDefaultPage: GET /Users without count, as the
// docs' scripts send it, returns up to 9999 users (the docs' itemsPerPage
// and "Maximum results"), ServiceProviderConfig advertises the same
// maximum, and totalResults counts every user.
func TestWandbDocsListUsersDefaultPage(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,050 users")
	}
	p, _ := newIdP(t)
	const n = 10050
	seedUsers(t, p.e, n)
	if got := len(list(t, p.do(200, "GET", "/Users", nil), n+1)); got != 9999 {
		t.Fatalf("GET /Users returned %d users, want 9999", got)
	}
	if got := len(list(t, p.do(200, "GET", "/Users?count=20000", nil), n+1)); got != 9999 {
		t.Fatalf("count=20000 returned %d users, want the maximum 9999", got)
	}
	if got := len(list(t, p.do(200, "GET", "/Users?startIndex=10000", nil), n+1)); got != n+1-9999 {
		t.Fatalf("second page: %d", got)
	}
	if got := get(p.do(200, "GET", "/ServiceProviderConfig", nil), "filter", "maxResults"); got != 9999.0 {
		t.Fatalf("maxResults %v", got)
	}
	if got := len(list(t, p.do(200, "GET", "/Groups", nil), 0)); got != 0 {
		t.Fatalf("groups: %d", got)
	}
}
