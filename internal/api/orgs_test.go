package api_test

import (
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/api"
	"roster/internal/apitest"
	"roster/internal/store"
)

// Instance administration over REST (#18): /api/v1/orgs.

// orgAudit counts the entries with action in organization org's log.
func orgAudit(t testing.TB, e *apitest.Env, org, action string) int {
	t.Helper()
	var n int
	err := e.DB.Read(t.Context(), func(tx *store.Tx) error {
		var err error
		n, err = tx.CountAudit(t.Context(), org, action)
		return err
	})
	if err != nil {
		t.Fatalf("count audit of %s: %v", org, err)
	}
	return n
}

// listOrgs returns the organizations by name, as cred lists them.
func listOrgs(t testing.TB, e *apitest.Env, cred apitest.Cred) map[string]api.Org {
	t.Helper()
	var list api.OrgList
	e.Must(200, "GET", "/api/v1/orgs", nil, cred).JSON(t, &list)
	out := map[string]api.Org{}
	for _, o := range list.Organizations {
		out[o.Name] = o
	}
	return out
}

// The first sign-up, an instance admin, creates an organization with its
// first admin, sees its use, renames and suspends it in one PATCH, resumes
// and deletes it; the name is free again afterwards.
func TestInstanceAdminManagesOrgs(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	var created api.CreatedOrg
	e.Must(201, "POST", "/api/v1/orgs", map[string]string{"name": "corp-b", "display_name": "Corp B",
		"admin_email": "bella@example.com"}, root.Key).JSON(t, &created)
	if created.ID == "" || created.Name != "corp-b" || created.DisplayName != "Corp B" || created.Status != "active" ||
		created.Users != 1 || created.SeatsUsed != 1 || created.Teams != 0 {
		t.Fatalf("created organization: %+v", created)
	}
	if created.Admin == nil || created.Admin.ID == "" || created.Admin.Role != "admin" || created.Admin.Status != "invited" ||
		!strings.Contains(created.Admin.InviteURL, "/invite/") {
		t.Fatalf("first admin's invite: %+v", created.Admin)
	}
	accept(e, inviteToken(t, created.Admin.InviteURL), "bella", "Bella")
	bella := e.MustLoginIn("corp-b", "bella", apitest.Password)
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, bella)

	orgs := listOrgs(t, e, root.Key)
	if b := orgs["corp-b"]; len(orgs) != 2 || b.ID != created.ID || b.Users != 1 || b.SeatsUsed != 1 || b.Teams != 1 {
		t.Fatalf("list: %+v", orgs)
	}
	if first := orgs["Roster"]; first.ID != roster.DefaultOrgID || first.Users != 1 || first.Status != "active" || first.CreatedAt.IsZero() {
		t.Fatalf("first organization in the list: %+v", first)
	}
	var got api.Org
	e.Must(200, "GET", "/api/v1/orgs/CORP-B", nil, root.Key).JSON(t, &got)
	if got.ID != created.ID || got.Teams != 1 {
		t.Fatalf("get by name: %+v", got)
	}
	e.Must(200, "GET", "/api/v1/orgs/"+created.ID, nil, root.Session).JSON(t, &got)
	if got.Name != "corp-b" {
		t.Fatalf("get by id: %+v", got)
	}

	e.Must(200, "PATCH", "/api/v1/orgs/corp-b", map[string]string{"name": "corp-c", "display_name": "Corp C",
		"status": "suspended"}, root.Key).JSON(t, &got)
	if got.Name != "corp-c" || got.DisplayName != "Corp C" || got.Status != "suspended" || got.Users != 1 {
		t.Fatalf("patched: %+v", got)
	}
	e.Must(404, "GET", "/api/v1/orgs/corp-b", nil, root.Key)
	e.Must(200, "PATCH", "/api/v1/orgs/corp-c", map[string]string{"status": "active"}, root.Key).JSON(t, &got)
	if got.Status != "active" {
		t.Fatalf("resumed: %+v", got)
	}
	e.Must(200, "PATCH", "/api/v1/orgs/corp-c", map[string]string{"display_name": ""}, root.Key).JSON(t, &got)
	if got.DisplayName != "corp-c" {
		t.Fatalf("an empty display name is the name again: %+v", got)
	}
	e.Must(204, "DELETE", "/api/v1/orgs/"+created.ID, nil, root.Key)
	e.Must(404, "GET", "/api/v1/orgs/"+created.ID, nil, root.Key)
	if orgs := listOrgs(t, e, root.Key); len(orgs) != 1 {
		t.Fatalf("a deleted organization is still listed: %+v", orgs)
	}
	e.Must(201, "POST", "/api/v1/orgs", map[string]string{"name": "CORP-C", "admin_email": "bella@example.com"}, root.Key)
}

