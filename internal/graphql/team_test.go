package graphql_test

import (
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
)

// teamEntity runs the era's team load (GetTeamEntity, E1 Entity) and checks
// the shape the SDK's Team model needs.
func teamEntity(t *testing.T, c sdk, name string) map[string]any {
	t.Helper()
	doc, spec := e3GetTeamEntity, entitySpec+" entityType:s?"
	switch c.era {
	case e2:
		doc = strings.TrimPrefix(doc, "\n")
	case e1:
		doc, spec = e1Entity, entitySpec
	}
	ent := obj(t, c.call(doc, map[string]any{"name": name}).ok(t), "entity")
	shape(t, ent, spec)
	for _, m := range ent["members"].([]any) {
		shape(t, m.(map[string]any), memberSpec)
	}
	return ent
}

func members(ent map[string]any) []map[string]any {
	var out []map[string]any
	for _, m := range ent["members"].([]any) {
		out = append(out, m.(map[string]any))
	}
	return out
}

func TestTeamLifecycle(t *testing.T) {
	for _, er := range eras {
		t.Run(string(er), func(t *testing.T) {
			e := apitest.New(t)
			admin := e.MustSignup("alice")
			bob := e.MustUser(admin.Key, "bob", "member")
			c := client(t, e, admin.Key, er)
			create := map[era]string{e1: e1CreateTeam, e2: e2CreateTeam, e3: e3CreateTeam}[er]
			root := map[era]string{e1: "createTeam", e2: "result", e3: "result"}[er]
			ent := obj(t, c.call(create, map[string]any{"teamName": "vision", "teamAdminUserName": nil}).ok(t), root, "entity")
			shape(t, ent, "id:s name:s available:b? photoUrl:s? limits:s?")
			loaded := teamEntity(t, c, "vision")
			if loaded["isTeam"] != true || loaded["id"] != ent["id"] || len(members(loaded)) != 1 || members(loaded)[0]["accountType"] != "USER" {
				t.Fatalf("team = %v", loaded)
			}

			// Team.invite: a username, and an unknown email (invited to the org).
			inviteDoc, teamVar := e3CreateInvite, "entity"
			if er == e1 {
				inviteDoc, teamVar = e1CreateInvite, "entityName"
			}
			iroot := map[era]string{e1: "createInvite", e2: "result", e3: "result"}[er]
			inv := obj(t, c.call(inviteDoc, map[string]any{teamVar: "vision", "admin": false, "username": "bob"}).ok(t), iroot, "invite")
			shape(t, inv, "id:s name:s? email:s? createdAt:s? toUser:o?")
			obj(t, c.call(inviteDoc, map[string]any{teamVar: "vision", "admin": false, "email": "newbie@example.com"}).ok(t), iroot, "invite")
			again := c.call(inviteDoc, map[string]any{teamVar: "vision", "admin": false, "username": "bob"})
			st, msg := restRefusal(t, e, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob"}, admin.Key)
			again.refused(t, st, msg) // "already invited" -> the SDK's False

			// create_service_account: the SDK takes members[-1].
			saDoc := e3CreateServiceAccount
			if er == e1 {
				saDoc = e1CreateSA
			}
			sroot := map[era]string{e1: "createServiceAccount", e2: "result", e3: "result"}[er]
			for _, d := range []string{"zz-ci", "aa-ci"} {
				e.Clock.Advance(time.Second) // created one after the other
				sa := obj(t, c.call(saDoc, map[string]any{teamVar: "vision", "description": d}).ok(t), sroot, "user")
				ms := members(teamEntity(t, c, "vision"))
				last := ms[len(ms)-1]
				if last["id"] != sa["id"] || last["name"] != d || last["accountType"] != "SERVICE" || last["apiKey"] != nil {
					t.Fatalf("members[-1] = %v, want the new service account %v", last, sa)
				}
			}

			// Member.delete: bob leaves; then the last admin may not.
			delDoc := e3DeleteInvite
			if er == e1 {
				delDoc = e1DeleteInvite
			}
			droot := map[era]string{e1: "deleteInvite", e2: "result", e3: "result"}[er]
			var bobID, aliceID, saID string
			for _, m := range members(teamEntity(t, c, "vision")) {
				switch m["username"] {
				case "bob":
					bobID = m["id"].(string)
				case "alice":
					aliceID = m["id"].(string)
				case "aa-ci":
					saID = m["id"].(string)
				}
			}
			res := obj(t, c.call(delDoc, map[string]any{"id": bobID, teamVar: "vision"}).ok(t), droot)
			if res["success"] != true {
				t.Fatalf("delete = %v", res)
			}
			e.Must(404, "GET", "/api/v1/teams/vision/members/"+bob.ID, nil, admin.Key)
			res = obj(t, c.call(delDoc, map[string]any{"id": saID, teamVar: "vision"}).ok(t), droot)
			if res["success"] != true || len(members(teamEntity(t, c, "vision"))) != 3 {
				t.Fatalf("service account delete = %v", res)
			}
			st, msg = restRefusal(t, e, "DELETE", "/api/v1/teams/vision/members/alice", nil, admin.Key)
			c.call(delDoc, map[string]any{"id": aliceID, teamVar: "vision"}).refused(t, st, msg)
			if st != 409 {
				t.Fatalf("last admin removal: REST %d %q", st, msg)
			}

			// Api.team("missing") gets a null entity.
			if d := c.call(e1Entity, map[string]any{"name": "missing"}).ok(t); d["entity"] != nil {
				t.Fatalf("missing team = %v", d)
			}
		})
	}
}

func TestTeamAdminInvitesOnlyInOwnTeam(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	lead := e.MustUser(admin.Key, "lead", "member")
	e.MustUser(admin.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "audio"}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "lead", "role": "admin"}, admin.Key)
	for _, er := range []era{e1, e3} {
		c := client(t, e, lead.Key, er)
		doc, teamVar := e3CreateInvite, "entity"
		if er == e1 {
			doc, teamVar = e1CreateInvite, "entityName"
		}
		st, msg := restRefusal(t, e, "POST", "/api/v1/teams/audio/members", map[string]string{"username": "bob"}, lead.Key)
		c.call(doc, map[string]any{teamVar: "audio", "admin": false, "username": "bob"}).refused(t, st, msg)
		if st != 403 && st != 404 {
			t.Fatalf("REST refused with %d", st)
		}
	}
	c := client(t, e, lead.Key, e3)
	c.call(e3CreateInvite, map[string]any{"entity": "vision", "admin": true, "username": "bob"}).ok(t)
	r := e.Must(200, "GET", "/api/v1/teams/vision/members", nil, admin.Key)
	if !strings.Contains(string(r.Body), `"bob"`) {
		t.Fatalf("bob not in vision: %s", r.Body)
	}
	e.Must(200, "GET", "/api/v1/teams/audio/members", nil, admin.Key)
	if strings.Contains(string(e.Must(200, "GET", "/api/v1/teams/audio/members", nil, admin.Key).Body), `"bob"`) {
		t.Fatal("bob joined audio")
	}
}
