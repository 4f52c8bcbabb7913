package graphql_test

import (
	"strings"
	"testing"

	"roster/internal/apitest"
)

func TestCreateTeamNamesAnotherAdmin(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "bob", "member")
	c := client(t, e, admin.Key, e3)
	c.call(e3CreateTeam, map[string]any{"teamName": "vision", "teamAdminUserName": "bob"}).ok(t)
	var bobAdmin bool
	for _, m := range members(teamEntity(t, c, "vision")) {
		if m["username"] == "bob" {
			bobAdmin = m["admin"] == true
		}
	}
	if !bobAdmin {
		t.Fatal("teamAdminUserName bob is not an admin of the new team")
	}
	// A taken name is REST's conflict; the SDK's load then finds the team.
	st, msg := restRefusal(t, e, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, admin.Key)
	c.call(e3CreateTeam, map[string]any{"teamName": "vision", "teamAdminUserName": nil}).refused(t, st, msg)
}

func TestMemberCreateTeamRefused(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	member := e.MustUser(admin.Key, "bob", "member")
	st, msg := restRefusal(t, e, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, member.Key)
	client(t, e, member.Key, e1).call(e1CreateTeam, map[string]any{"teamName": "vision", "teamAdminUserName": nil}).refused(t, st, msg)
	// Team.create then loads the team, which does not exist: null entity.
	if d := client(t, e, member.Key, e1).call(e1Entity, map[string]any{"name": "vision"}).ok(t); d["entity"] != nil {
		t.Fatalf("entity = %v", d)
	}
}

func TestServiceAccountKeyLogsIn(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, admin.Key)
	sa := e.Must(201, "POST", "/api/v1/teams/vision/service-accounts", map[string]string{"name": "ci"}, admin.Key).Map(t)
	key := apitest.Key(sa["key"].(string))
	v := obj(t, client(t, e, key, e3).post(map[string]any{"query": coreViewer, "operationName": "Viewer"}).ok(t), "viewer")
	if v["entity"] != "vision" || len(edges(t, obj(t, v, "teams"))) != 1 {
		t.Fatalf("service account viewer = %v", v)
	}
	shape(t, obj(t, client(t, e, key, e3).call(e3GetViewer, nil).ok(t), "viewer"), userSpec)
}

func TestUserByName(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	member := e.MustUser(admin.Key, "bob", "member")
	const doc = "query U($n: String) { user(userName: $n) { id name username email admin } }"
	u := obj(t, client(t, e, admin.Key, e3).call(doc, map[string]any{"n": "bob"}).ok(t), "user")
	shape(t, u, userInfoSpec)
	if u["username"] != "bob" {
		t.Fatalf("user(bob) = %v", u)
	}
	if d := client(t, e, admin.Key, e3).call(doc, map[string]any{"n": "nobody"}).ok(t); d["user"] != nil {
		t.Fatalf("missing user = %v", d)
	}
	st, msg := restRefusal(t, e, "GET", "/api/v1/users/alice", nil, member.Key)
	client(t, e, member.Key, e3).call(doc, map[string]any{"n": "alice"}).refused(t, st, msg)
}

func TestInviteAndServiceAccountE2Documents(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, admin.Key)
	c := client(t, e, admin.Key, e2)
	obj(t, c.call(e2CreateInvite, map[string]any{"entity": "vision", "admin": true, "username": "bob"}).ok(t), "result", "invite")
	obj(t, c.call(e2CreateSA, map[string]any{"entity": "vision", "description": "ci"}).ok(t), "result", "user")
	ms := members(teamEntity(t, c, "vision"))
	if len(ms) != 3 || ms[2]["accountType"] != "SERVICE" {
		t.Fatalf("members = %v", ms)
	}
	// An unknown team is REST's not-found.
	st, msg := restRefusal(t, e, "POST", "/api/v1/teams/nope/members", map[string]string{"username": "bob"}, admin.Key)
	c.call(e2CreateInvite, map[string]any{"entity": "nope", "admin": false, "username": "bob"}).refused(t, st, msg)
}

func TestDeleteTeamAndRemoveFromOrganization(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob"}, admin.Key)
	c := client(t, e, admin.Key, e1)
	// Member.delete(remove_from_org=True): leave the team, find the
	// organization, remove the user from it.
	var bobID string
	for _, m := range members(teamEntity(t, c, "vision")) {
		if m["username"] == "bob" {
			bobID = m["id"].(string)
		}
	}
	c.call(e1DeleteInvite, map[string]any{"id": bobID, "entityName": "vision"}).ok(t)
	org := obj(t, c.call(e1TeamOrganization, map[string]any{"entityName": "vision"}).ok(t), "entity", "organization")
	shape(t, org, "id:s name:s")
	// A member may not remove anyone: REST's refusal.
	st, msg := restRefusal(t, e, "DELETE", "/api/v1/users/alice", nil, bob.Key)
	client(t, e, bob.Key, e1).call(e1RemoveUserFromOrg, map[string]any{"userName": "alice", "organizationId": org["id"]}).refused(t, st, msg)
	res := obj(t, c.call(e1RemoveUserFromOrg, map[string]any{"userName": "bob", "organizationId": org["id"]}).ok(t), "removeUserFromOrganization")
	if res["success"] != true {
		t.Fatalf("remove = %v", res)
	}
	e.Must(404, "GET", "/api/v1/users/"+bob.ID, nil, admin.Key)
	// The organization's last admin stays.
	st, msg = restRefusal(t, e, "DELETE", "/api/v1/users/alice", nil, admin.Key)
	c.call(e1RemoveUserFromOrg, map[string]any{"userName": "alice", "organizationId": org["id"]}).refused(t, st, msg)
	if st != 409 || !strings.Contains(msg, "admin") {
		t.Fatalf("REST last admin: %d %q", st, msg)
	}
	// Team.delete archives the team, as REST's DELETE does.
	if r := obj(t, c.call(e1DeleteTeam, map[string]any{"teamName": "vision"}).ok(t), "deleteTeam"); r["success"] != true {
		t.Fatalf("deleteTeam = %v", r)
	}
	if r := e.Do("GET", "/api/v1/teams?archived=true", nil, admin.Key); !strings.Contains(string(r.Body), `"vision"`) {
		t.Fatalf("vision is not archived: %s", r.Body)
	}
}