// Each change is audited once, in the changed organization's log and in
// the acting instance admin's; a change to what the organization already
// is writes nothing.
func TestOrgChangesAudited(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	var b api.CreatedOrg
	e.Must(201, "POST", "/api/v1/orgs", map[string]string{"name": "corp-b", "admin_email": "bella@example.com"}, root.Key).JSON(t, &b)
	e.Must(200, "PATCH", "/api/v1/orgs/corp-b", map[string]string{"name": "corp-c", "status": "suspended"}, root.Key)
	var before, after api.Org
	e.Must(200, "GET", "/api/v1/orgs/corp-c", nil, root.Key).JSON(t, &before)
	e.Clock.Advance(time.Second)
	e.Must(200, "PATCH", "/api/v1/orgs/corp-c", map[string]string{"name": "corp-c", "status": "suspended"}, root.Key).JSON(t, &after)
	if !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("a PATCH that changes nothing moved updated_at from %s to %s", before.UpdatedAt, after.UpdatedAt)
	}
	e.Must(200, "PATCH", "/api/v1/orgs/corp-c", map[string]string{"status": "active"}, root.Key)
	e.Must(204, "DELETE", "/api/v1/orgs/corp-c", nil, root.Key)
	for action, want := range map[string]int{roster.ActOrgCreate: 1, roster.ActOrgRename: 1, roster.ActOrgSuspend: 1,
		roster.ActOrgResume: 1, roster.ActOrgDelete: 1} {
		if n := orgAudit(t, e, b.ID, action); n != want {
			t.Errorf("%s in the changed organization's log: %d, want %d", action, n, want)
		}
		entries := e.AuditEntries(t, root.Key, action)
		if len(entries) != want {
			t.Errorf("%s in the instance admin's log: %d, want %d", action, len(entries), want)
			continue
		}
		if en := entries[0]; en.ActorEmail != root.Email || !strings.Contains(en.Details, b.ID) || en.ResponseCode == 0 {
			t.Errorf("%s entry: %+v", action, en)
		}
	}
	if n := orgAudit(t, e, b.ID, roster.ActUserCreate); n != 1 {
		t.Errorf("the first admin's invite in the new organization's log: %d entries", n)
	}
}

// Instance administration is refused to everyone who is not an instance
// admin (org admins of either organization included), and nothing changes.
func TestOrgRoutesRefuseOthers(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	b := e.MustOrg("corp-b", "bella")
	ada := e.MustUser(root.Key, "ada", "admin")
	mona := e.MustUser(root.Key, "mona", "member")
	bob := e.MustUserIn(b, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, root.Key)
	sa := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "bot", "default_team": "ml"}, root.Key).Map(t)
	callers := []struct {
		name   string
		cred   apitest.Cred
		status int
		code   string
	}{
		{"admin of org B", b.Admin.Key, 403, "not_instance_admin"},
		{"admin of org B, session", b.Admin.Session, 403, "not_instance_admin"},
		{"invited admin of the first org", ada.Key, 403, "not_instance_admin"},
		{"member", mona.Key, 403, "not_instance_admin"},
		{"member of org B", bob.Session, 403, "not_instance_admin"},
		{"service account", apitest.Key(sa["key"].(string)), 403, "not_instance_admin"},
		{"anonymous", apitest.Anonymous, 401, "unauthenticated"},
	}
	calls := []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/orgs", nil},
		{"POST", "/api/v1/orgs", map[string]string{"name": "corp-x"}},
		{"GET", "/api/v1/orgs/corp-b", nil},
		{"GET", "/api/v1/orgs/" + roster.DefaultOrgID, nil},
		{"GET", "/api/v1/orgs/no-such-org", nil},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]string{"status": "suspended"}},
		{"PATCH", "/api/v1/orgs/" + b.ID, map[string]string{"name": "mine"}},
		{"PATCH", "/api/v1/orgs/Roster", map[string]string{"display_name": "Mine"}},
		{"DELETE", "/api/v1/orgs/corp-b", nil},
	}
	before := listOrgs(t, e, root.Key)
	audit := e.AuditCount("")
	for _, c := range callers {
		for _, call := range calls {
			wantProblem(t, e.Do(call.method, call.path, call.body, c.cred), c.status, c.code)
		}
	}
	after := listOrgs(t, e, root.Key)
	if len(after) != len(before) || after["corp-b"] != before["corp-b"] || after["Roster"] != before["Roster"] {
		t.Errorf("refused calls changed organizations:\n%+v\n%+v", before, after)
	}
	if n := e.AuditCount(""); n != audit {
		t.Errorf("refused calls wrote %d audit entries", n-audit)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, b.Admin.Key) // org B still open
}

