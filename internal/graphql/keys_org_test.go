package graphql_test

import (
	"strings"
	"testing"

	"roster/internal/apitest"
)

func TestGenerateAndDeleteAPIKey(t *testing.T) {
	for _, er := range eras {
		t.Run(string(er), func(t *testing.T) {
			e := apitest.New(t)
			admin := e.MustSignup("alice")
			c := client(t, e, admin.Key, er)
			gen, root, spec := e3GenerateAPIKey, "result", apiKeySpec
			del := e3DeleteAPIKey
			switch er {
			case e2:
				gen, del = strings.TrimPrefix(gen, "\n"), strings.TrimPrefix(del, "\n")
			case e1:
				gen, root, spec, del = e1GenerateAPIKey, "generateApiKey", "id:s name:s", e1DeleteAPIKey
			}
			k := obj(t, c.call(gen, map[string]any{"description": "ci"}).ok(t), root, "apiKey")
			shape(t, k, spec)
			secret := k["name"].(string) // the SDK returns apiKey.name as the new key
			if !strings.HasPrefix(secret, "roster-") || len(secret) < 47 {
				t.Fatalf("generated %q, want a full key", secret)
			}
			if obj(t, client(t, e, apitest.Key(secret), er).call(printedViewerID, nil).ok(t), "viewer")["id"] == nil {
				t.Fatal("the generated key does not sign in")
			}
			// Without a description the key still gets a name.
			obj(t, c.call(gen, map[string]any{"description": nil}).ok(t), root, "apiKey")

			// delete_api_key sends the listed id of the named key.
			var id string
			for _, n := range edges(t, obj(t, c.call(e1Viewer, nil).ok(t), "viewer", "apiKeys")) {
				if n["name"] == "ci" {
					id = n["id"].(string)
				}
			}
			droot := map[era]string{e1: "deleteApiKey", e2: "result", e3: "result"}[er]
			if res := obj(t, c.call(del, map[string]any{"id": id}).ok(t), droot); res["success"] != true {
				t.Fatalf("delete = %v", res)
			}
			if bad := client(t, e, apitest.Key(secret), er).call(printedViewerID, nil); bad.status != 401 {
				t.Fatalf("deleted key: status %d: %s", bad.status, bad.raw)
			}
			// Deleting it again is REST's not-found (an admin's is the key inventory's).
			st, msg := restRefusal(t, e, "DELETE", "/api/v1/api-keys/"+strings.TrimPrefix(decode(t, id), "ApiKey:"), nil, admin.Key)
			c.call(del, map[string]any{"id": id}).refused(t, st, msg)
		})
	}
}

func TestMemberDeletesOnlyOwnKeys(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	adminKeys := edges(t, obj(t, client(t, e, admin.Key, e3).call(e3GetViewer, nil).ok(t), "viewer", "apiKeys"))
	id := adminKeys[0]["id"].(string)
	raw := strings.TrimPrefix(decode(t, id), "ApiKey:")
	st, msg := restRefusal(t, e, "DELETE", "/api/v1/users/me/api-keys/"+raw, nil, bob.Key)
	client(t, e, bob.Key, e3).call(e3DeleteAPIKey, map[string]any{"id": id}).refused(t, st, msg)
	client(t, e, admin.Key, e3).call(printedViewerID, nil).ok(t) // alice's key still works
	// An organization admin removes bob's key, as the key inventory does.
	bobKeys := edges(t, obj(t, client(t, e, admin.Key, e3).call(e3SearchUsers, map[string]any{"query": "bob"}).ok(t), "users"))
	bid := edges(t, obj(t, bobKeys[0], "apiKeys"))[0]["id"].(string)
	client(t, e, admin.Key, e3).call(e3DeleteAPIKey, map[string]any{"id": bid}).ok(t)
	if r := client(t, e, bob.Key, e3).call(printedViewerID, nil); r.status != 401 {
		t.Fatalf("bob's revoked key: %d", r.status)
	}
}

func TestOrganization(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	member := e.MustUser(admin.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, admin.Key)
	c := client(t, e, member.Key, e3)
	// A personal entity: user.organizations holds exactly one.
	ent := obj(t, c.call(e3FetchOrgInfoFromEntity, map[string]any{"entity": "bob"}).ok(t), "entity")
	orgs := obj(t, ent, "user")["organizations"].([]any)
	if len(orgs) != 1 || ent["organization"] != nil {
		t.Fatalf("personal entity = %v", ent)
	}
	org := orgs[0].(map[string]any)
	name := org["name"].(string)
	shape(t, obj(t, org, "orgEntity"), "name:s")
	// A team entity: organization.
	cs := client(t, e, admin.Key, e3)
	tent := obj(t, cs.call(e3FetchOrgInfoFromEntity, map[string]any{"entity": "vision"}).ok(t), "entity")
	if obj(t, tent, "organization")["name"] != name || tent["user"] != nil {
		t.Fatalf("team entity = %v", tent)
	}
	o := obj(t, c.call(e3FetchOrganization, map[string]any{"org": name}).ok(t), "organization")
	shape(t, o, "id:s name:s orgEntity:o")
	oe := obj(t, o, "orgEntity")
	shape(t, oe, "__typename:s id:s name:s entityType:s")
	if oe["__typename"] != "Entity" || oe["entityType"] != "organization" {
		t.Fatalf("orgEntity = %v", oe)
	}
	if d := c.call(e3FetchOrganization, map[string]any{"org": "someone-else"}).ok(t); d["organization"] != nil {
		t.Fatalf("another organization = %v, want null (the SDK's not found)", d)
	}
	if d := client(t, e, "", e3).call(e3FetchOrganization, map[string]any{"org": name}); d.status != 401 {
		t.Fatalf("anonymous: %d %s", d.status, d.raw)
	}
}
