package graphql_test

import (
	"strings"
	"testing"

	"roster/internal/apitest"
)

const introspection = `{ __schema { queryType { name } } }`

func TestLimitsAndIntrospection(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	member := e.MustUser(admin.Key, "bob", "member")
	c := client(t, e, admin.Key, e3)

	deep := "{ viewer { teams { edges { node { user { teams { edges { node { user { teams { edges { node { name } } } } } } } } } } } } }"
	if r := c.call(deep, nil); r.status != 400 || len(r.errors) == 0 {
		t.Fatalf("too deep: %d %s", r.status, r.raw)
	}
	long := "{ viewer { id " + strings.Repeat("name ", 8000) + "} }"
	if r := c.call(long, nil); r.status != 400 || len(r.errors) == 0 {
		t.Fatalf("too long: %d %s", r.status, r.raw)
	}
	if r := c.call("{ viewer { id ", nil); r.status != 400 || len(r.errors) == 0 {
		t.Fatalf("syntax error: %d %s", r.status, r.raw)
	}
	if r := c.call("{ nope }", nil); r.status != 400 || len(r.errors) == 0 {
		t.Fatalf("unknown field: %d %s", r.status, r.raw)
	}
	big := e.Do("POST", "/graphql", `{"query":"`+strings.Repeat("x", 2<<20)+`"}`, admin.Key)
	if big.StatusCode != 413 {
		t.Fatalf("huge body: %d", big.StatusCode)
	}
	// Introspection: organization admins only.
	if d := c.call(introspection, nil).ok(t); obj(t, d, "__schema", "queryType")["name"] != "Query" {
		t.Fatalf("admin introspection = %v", d)
	}
	m := client(t, e, member.Key, e3).call(introspection, nil)
	if m.status == 200 && m.data["__schema"] != nil {
		t.Fatalf("a member introspected the schema: %s", m.raw)
	}
	// __typename, aliases and fragments work everywhere.
	d := client(t, e, member.Key, e3).call("query Q { me: viewer { __typename ...F } } fragment F on User { who: username }", nil).ok(t)
	if me := obj(t, d, "me"); me["__typename"] != "User" || me["who"] != "bob" {
		t.Fatalf("alias/fragment = %v", me)
	}
}

func TestAuditNamesGraphQL(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	client(t, e, admin.Key, e3).call(e3CreateUser, map[string]any{"email": "bob@example.com", "admin": false}).ok(t)
	r := e.Must(200, "GET", "/admin/audit_logs?limit=5", nil, admin.Key)
	if !strings.Contains(string(r.Body), `"graphql"`) {
		t.Fatalf("audit entries name no graphql interface: %s", r.Body)
	}
}
