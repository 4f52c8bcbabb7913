package api_test

import (
	"strings"
	"testing"

	"roster"
	"roster/internal/api"
	"roster/internal/apitest"
)

// sessionCookie is the session cookie a response sets, or "".
func sessionCookie(r *apitest.Response) apitest.Session {
	for _, c := range r.Cookies() {
		if c.Name == "roster_session" && c.Value != "" {
			return apitest.Session(c.Value)
		}
	}
	return ""
}

// One person in two organizations (#18): they join B with the account
// they sign in with in A, list both, move their session between them, and
// have one password; B's directory cannot set it, and nothing B does to
// its row reaches A's.
func TestOnePersonInTwoOrganizations(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	b := e.MustOrg("corp-b", "bella")
	sam := e.MustUser(root.Key, "sam", "member")
	samB := e.MustJoin(b, sam, "admin")
	if samB.ID == sam.ID {
		t.Fatal("joining B made no row of its own")
	}

	var list api.MembershipList
	e.Must(200, "GET", "/api/v1/memberships", nil, sam.Session).JSON(t, &list)
	// By organization name: corp-b, then the first organization, Roster.
	if len(list.Memberships) != 2 || list.Memberships[0].Organization.Name != "corp-b" || list.Memberships[0].Role != "admin" ||
		list.Memberships[0].Current || list.Memberships[0].UserID != samB.ID ||
		!list.Memberships[1].Current || list.Memberships[1].Role != "member" || list.Memberships[1].UserID != sam.ID {
		t.Fatalf("memberships: %+v", list.Memberships)
	}
	// Bella is in B alone: her list names no other organization.
	e.Must(200, "GET", "/api/v1/memberships", nil, b.Admin.Key).JSON(t, &list)
	if len(list.Memberships) != 1 || list.Memberships[0].Organization.Name != "corp-b" {
		t.Fatalf("B's admin's memberships: %+v", list.Memberships)
	}

	// The session moves: the old one ends, the new one acts in B.
	r := e.Must(200, "POST", "/api/v1/memberships/switch", map[string]string{"organization": "corp-b"}, sam.Session)
	moved := sessionCookie(r)
	if moved == "" {
		t.Fatal("switching set no session cookie")
	}
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, sam.Session), 401, "session_expired")
	var v api.Viewer
	if e.Must(200, "GET", "/api/v1/viewer", nil, moved).JSON(t, &v); v.User == nil || v.User.ID != samB.ID {
		id := any(v.User)
		t.Fatalf("after the switch the viewer is %v, want B's row %s", id, samB.ID)
	}
	wantProblem(t, e.Do("GET", "/api/v1/users/"+sam.ID, nil, moved), 404, "")

	// Refusals: an organization they are not in answers as one that does
	// not exist; an API key cannot move; the current one is no move.
	e.MustOrg("corp-c", "cleo")
	for _, org := range []string{"corp-c", "corp-zzz", "", roster.DefaultOrgID + "x"} {
		wantProblem(t, e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": org}, moved), 404, "not_a_member")
	}
	wantProblem(t, e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": "corp-b"}, samB.Key), 403, "session_required")
	wantProblem(t, e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": "corp-b"}, moved), 409, "")

	// Both organizations' logs record the move, neither names the other.
	for _, log := range []struct {
		admin  apitest.Cred
		detail string
	}{{root.Key, "to another organization"}, {b.Admin.Key, "from another organization"}} {
		got := e.AuditEntries(t, log.admin, roster.ActUserSwitchOrg)
		if len(got) != 1 || got[0].Details != log.detail {
			t.Fatalf("switch entries: %+v, want one saying %q", got, log.detail)
		}
	}

	// One password: changed in B, it signs in to A; the old one works
	// nowhere, and the change ended every other session of the person.
	e.Must(204, "POST", "/api/v1/users/me/password", map[string]string{"current_password": apitest.Password,
		"new_password": "another long password"}, moved)
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, samB.Session), 401, "session_expired")
	e.MustLoginIn("", "sam", "another long password")
	wantProblem(t, e.Do("POST", "/api/v1/login", map[string]string{"login": "sam", "password": apitest.Password}, apitest.Anonymous), 401, "bad_credentials")

	// B's directory may not set the shared password, nor does B
	// deactivating its row reach A's.
	scimB := scimUserID(t, e, b.Admin.Key, samB.ID)
	r = e.Do("PATCH", "/scim/v2/Users/"+scimB, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "password", "value": "taken over password"}}}, b.Admin.Key)
	if r.StatusCode != 403 || !strings.Contains(string(r.Body), "only they can change its password") {
		t.Fatalf("B's SCIM set the shared password: %d %s", r.StatusCode, r.Body)
	}
	e.MustLoginIn("corp-b", "sam", "another long password")
	e.Must(200, "PATCH", "/scim/v2/Users/"+scimB, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "active", "value": false}}}, b.Admin.Key)
	a := e.MustLoginIn("", "sam", "another long password")
	e.Must(200, "GET", "/api/v1/memberships", nil, a).JSON(t, &list)
	if len(list.Memberships) != 1 || list.Memberships[0].UserID != sam.ID {
		t.Fatalf("after B deactivated its row: %+v", list.Memberships)
	}
	wantProblem(t, e.Do("POST", "/api/v1/memberships/switch", map[string]string{"organization": "corp-b"}, a), 404, "not_a_member")
}

