package api_test

// Escalation attempts (issue 10): nobody gives a role, a member or a
// service account more than they hold themselves (H1, M3), and the
// organization admin's team-access switch holds on every edge (M2).

import (
	"fmt"
	"testing"

	"roster/internal/apitest"
	"roster/internal/app"
)

// teamRoleHolder makes a fresh user holding a new custom role with base and
// extra permissions in team ml, and returns the user.
func teamRoleHolder(t *testing.T, f *teamFixture, base string, perms ...string) apitest.User {
	t.Helper()
	e := f.e
	n := f.next()
	role := fmt.Sprintf("esc-role-%d", n)
	e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": role, "base": base, "permissions": perms}, f.admin.Key)
	u := e.MustUser(f.admin.Key, fmt.Sprintf("esc-%d", n), "member")
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": u.Username, "role": role}, f.admin.Key)
	return u
}

// H1: a custom role holding team:update_member_role promotes nobody to
// admin, itself included, touches no member whose role exceeds its own, and
// gives no role with permissions it lacks; what is within it still works.
func TestEscalationCustomRoleCannotTakeOverTeam(t *testing.T) {
	f := newTeamFixture(t)
	e := f.e
	mgr := teamRoleHolder(t, f, "member", "team:update_member_role")
	for _, c := range []struct {
		user, role string
		status     int
		code       string
	}{
		{mgr.Username, "admin", 403, "role_above_yours"},    // self-promotion
		{"tmember", "admin", 403, "role_above_yours"},       // promoting anyone
		{"tadmin", "member", 403, "role_above_yours"},       // demoting the real admin
		{"tadmin", "viewer", 403, "role_above_yours"},       // idem
		{"tmember", "member-plus", 403, "role_above_yours"}, // run:delete is not the manager's
		{"cmember", "member", 403, "role_above_yours"},      // cmember holds run:delete, above the manager
		{"tviewer", "member", 200, ""},                      // within the manager's own rights
		{"tviewer", "viewer", 200, ""},
	} {
		r := e.Do("PATCH", "/api/v1/teams/ml/members/"+c.user, map[string]string{"role": c.role}, mgr.Key)
		if c.code != "" {
			teamWantCode(t, r, c.status, c.code)
		} else if r.StatusCode != c.status {
			t.Errorf("%s -> %s by the role manager: status %d, want %d: %s", c.user, c.role, r.StatusCode, c.status, r.Body)
		}
	}
	roles := teamMemberRoles(t, e, f.admin.Key, "ml")
	if roles["tadmin"] != "admin" || roles["tmember"] != "member" || roles[mgr.Username] == "admin" || roles["cmember"] != "member-plus" {
		t.Errorf("roles after the attempts: %v", roles)
	}
	// A team admin still gives any role.
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "member-plus"}, f.users["tadmin"].Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "member"}, f.users["tadmin"].Key)
}

// H1: removing a member is giving up their role, so team:remove_member
// alone never removes an admin or a member above the remover.
func TestEscalationRemoverCannotRemoveAdmins(t *testing.T) {
	f := newTeamFixture(t)
	e := f.e
	rm := teamRoleHolder(t, f, "member", "team:remove_member")
	teamWantCode(t, e.Do("DELETE", "/api/v1/teams/ml/members/tadmin", nil, rm.Key), 403, "role_above_yours")
	teamWantCode(t, e.Do("DELETE", "/api/v1/teams/ml/members/cmember", nil, rm.Key), 403, "role_above_yours")
	e.Must(204, "DELETE", "/api/v1/teams/ml/members/tviewer", nil, rm.Key)
	e.Must(204, "DELETE", "/api/v1/teams/ml/members/"+rm.Username, nil, rm.Key) // anyone may leave
	if roles := teamMemberRoles(t, e, f.admin.Key, "ml"); roles["tadmin"] != "admin" || roles["cmember"] == "" {
		t.Errorf("members after the attempts: %v", roles)
	}
}

// M3: a viewer-based role with team:invite adds people as viewer only, and
// with team:manage_service_accounts mints no service account, whose
// service role could create projects and runs.
func TestEscalationReadOnlyRoleGainsNoWrites(t *testing.T) {
	f := newTeamFixture(t)
	e := f.e
	inviter := teamRoleHolder(t, f, "viewer", "team:invite")
	teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember", "role": "member"}, inviter.Key), 403, "role_above_yours")
	teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember"}, inviter.Key), 403, "role_above_yours")
	teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", map[string]string{"email": "newbie@example.com", "role": "member"}, inviter.Key), 403, "role_above_yours")
	if n := e.AuditCount("user:create"); n != 12 { // oadmin's 11 fixture users and esc-n: nobody was invited
		t.Errorf("%d user:create entries, want 12: a refused team invite created a user", n)
	}
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember", "role": "viewer"}, inviter.Key)

	saMaker := teamRoleHolder(t, f, "viewer", "team:manage_service_accounts")
	teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "escape"}, saMaker.Key), 403, "role_above_yours")
	e.Must(200, "GET", "/api/v1/teams/ml/service-accounts", nil, saMaker.Key)
	// A member-based role with the same extra holds every service right.
	memberSA := teamRoleHolder(t, f, "member", "team:manage_service_accounts")
	e.Must(201, "POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "fine-bot"}, memberSA.Key)
}

