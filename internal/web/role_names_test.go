package web_test

import (
	"net/url"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// TestCustomRoleDisplayNamesInWeb: the custom roles page creates W&B's
// "Sample custom role", lists it, refuses a duplicate in another case and
// a built-in look-alike beside the name field, lets a team admin give it
// to a member by name, and deletes it through the list's own form.
func TestCustomRoleDisplayNamesInWeb(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, root.Key)
	dev := e.MustUser(root.Key, "dev", "member")
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "dev"}, root.Key)
	c := e.MustWebSignIn("root", apitest.Password)
	c.Get("/org/roles")

	r := c.Post("/org/roles", url.Values{"name": {"Sample custom role"}, "description": {"A sample custom role for example"},
		"base": {"member"}, "perms": {"project:update", "artifact:delete"}})
	if r.StatusCode != 200 || !strings.Contains(string(r.Body), "Custom role Sample custom role created") {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	for _, name := range []string{"SAMPLE custom role", "Admin"} {
		r = c.Post("/org/roles", url.Values{"name": {name}, "base": {"member"}})
		if r.StatusCode != 409 {
			t.Fatalf("%q: %d %s", name, r.StatusCode, r.Body)
		}
	}
	page := string(c.Get("/org/roles").Body)
	if !strings.Contains(page, `action="/org/roles/Sample%20custom%20role/delete"`) {
		t.Fatalf("the list's delete form does not name the role: %s", page)
	}

	c.Get("/teams/ml/settings/members")
	r = c.Post("/teams/ml/settings/members/"+dev.ID+"/role", url.Values{"role": {"sample custom role"}})
	if r.StatusCode != 200 || !strings.Contains(string(r.Body), "dev is now Sample custom role") {
		t.Fatalf("role change: %d %s", r.StatusCode, r.Body)
	}
	m := e.Must(200, "GET", "/api/v1/teams/ml/members", nil, root.Key).Map(t)
	found := false
	for _, x := range m["members"].([]any) {
		mm := x.(map[string]any)
		found = found || mm["username"] == "dev" && mm["role"] == "Sample custom role"
	}
	if !found {
		t.Fatalf("members: %v", m)
	}

	c.Get("/org/roles")
	r = c.Post("/org/roles/Sample%20custom%20role/delete", nil)
	if r.StatusCode != 200 || !strings.Contains(string(r.Body), "deleted") {
		t.Fatalf("delete: %d %s", r.StatusCode, r.Body)
	}
	e.Must(404, "GET", "/api/v1/roles/"+url.PathEscape("Sample custom role"), nil, root.Key)
}
