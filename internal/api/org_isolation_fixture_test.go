package api_test

// The fixture of the isolation acceptance (issue 18): one server with two
// organizations, the first (made by sign-up) and "corp-b" (made from the
// command line), each holding the same kinds of objects under names of its
// own, so that a name or id of one found in an answer to the other is a
// leak, not a coincidence. One person, hazel, is in both (#18): a member of
// the first who joined corp-b with her account as its admin, in a team and
// with an API key in each, and who once moved a session from the first to
// corp-b. Her two rows share a username, an email and a password; their
// ids, keys and sessions are each organization's own.

import (
	"fmt"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// isoOrg is one organization of the fixture and every object in it.
type isoOrg struct {
	ID, Name      string
	admin, member apitest.User
	shared        apitest.User // hazel's row in this organization
	saKey         apitest.Key  // the organization service account's key
	// vals are the objects' ids and names by placeholder: {user}, {uname},
	// {email}, {invitee}, {team}, {role}, {sa}, {sakey}, {project}, {run},
	// {session}, {apikey}, {scim}, and hazel's row and key: {shared},
	// {sharedkey}.
	vals map[string]string
	// secrets are strings that name the organization's objects: none of
	// them may appear in an answer to the other organization.
	secrets []string
}

// isoFixture is a server with two organizations built alike.
type isoFixture struct {
	e    *apitest.Env
	a, b *isoOrg // the first organization, and corp-b
}

// newIsoFixture builds both organizations through the public API; the
// first's objects are named acorn-..., corp-b's bramble-....
func newIsoFixture(t testing.TB, e *apitest.Env) *isoFixture {
	t.Helper()
	f := &isoFixture{e: e}
	root := e.MustSignup("alder")
	f.a = &isoOrg{ID: "org_default", admin: root}
	f.a.member = e.MustUser(root.Key, "aspen", "member")
	b := e.MustOrg("corp-b", "birch")
	f.b = &isoOrg{ID: b.ID, Name: b.Name, admin: b.Admin}
	f.b.member = e.MustUserIn(b, "beech", "member")
	f.a.shared = e.MustUser(root.Key, sharedName, "member")
	f.b.shared = e.MustJoin(b, f.a.shared, "admin")
	moved := e.MustLogin(sharedName, apitest.Password)
	e.Must(200, "POST", "/api/v1/memberships/switch", map[string]string{"organization": b.Name}, moved)
	f.a.fill(t, e, "acorn")
	f.b.fill(t, e, "bramble")
	return f
}

// fill makes the organization's team, role, service account, project, run,
// SCIM user and pending invite, all named after prefix.
func (o *isoOrg) fill(t testing.TB, e *apitest.Env, prefix string) {
	t.Helper()
	adm := o.admin.Key
	team, role, project := prefix+"-team", prefix+"-role", prefix+"-proj"
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": team, "storage": map[string]string{"type": "default"}}, adm)
	e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": role, "base": "member", "permissions": []string{"run:delete"}}, adm)
	e.Must(201, "POST", "/api/v1/teams/"+team+"/members", map[string]string{"username": o.member.Username, "role": role}, adm)
	e.Must(201, "POST", "/api/v1/teams/"+team+"/members", map[string]string{"username": o.shared.Username}, adm)
	sa := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": prefix + "-bot", "default_team": team}, adm).Map(t)
	o.saKey = apitest.Key(sa["key"].(string))
	saKey := e.Must(201, "POST", "/api/v1/service-accounts/"+sa["id"].(string)+"/api-keys", map[string]string{"name": prefix + "-spare"}, adm).Map(t)
	e.Must(201, "POST", "/api/v1/teams/"+team+"/projects", map[string]string{"name": project, "visibility": "restricted"}, adm)
	e.Must(204, "POST", "/api/v1/teams/"+team+"/projects/"+project+"/members", map[string]string{"username": o.member.Username}, adm)
	run := e.Must(201, "POST", "/api/v1/teams/"+team+"/projects/"+project+"/runs", map[string]any{"name": prefix + "-run"}, o.member.Key).Map(t)
	inviteeID, _ := e.MustInvite(adm, prefix+"-invitee@example.com", "member")
	scim := e.Do("POST", "/scim/v2/Users", fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"%[1]s-scim","externalId":"ext-%[1]s","emails":[{"value":"%[1]s-scim@example.com","primary":true}],
		"name":{"givenName":"Scim","familyName":"%[1]s"}}`, prefix), adm)
	if scim.StatusCode != 201 {
		t.Fatalf("SCIM user %s-scim: status %d: %s", prefix, scim.StatusCode, scim.Body)
	}
	var sessions struct{ Sessions []struct{ ID string } }
	e.Must(200, "GET", "/api/v1/users/"+o.member.ID+"/sessions", nil, adm).JSON(t, &sessions)
	var keys struct {
		APIKeys []struct{ ID string } `json:"api_keys"`
	}
	e.Must(200, "GET", "/api/v1/users/me/api-keys", nil, o.member.Key).JSON(t, &keys)
	var sharedKeys struct {
		APIKeys []struct{ ID string } `json:"api_keys"`
	}
	e.Must(200, "GET", "/api/v1/users/me/api-keys", nil, o.shared.Key).JSON(t, &sharedKeys)
	if len(sessions.Sessions) == 0 || len(keys.APIKeys) == 0 || len(sharedKeys.APIKeys) == 0 {
		t.Fatalf("%s: member or hazel has no session or key: %+v %+v %+v", prefix, sessions, keys, sharedKeys)
	}
	o.vals = map[string]string{
		"{user}": o.member.ID, "{uname}": o.member.Username, "{email}": o.member.Email, "{invitee}": inviteeID,
		"{team}": team, "{role}": role, "{sa}": sa["id"].(string), "{sakey}": saKey["id"].(string),
		"{project}": project, "{run}": run["id"].(string), "{session}": sessions.Sessions[0].ID,
		"{apikey}": keys.APIKeys[0].ID, "{scim}": scim.Map(t)["id"].(string),
		"{shared}": o.shared.ID, "{sharedkey}": sharedKeys.APIKeys[0].ID,
	}
	o.secrets = []string{prefix, o.admin.Username, o.admin.ID, o.member.Username, o.member.ID, inviteeID}
	for _, v := range o.vals {
		o.secrets = append(o.secrets, v)
	}
}

// sharedName is the username (and, @example.com, the email) of the person
// in both organizations: it is no secret of either, each has a row by it.
const sharedName = "hazel"

// isoFake are made-up values of the same shape as the fixture's, for the
// objects that exist nowhere.
var isoFake = map[string]string{
	"{user}": "u_00000000000000000000", "{uname}": "nobody-here", "{email}": "nobody-here@example.com",
	"{invitee}": "u_11111111111111111111", "{team}": "no-such-team", "{role}": "no-such-role",
	"{sa}": "sa_00000000000000000000", "{sakey}": "key_00000000000000000000",
	"{project}": "no-such-proj", "{run}": "r_00000000000000000000", "{session}": "s_00000000000000000000",
	"{apikey}": "key_11111111111111111111", "{scim}": "u_22222222222222222222",
	"{shared}": "u_33333333333333333333", "{sharedkey}": "key_33333333333333333333",
}

// leaks returns the secrets of o that body shows, once the values the
// request itself named (asked) are taken out.
func (o *isoOrg) leaks(body []byte, asked []string) []string {
	s := string(body)
	for _, v := range asked {
		s = strings.ReplaceAll(s, v, "")
	}
	var out []string
	for _, sec := range o.secrets {
		if sec != "" && strings.Contains(s, sec) {
			out = append(out, sec)
		}
	}
	return out
}