// M2: with GORILLA_DISABLE_ADMIN_TEAM_ACCESS an organization admin cannot
// add itself to a team through SCIM either (teamRoles, Groups PATCH and
// PUT), and an organization service account it mints reads no team data.
func TestEscalationAdminTeamAccessOffHoldsOnEveryEdge(t *testing.T) {
	e := apitest.NewWith(t, apitest.Options{Config: app.Config{DisableAdminTeamAccess: true}})
	f := buildTeamFixture(t, e)
	adm := f.admin.Key
	scim := func(method, path, body string) *apitest.Response {
		return e.Do(method, "/scim/v2"+path, body, adm)
	}
	r := scim("PATCH", "/Users/"+f.admin.ID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"admin"}]}]}`)
	if r.StatusCode != 403 {
		t.Errorf("SCIM teamRoles self-add: status %d, want 403: %s", r.StatusCode, r.Body)
	}
	var ml struct{ ID string }
	var list struct {
		Resources []struct{ ID, DisplayName string }
	}
	scimJSON(t, scim("GET", `/Groups?filter=displayName%20eq%20%22ml%22`, ""), &list)
	if len(list.Resources) != 1 {
		t.Fatalf("group ml not found: %+v", list)
	}
	ml.ID = list.Resources[0].ID
	r = scim("PATCH", "/Groups/"+ml.ID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"add","path":"members","value":[{"value":"`+f.admin.ID+`"}]}]}`)
	if r.StatusCode != 403 {
		t.Errorf("SCIM Groups PATCH self-add: status %d, want 403: %s", r.StatusCode, r.Body)
	}
	if roles := teamMemberRoles(t, e, adm, "ml"); roles["oadmin"] != "" {
		t.Fatalf("the admin joined ml: %v", roles)
	}
	// Others are still managed through SCIM.
	r = scim("PATCH", "/Groups/"+ml.ID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"add","path":"members","value":[{"value":"`+f.users["omember"].ID+`"}]}]}`)
	if r.StatusCode != 200 && r.StatusCode != 204 {
		t.Errorf("SCIM Groups PATCH adding omember: status %d: %s", r.StatusCode, r.Body)
	}
}

// M2: with GORILLA_DISABLE_ADMIN_TEAM_ACCESS an organization service account
// reaches what its creator reaches: no team data, hidden teams included.
func TestEscalationAdminTeamAccessOffLimitsOrgServiceAccounts(t *testing.T) {
	e := apitest.NewWith(t, apitest.Options{Config: app.Config{DisableAdminTeamAccess: true}})
	f := buildTeamFixture(t, e)
	adm := f.admin.Key
	// Hide ml, then mint an organization service account.
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"hide_from_non_members": true}}, f.users["tadmin"].Key)
	sa := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "reader-bot", "default_team": "ml"}, adm).Map(t)
	key := apitest.Key(sa["key"].(string))
	for _, p := range []string{fxTeamProject, fxPublicProject} {
		if r := e.Do("GET", "/api/v1/teams/ml/projects/"+p, nil, key); r.StatusCode < 400 {
			t.Errorf("the organization service account reads %s: status %d: %s", p, r.StatusCode, r.Body)
		}
	}
	if r := e.Do("GET", "/api/v1/teams/ml/projects", nil, key); r.StatusCode == 200 {
		if names := teamNames(t, r, "projects"); len(names) != 0 {
			t.Errorf("the organization service account lists ml's projects %v", names)
		}
	}
	if r := e.Do("POST", "/api/v1/teams/ml/projects", map[string]string{"name": "sa-made"}, key); r.StatusCode < 400 {
		t.Errorf("the organization service account creates a project in ml: status %d", r.StatusCode)
	}
}

// An organization service account setting an organization admin's password
// through SCIM could then sign in as that admin: refused; a human admin may.
func TestEscalationServiceAccountSetsNoAdminPassword(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("root")
	other := e.MustUser(admin.Key, "second", "admin")
	plain := e.MustUser(admin.Key, "plain", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "idp-home", "storage": map[string]string{"type": "default"}}, admin.Key)
	sa := apitest.Key(e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "idp", "default_team": "idp-home"}, admin.Key).Map(t)["key"].(string))
	patch := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"password","value":"taken over 123"}]}`
	if r := e.Do("PATCH", "/scim/v2/Users/"+other.ID, patch, sa); r.StatusCode != 403 {
		t.Errorf("service account sets an admin's password: status %d, want 403: %s", r.StatusCode, r.Body)
	}
	promote := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"password","value":"taken over 123"},
		{"op":"replace","path":"organizationRole","value":"admin"}]}`
	if r := e.Do("PATCH", "/scim/v2/Users/"+plain.ID, promote, sa); r.StatusCode != 403 {
		t.Errorf("service account sets a password and promotes in one request: status %d, want 403: %s", r.StatusCode, r.Body)
	}
	e.Must(401, "POST", "/api/v1/login", map[string]string{"login": "second", "password": "taken over 123"}, apitest.Anonymous)
	e.Must(200, "PATCH", "/scim/v2/Users/"+plain.ID, patch, sa)
	e.Must(200, "PATCH", "/scim/v2/Users/"+other.ID, patch, admin.Key)
	e.MustLogin("second", "taken over 123")
}

// scimJSON decodes a SCIM answer.
func scimJSON(t *testing.T, r *apitest.Response, v any) {
	t.Helper()
	if r.StatusCode != 200 {
		t.Fatalf("SCIM status %d: %s", r.StatusCode, r.Body)
	}
	r.JSON(t, v)
}