// scimUserID is a user's SCIM id, which is their user id.
func scimUserID(t *testing.T, e *apitest.Env, admin apitest.Cred, id string) string {
	t.Helper()
	return e.Must(200, "GET", "/scim/v2/Users/"+id, nil, admin).Map(t)["id"].(string)
}

// Joining needs the account's consent and refuses what is not a join: an
// anonymous caller, a second membership of one organization, and a taken
// username; a joined row keeps its own role and teams in its organization.
func TestJoiningAnOrganizationWithAnAccount(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	b := e.MustOrg("corp-b", "bella")
	sam := e.MustUser(root.Key, "sam", "member")

	_, token := e.MustInvite(b.Admin.Key, "sam@example.com", "member")
	join := map[string]any{"token": token, "join_account": true}
	wantProblem(t, e.Do("POST", "/api/v1/invites/accept", join, apitest.Anonymous), 401, "")
	wantProblem(t, e.Do("POST", "/api/v1/invites/accept", join, sam.Key), 403, "session_required")
	// Bella's username is taken in B: sam must choose another.
	wantProblem(t, e.Do("POST", "/api/v1/invites/accept", map[string]any{"token": token, "join_account": true, "username": "bella"}, sam.Session), 409, "username_taken")
	e.Must(200, "POST", "/api/v1/invites/accept", join, sam.Session)
	wantProblem(t, e.Do("POST", "/api/v1/invites/accept", join, sam.Session), 404, "invite_invalid")

	// A second invite of the same person to B is a second membership.
	_, again := e.MustInvite(b.Admin.Key, "sam.other@example.com", "member")
	wantProblem(t, e.Do("POST", "/api/v1/invites/accept", map[string]any{"token": again, "join_account": true, "username": "sam2"}, sam.Session), 409, "already_member")
	// Nor can one join one's own organization again.
	_, own := e.MustInvite(root.Key, "sam.again@example.com", "member")
	wantProblem(t, e.Do("POST", "/api/v1/invites/accept", map[string]any{"token": own, "join_account": true, "username": "sam3"}, sam.Session), 409, "already_member")
}

// An instance admin acts in another organization only by an explicit,
// audited entry: a membership as admin, in that organization's user list
// and log; others cannot enter.
func TestInstanceAdminEntersAnOrganization(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	b := e.MustOrg("corp-b", "bella")
	member := e.MustUser(root.Key, "max", "member")

	wantProblem(t, e.Do("POST", "/api/v1/orgs/corp-b/enter", nil, b.Admin.Session), 403, "not_instance_admin")
	wantProblem(t, e.Do("POST", "/api/v1/orgs/corp-b/enter", nil, member.Session), 403, "not_instance_admin")
	wantProblem(t, e.Do("POST", "/api/v1/orgs/corp-b/enter", nil, root.Key), 403, "session_required")
	wantProblem(t, e.Do("POST", "/api/v1/orgs/corp-zzz/enter", nil, root.Session), 404, "")

	r := e.Must(200, "POST", "/api/v1/orgs/corp-b/enter", nil, root.Session)
	in := sessionCookie(r)
	var got api.LoginResponse
	r.JSON(t, &got)
	if got.User.Role != "admin" || got.User.Username != "root" {
		t.Fatalf("entered as %+v", got.User)
	}
	if n := len(e.AuditEntries(t, b.Admin.Key, roster.ActOrgEnter)); n != 1 {
		t.Fatalf("B's log has %d organization:enter entries, want the new membership's", n)
	}
	if n := len(e.AuditEntries(t, b.Admin.Key, roster.ActUserSwitchOrg)); n != 1 {
		t.Fatalf("B's log has %d switch entries, want one", n)
	}
	users := e.Must(200, "GET", "/api/v1/users", nil, b.Admin.Key).Map(t)
	if n := len(users["users"].([]any)); n != 2 {
		t.Fatalf("B lists %d users, want its admin and the instance admin", n)
	}
	// Back home by the switch, and in again without a second membership.
	home := sessionCookie(e.Must(200, "POST", "/api/v1/memberships/switch", map[string]string{"organization": roster.DefaultOrgID}, in))
	e.Must(200, "POST", "/api/v1/orgs/corp-b/enter", nil, home)
	users = e.Must(200, "GET", "/api/v1/users", nil, b.Admin.Key).Map(t)
	if n := len(users["users"].([]any)); n != 2 {
		t.Fatalf("a second entry made another membership: %d users", n)
	}
	if n := len(e.AuditEntries(t, root.Key, roster.ActOrgEnter)); n != 2 {
		t.Fatalf("the instance admin's own log has %d entries, want one per entry", n)
	}
}