// Bad input gets a 400 that says what to fix, a taken name 409, the first
// organization 409 on suspend and delete, an unknown one 404; a refused
// PATCH changes nothing, not even its valid parts.
func TestOrgRoutesBadInput(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	b := e.MustOrg("corp-b", "bella")
	e.MustOrg("corp-c", "carl")
	cases := []struct {
		method, path string
		body         any
		status       int
		code, detail string
	}{
		{"POST", "/api/v1/orgs", map[string]string{"name": "corp-x", "owner": "me"}, 400, "", "owner"},
		{"POST", "/api/v1/orgs", map[string]string{"name": "corp x"}, 400, "", "organization name"},
		{"POST", "/api/v1/orgs", map[string]string{"name": ""}, 400, "", "organization name"},
		{"POST", "/api/v1/orgs", map[string]string{"name": strings.Repeat("a", 65)}, 400, "", "organization name"},
		{"POST", "/api/v1/orgs", map[string]string{"name": "org_default"}, 400, "", "org_"},
		{"POST", "/api/v1/orgs", map[string]string{"name": "corp-x", "display_name": "a\nb"}, 400, "", "display_name"},
		{"POST", "/api/v1/orgs", map[string]string{"name": "corp-x", "admin_email": "not-an-email"}, 400, "", "email"},
		{"POST", "/api/v1/orgs", map[string]string{"name": "CORP-B"}, 409, "organization_name_taken", "CORP-B"},
		{"POST", "/api/v1/orgs", map[string]string{"name": "roster"}, 409, "organization_name_taken", ""},
		{"POST", "/api/v1/orgs", `{"name": "corp-x"`, 400, "", ""},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]string{"status": "deleted"}, 400, "", "active or suspended"},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]string{"status": "paused"}, 400, "", "active or suspended"},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]string{"status": ""}, 400, "", "active or suspended"},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]any{"status": true}, 400, "", "status"},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]string{"name": "corp-x", "plan": "gold"}, 400, "", "plan"},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]string{"name": "bad name!"}, 400, "", "organization name"},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]string{"name": "Corp-C"}, 409, "organization_name_taken", "Corp-C"},
		{"PATCH", "/api/v1/orgs/corp-b", map[string]string{"name": "corp-x", "status": "nope"}, 400, "", ""},
		{"PATCH", "/api/v1/orgs/" + roster.DefaultOrgID, map[string]string{"status": "suspended"}, 409, "default_organization", ""},
		{"PATCH", "/api/v1/orgs/Roster", map[string]string{"name": "first", "status": "suspended"}, 409, "default_organization", ""},
		{"DELETE", "/api/v1/orgs/" + roster.DefaultOrgID, nil, 409, "default_organization", ""},
		{"DELETE", "/api/v1/orgs/roster", nil, 409, "default_organization", ""},
		{"GET", "/api/v1/orgs/no-such-org", nil, 404, "", "no-such-org"},
		{"PATCH", "/api/v1/orgs/no-such-org", map[string]string{"status": "suspended"}, 404, "", ""},
		{"DELETE", "/api/v1/orgs/org_nope", nil, 404, "", ""},
	}
	before := listOrgs(t, e, root.Key)
	audit := e.AuditCount("")
	for _, c := range cases {
		p := wantProblem(t, e.Do(c.method, c.path, c.body, root.Key), c.status, c.code)
		if !strings.Contains(p.Detail, c.detail) {
			t.Errorf("%s %s %v: detail %q does not mention %q", c.method, c.path, c.body, p.Detail, c.detail)
		}
	}
	after := listOrgs(t, e, root.Key)
	if len(after) != 3 || after["corp-b"] != before["corp-b"] || after["Roster"] != before["Roster"] {
		t.Errorf("refused calls changed organizations:\n%+v\n%+v", before, after)
	}
	if n := e.AuditCount(""); n != audit {
		t.Errorf("refused calls wrote %d audit entries", n-audit)
	}
	// A deleted organization answers as an unknown one.
	e.Must(204, "DELETE", "/api/v1/orgs/"+b.ID, nil, root.Key)
	for _, ref := range []string{b.ID, "corp-b"} {
		wantProblem(t, e.Do("PATCH", "/api/v1/orgs/"+ref, map[string]string{"status": "active"}, root.Key), 404, "")
		wantProblem(t, e.Do("DELETE", "/api/v1/orgs/"+ref, nil, root.Key), 404, "")
	}
}

