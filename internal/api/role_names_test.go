package api_test

import (
	"net/url"
	"testing"

	"roster/internal/apitest"
)

// TestCustomRoleDisplayNames: W&B's role name "Sample custom role" (spaces,
// mixed case) is accepted by the REST API, found by any case and spacing,
// unique case-insensitively, assigned to team members by that name, and
// never mistaken for a built-in role; a team admin may not create one.
func TestCustomRoleDisplayNames(t *testing.T) {
	e := apitest.New(t)
	adm := e.MustSignup("root").Key
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, adm)
	dev := e.MustUser(adm, "dev", "member")
	lead := e.MustUser(adm, "lead", "member")
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "lead", "role": "admin"}, adm)

	r := e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "Sample  custom role", "description": "A sample custom role for example",
		"base": "member", "permissions": []string{"project:update", "artifact:delete"}}, adm).Map(t)
	if r["name"] != "Sample custom role" {
		t.Fatalf("created: %v", r)
	}
	e.Must(200, "GET", "/api/v1/roles/"+url.PathEscape("sample CUSTOM role"), nil, adm)
	for _, dup := range []string{"sample custom role", "SAMPLE CUSTOM ROLE"} {
		e.Must(409, "POST", "/api/v1/roles", map[string]any{"name": dup, "base": "viewer"}, adm)
	}
	for _, reserved := range []string{"Admin", "Read Only", "read_only", "Viewer"} {
		if p := e.Must(409, "POST", "/api/v1/roles", map[string]any{"name": reserved, "base": "viewer"}, adm).Map(t); p["code"] != "reserved_role_name" {
			t.Fatalf("%q: %v", reserved, p)
		}
	}
	e.Must(400, "POST", "/api/v1/roles", map[string]any{"name": "two\nlines", "base": "viewer"}, adm)
	e.Must(403, "POST", "/api/v1/roles", map[string]any{"name": "Lead's role", "base": "viewer"}, lead.Key)

	// Assigned by its display name, by the team's admin, on adding and on
	// changing a member's role.
	m := e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "dev", "role": "Sample custom role"}, lead.Key).Map(t)
	if got := m["role"]; got != "Sample custom role" {
		t.Fatalf("added as: %v", m)
	}
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/"+dev.ID, map[string]string{"role": "member"}, lead.Key)
	m = e.Must(200, "PATCH", "/api/v1/teams/ml/members/"+dev.ID, map[string]string{"role": "  sample custom ROLE "}, lead.Key).Map(t)
	if m["role"] != "Sample custom role" {
		t.Fatalf("role change: %v", m)
	}
	// "Admin" is the built-in admin role.
	m = e.Must(200, "PATCH", "/api/v1/teams/ml/members/"+dev.ID, map[string]string{"role": "Admin"}, lead.Key).Map(t)
	if m["role"] != "admin" {
		t.Fatalf("Admin: %v", m)
	}
	// Renamed by PUT, and found under its new name only.
	e.Must(200, "PUT", "/api/v1/roles/"+url.PathEscape("Sample custom role"), map[string]any{"name": "Updated custom role", "base": "viewer"}, adm)
	e.Must(404, "GET", "/api/v1/roles/"+url.PathEscape("Sample custom role"), nil, adm)
	e.Must(200, "GET", "/api/v1/roles/"+url.PathEscape("updated custom role"), nil, adm)
}
