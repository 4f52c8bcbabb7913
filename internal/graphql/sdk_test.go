package graphql_test

import (
	"strings"
	"testing"

	"roster/internal/apitest"
)

var eras = []era{e1, e2, e3}

// wrongKey has the SDK's key shape (prefix, 40+ of [\w-]) but is no key.
const wrongKey = "roster-" + "A0123456789012345678901234567890123456789"

func TestLoginViewerDocuments(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	for _, c := range []struct {
		name, doc, op string
		era           era
	}{
		{"printed viewer id E1", printedViewerID, "", e1},
		{"printed viewer id E2", printedViewerID, "", e2},
		{"raw viewer id through core", printedViewerID, "", e3},
		{"core Viewer", coreViewer, "Viewer", e3},
		{"GetViewer", e3GetViewer, "", e3},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]any{"query": c.doc}
			if c.op != "" {
				body["operationName"] = c.op // no variables, as genqlient sends Go ops
			} else {
				body["variables"] = map[string]any{}
			}
			v := obj(t, client(t, e, admin.Key, c.era).post(body).ok(t), "viewer")
			shape(t, v, "id:s")
			if c.op == "Viewer" {
				shape(t, v, "entity:s? username:s? email:s? flags:s? teams:o?")
				if v["username"] != "alice" || v["entity"] != "alice" || v["email"] != admin.Email {
					t.Fatalf("viewer = %v", v)
				}
			}
			// A wrong key is the SDK's invalid-credentials path: 401, never
			// retried, with an error message and no viewer.
			bad := client(t, e, wrongKey, c.era).post(body)
			if bad.status != 401 || len(bad.errors) == 0 || bad.data["viewer"] != nil {
				t.Fatalf("wrong key: status %d, want 401 with errors: %s", bad.status, bad.raw)
			}
		})
	}
	// Anonymous: a null viewer, which the SDK reports as invalid credentials.
	if v := client(t, e, "", e3).call(printedViewerID, nil).ok(t); v["viewer"] != nil {
		t.Fatalf("anonymous viewer = %v, want null", v["viewer"])
	}
}

func TestViewerAndDefaultEntity(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, admin.Key)
	for _, er := range eras {
		c := client(t, e, admin.Key, er)
		doc := e3GetViewer
		if er == e1 {
			doc = e1Viewer
		} else if er == e2 {
			doc = strings.TrimPrefix(e3GetViewer, "\n")
		}
		v := obj(t, c.call(doc, nil).ok(t), "viewer")
		spec := userSpec
		if er == e1 {
			spec = "id:s flags:s? entity:s? username:s? email:s? admin:b? apiKeys:o? teams:o?"
		}
		shape(t, v, spec)
		var teams []string
		for _, n := range edges(t, obj(t, v, "teams")) {
			teams = append(teams, n["name"].(string))
		}
		if strings.Join(teams, ",") != "alice,vision" {
			t.Fatalf("%s teams = %v, want the personal entity then vision", er, teams)
		}
		keys := edges(t, obj(t, v, "apiKeys"))
		if len(keys) != 1 || keys[0]["name"] != "test" {
			t.Fatalf("%s apiKeys = %v, want the one key, by name", er, keys)
		}
		shape(t, keys[0], apiKeySpec)
		if strings.Contains(string(c.call(doc, nil).raw), string(admin.Key)) {
			t.Fatal("the answer shows a key's secret")
		}
		de := e3GetDefaultEntity
		if er == e1 {
			de = e1DefaultEntity
		}
		d := obj(t, c.call(de, nil).ok(t), "viewer")
		shape(t, d, "id:s entity:s?")
		if d["entity"] != "alice" {
			t.Fatalf("default entity = %v", d["entity"])
		}
	}
}

func TestCreateUser(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	for i, c := range []struct {
		era       era
		doc, root string
	}{{e3, e3CreateUser, "result"}, {e2, e2CreateUser, "result"}, {e1, e1CreateUser, "createUser"}} {
		email := []string{"bob", "carol", "dave"}[i] + "@example.com"
		data := client(t, e, admin.Key, c.era).call(c.doc, map[string]any{"email": email, "admin": i == 1}).ok(t)
		u := obj(t, data, c.root, "user")
		shape(t, u, userInfoSpec)
		if u["email"] != email || u["admin"] != (i == 1) {
			t.Fatalf("%s created %v", c.era, u)
		}
		// The same person through REST: the invited user exists once.
		r := e.Must(200, "GET", "/api/v1/users/"+email, nil, admin.Key).Map(t)
		if r["status"] != "invited" {
			t.Fatalf("REST sees %v", r)
		}
	}
	// A taken email is REST's conflict.
	st, msg := restRefusal(t, e, "POST", "/api/v1/users", map[string]string{"email": "bob@example.com"}, admin.Key)
	client(t, e, admin.Key, e3).call(e3CreateUser, map[string]any{"email": "bob@example.com", "admin": false}).refused(t, st, msg)
}

func TestMemberCreateUserRefused(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	member := e.MustUser(admin.Key, "mallory", "member")
	st, msg := restRefusal(t, e, "POST", "/api/v1/users", map[string]string{"email": "x@example.com"}, member.Key)
	before := e.AuditCount("")
	for _, er := range eras {
		doc := map[era]string{e1: e1CreateUser, e2: e2CreateUser, e3: e3CreateUser}[er]
		client(t, e, member.Key, er).call(doc, map[string]any{"email": "x@example.com", "admin": true}).refused(t, st, msg)
	}
	if st != 403 || e.AuditCount("") != before {
		t.Fatalf("REST status %d; audit %d -> %d", st, before, e.AuditCount(""))
	}
	// users(query) is admin-only too, with REST's refusal.
	st, msg = restRefusal(t, e, "GET", "/api/v1/users?query=a", nil, member.Key)
	client(t, e, member.Key, e3).call(e3SearchUsers, map[string]any{"query": "a"}).refused(t, st, msg)
}

func TestSearchUsers(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	e.MustInvite(admin.Key, "carol@example.com", "member")
	for _, er := range eras {
		doc, spec := e3SearchUsers, userSpec
		if er == e2 {
			doc = strings.TrimPrefix(doc, "\n")
		}
		if er == e1 {
			doc, spec = e1SearchUsers, "id:s flags:s? entity:s? admin:b? email:s? deletedAt:s? username:s? apiKeys:o? teams:o?"
		}
		c := client(t, e, admin.Key, er)
		nodes := edges(t, obj(t, c.call(doc, map[string]any{"query": bob.Email}).ok(t), "users"))
		if len(nodes) != 1 || nodes[0]["username"] != "bob" {
			t.Fatalf("%s users(bob) = %v", er, nodes)
		}
		shape(t, nodes[0], spec)
		keys := edges(t, obj(t, nodes[0], "apiKeys"))
		if len(keys) != 1 {
			t.Fatalf("%s bob's keys = %v", er, keys)
		}
		shape(t, keys[0], apiKeySpec)
		inv := edges(t, obj(t, c.call(doc, map[string]any{"query": "carol"}).ok(t), "users"))
		if len(inv) != 1 {
			t.Fatalf("invited carol: %v", inv)
		}
		shape(t, inv[0], spec) // no username yet, name still a string
		if none := edges(t, obj(t, c.call(doc, map[string]any{"query": "nobody-here"}).ok(t), "users")); len(none) != 0 {
			t.Fatalf("no match gave %v", none)
		}
	}
}