// A suspended organization refuses its members' sign-ins, sessions and
// keys with organization_suspended; other organizations' members go on.
// Resuming lets them in again; deleting stops the admin's key for good.
func TestSuspendedOrgRefusesItsMembers(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	mona := e.MustUser(root.Key, "mona", "member")
	b := e.MustOrg("corp-b", "bella")
	bob := e.MustUserIn(b, "bob", "member")
	c := e.MustOrg("corp-c", "carl")
	cara := e.MustUserIn(c, "cara", "member")
	e.Must(200, "PATCH", "/api/v1/orgs/corp-b", map[string]string{"status": "suspended"}, root.Key)

	login := func(org, name string) *apitest.Response {
		return e.Do("POST", "/api/v1/login", map[string]string{"login": name, "password": apitest.Password, "organization": org}, apitest.Anonymous)
	}
	for _, cred := range []apitest.Cred{bob.Key, bob.Session, b.Admin.Key, b.Admin.Session,
		apitest.BasicKey{User: "api", Key: string(bob.Key)}} {
		wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, cred), 401, "organization_suspended")
	}
	wantProblem(t, login("corp-b", "bob"), 401, "organization_suspended")
	wantProblem(t, login(b.ID, "bella@example.com"), 401, "organization_suspended")
	for _, cred := range []apitest.Cred{mona.Key, mona.Session, cara.Key, cara.Session, c.Admin.Key, root.Key} {
		e.Must(200, "GET", "/api/v1/viewer", nil, cred)
	}
	e.MustLoginIn("corp-c", "cara", apitest.Password)
	e.MustLogin("mona", apitest.Password)

	e.Must(200, "PATCH", "/api/v1/orgs/corp-b", map[string]string{"status": "active"}, root.Key)
	for _, cred := range []apitest.Cred{bob.Key, bob.Session, b.Admin.Key} {
		e.Must(200, "GET", "/api/v1/viewer", nil, cred)
	}
	e.MustLoginIn("corp-b", "bob", apitest.Password)

	e.Must(204, "DELETE", "/api/v1/orgs/corp-b", nil, root.Key)
	for _, cred := range []apitest.Cred{b.Admin.Key, b.Admin.Session, bob.Key} {
		wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, cred), 401, "")
	}
	wantProblem(t, login("corp-b", "bella"), 401, "")
	wantProblem(t, login(b.ID, "bella"), 401, "")
	e.Must(200, "GET", "/api/v1/viewer", nil, cara.Key)
	// The name is free again; the new corp-b is another organization,
	// and the old admin's key does not open it.
	var again api.CreatedOrg
	e.Must(201, "POST", "/api/v1/orgs", map[string]string{"name": "corp-b", "admin_email": "bella@example.com"}, root.Key).JSON(t, &again)
	if again.ID == b.ID || again.Users != 1 {
		t.Fatalf("recreated corp-b: %+v", again)
	}
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, b.Admin.Key), 401, "")
}

// The command line grants and revokes instance administration (an app
// call here); nobody else can.
func TestInstanceAdminGrantIsCLIOnly(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	ada := e.MustUser(root.Key, "ada", "admin")
	cli := roster.Actor{Via: roster.ViaCLI}
	wantProblem(t, e.Do("GET", "/api/v1/orgs", nil, ada.Key), 403, "not_instance_admin")
	for _, a := range []roster.Actor{{Via: roster.ViaAPI}, {Via: roster.ViaCLI, User: &roster.User{ID: "u_x", Status: roster.StatusActive, InstanceAdmin: true}}} {
		if _, err := e.App.SetInstanceAdmin(t.Context(), a, "ada", true); roster.ErrorCode(err) != roster.EForbidden {
			t.Errorf("grant by %+v: %v", a, err)
		}
	}
	if _, err := e.App.SetInstanceAdmin(t.Context(), cli, "ada@example.com", true); err != nil {
		t.Fatal(err)
	}
	listOrgs(t, e, ada.Key)
	if n := e.AuditCount(roster.ActUserGrantInstanceAdmin); n != 1 {
		t.Errorf("%d grant entries", n)
	}
	if _, err := e.App.SetInstanceAdmin(t.Context(), cli, "ada", false); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, e.Do("GET", "/api/v1/orgs", nil, ada.Key), 403, "not_instance_admin")
	if n := e.AuditCount(roster.ActUserRevokeInstanceAdmin); n != 1 {
		t.Errorf("%d revoke entries", n)
	}
	// Only users of the first organization, active ones for a grant.
	b := e.MustOrg("corp-b", "bella")
	if _, err := e.App.SetInstanceAdmin(t.Context(), cli, b.Admin.Email, true); !roster.IsNotFound(err) {
		t.Errorf("grant to another organization's admin: %v", err)
	}
	invited, _ := e.MustInvite(root.Key, "ivy@example.com", "admin")
	if _, err := e.App.SetInstanceAdmin(t.Context(), cli, invited, true); roster.ErrorCode(err) != roster.EConflict {
		t.Errorf("grant to an invited user: %v", err)
	}
}
