package api_test

import (
	"testing"

	"roster/internal/api"
	"roster/internal/apitest"
)

// REST paths that name their organization (/api/v1/orgs/{org}/...) serve
// the caller's organization by name or id, and answer any other one,
// existing or not, with the same 404 (#18).
func TestPathsNamingTheOrganization(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	b := e.MustOrg("corp-b", "bella")
	e.MustUserIn(b, "bob", "member")
	var list api.UserList
	for _, ref := range []string{"corp-b", "CORP-B", b.ID} {
		e.Must(200, "GET", "/api/v1/orgs/"+ref+"/users", nil, b.Admin.Key).JSON(t, &list)
		if len(list.Users) != 2 {
			t.Errorf("%s: %d users, want bella and bob", ref, len(list.Users))
		}
	}
	e.Must(200, "GET", "/api/v1/orgs/roster/users", nil, root.Key).JSON(t, &list)
	if len(list.Users) != 1 || list.Users[0].Username != "root" {
		t.Errorf("the first organization by name: %+v", list.Users)
	}
	other := e.Must(404, "GET", "/api/v1/orgs/roster/users", nil, b.Admin.Key).Map(t)
	missing := e.Must(404, "GET", "/api/v1/orgs/nowhere/users", nil, b.Admin.Key).Map(t)
	if other["code"] != missing["code"] || other["code"] != "not_found" {
		t.Errorf("another organization %v, a missing one %v: want the same not_found", other, missing)
	}
	e.Must(404, "GET", "/api/v1/orgs/corp-b/users", nil, root.Key)
	e.Must(401, "GET", "/api/v1/orgs/corp-b/users", nil, apitest.Anonymous)
	e.Must(201, "POST", "/api/v1/orgs/corp-b/users", map[string]string{"email": "cy@example.com"}, b.Admin.Key)
	e.Must(404, "POST", "/api/v1/orgs/roster/users", map[string]string{"email": "cy@example.com"}, b.Admin.Key)
}
