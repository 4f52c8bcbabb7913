package api_test

// The fixture of the cross-edge matrix (issue 10): one server with team ml,
// principals reachable through every edge (an API key, a REST session, a
// web session with and without htmx), an organization service account for
// SCIM, and a snapshot of the state an organization admin reads through
// REST.

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// crossPrincipal is a user of the fixture with a handle on every edge.
type crossPrincipal struct {
	apitest.User
	web  *apitest.WebClient // htmx, as the pages post
	form *apitest.WebClient // a browser without scripts
}

// crossFixture is one server of the cross-edge matrix.
type crossFixture struct {
	t      testing.TB
	e      *apitest.Env
	reader apitest.Key // an organization admin who reads the state
	users  map[string]*crossPrincipal
	saKey  apitest.Key // an organization service account's key, for SCIM
	mlID   string      // team ml's SCIM group id
	n      int
}

// newCrossFixture signs up oadmin, who creates team ml and leaves it, and
// mints the organization service account.
func newCrossFixture(t testing.TB, opt apitest.Options) *crossFixture {
	t.Helper()
	e := apitest.NewWith(t, opt)
	f := &crossFixture{t: t, e: e, users: map[string]*crossPrincipal{}}
	admin := e.MustSignup("oadmin")
	f.users["oadmin"] = f.withWeb(admin)
	f.reader = admin.Key
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, f.reader)
	sa := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "idp-bot", "default_team": "ml"}, f.reader).Map(t)
	f.saKey = apitest.Key(sa["key"].(string))
	var list struct{ Resources []struct{ ID string } }
	crossJSON(t, e.Do("GET", `/scim/v2/Groups?filter=displayName%20eq%20%22ml%22`, nil, f.reader), &list)
	if len(list.Resources) != 1 {
		t.Fatalf("group ml: %+v", list)
	}
	f.mlID = list.Resources[0].ID
	return f
}

// withWeb signs u in on the web edge twice: with htmx and without.
func (f *crossFixture) withWeb(u apitest.User) *crossPrincipal {
	f.t.Helper()
	p := &crossPrincipal{User: u, web: f.e.MustWebSignIn(u.Username, apitest.Password), form: f.e.MustWebSignIn(u.Username, apitest.Password)}
	p.web.HTMX = true
	return p
}

// user makes an organization user with a role, signed in on every edge.
func (f *crossFixture) user(name, role string) *crossPrincipal {
	f.t.Helper()
	p := f.withWeb(f.e.MustUser(f.reader, name, role))
	f.users[name] = p
	return p
}

// join adds a user to ml with a team role, as oadmin.
func (f *crossFixture) join(name, role string) {
	f.t.Helper()
	f.e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": name, "role": role}, f.reader)
}

// leave takes oadmin out of ml, which made it ml's first admin (T2).
func (f *crossFixture) leave() {
	f.t.Helper()
	f.e.Must(204, "DELETE", "/api/v1/teams/ml/members/oadmin", nil, f.reader)
}

// roleHolder makes a user holding a new custom role with base and extra
// permissions in ml.
func (f *crossFixture) roleHolder(name, base string, perms ...string) {
	f.t.Helper()
	f.e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": name + "-role", "base": base, "permissions": perms}, f.reader)
	f.user(name, "member")
	f.join(name, name+"-role")
}

// plain makes an organization user with a role, with a key and a REST
// session but no web sessions.
func (f *crossFixture) plain(name, role string) *crossPrincipal {
	f.t.Helper()
	p := &crossPrincipal{User: f.e.MustUser(f.reader, name, role)}
	f.users[name] = p
	return p
}

// fresh makes a new organization member, without web sessions, and
// returns its username and id.
func (f *crossFixture) fresh() (string, string) {
	f.t.Helper()
	f.n++
	name := fmt.Sprintf("fresh-%d", f.n)
	return name, f.plain(name, "member").ID
}

// freshIn makes a new user holding role in ml.
func (f *crossFixture) freshIn(role string) (string, string) {
	f.t.Helper()
	name, id := f.fresh()
	f.join(name, role)
	return name, id
}

// use points the fixture's failures at t until the returned func runs.
func (f *crossFixture) use(t testing.TB) func() {
	prevT, prevTB := f.t, f.e.TB
	f.t, f.e.TB = t, t
	return func() { f.t, f.e.TB = prevT, prevTB }
}

// snapshot is what an organization admin reads through REST of everything
// a cell could change: users with role and status, every team's members
// with their roles (service accounts included), the organization's
// service accounts, and the number of audit entries (L1: no entry without
// its change).
func (f *crossFixture) snapshot() []string {
	f.t.Helper()
	var out []string
	var users struct {
		Users []struct{ Username, Email, Role, Status string }
	}
	teamJSONBody(f.t, f.e.Must(200, "GET", "/api/v1/users?limit=200", nil, f.reader), &users)
	for _, u := range users.Users {
		out = append(out, fmt.Sprintf("user %s <%s> %s %s", u.Username, u.Email, u.Role, u.Status))
	}
	for _, team := range teamNames(f.t, f.e.Must(200, "GET", "/api/v1/teams", nil, f.reader), "teams") {
		var list struct {
			Members []struct{ Kind, Username, Role string }
		}
		teamJSONBody(f.t, f.e.Must(200, "GET", "/api/v1/teams/"+team+"/members", nil, f.reader), &list)
		for _, m := range list.Members {
			out = append(out, fmt.Sprintf("team %s: %s %s %s", team, m.Kind, m.Username, m.Role))
		}
	}
	for _, sa := range teamNames(f.t, f.e.Must(200, "GET", "/api/v1/service-accounts", nil, f.reader), "service_accounts") {
		out = append(out, "service account "+sa)
	}
	out = append(out, fmt.Sprintf("audit entries %d", f.e.AuditCount("")))
	slices.Sort(out)
	return out
}

// scimUserPut is a PUT body for user name: its SCIM representation as read,
// with teamRoles (a JSON array) and the other attributes set.
func (f *crossFixture) scimUserPut(name, teamRoles string, set map[string]any) string {
	f.t.Helper()
	var u map[string]any
	crossJSON(f.t, f.e.Do("GET", "/scim/v2/Users/"+f.users[name].ID, nil, f.reader), &u)
	for _, k := range []string{"meta", "groups", "urn:ietf:params:scim:schemas:extension:roster:2.0:User"} {
		delete(u, k)
	}
	if teamRoles != "" {
		var tr any
		if err := json.Unmarshal([]byte(teamRoles), &tr); err != nil {
			f.t.Fatalf("teamRoles %s: %v", teamRoles, err)
		}
		u["teamRoles"] = tr
	}
	for k, v := range set {
		u[k] = v
	}
	b, _ := json.Marshal(u)
	return string(b)
}

// scimGroupPut is a PUT body for team ml with its current members, plus
// add and minus drop (user ids).
func (f *crossFixture) scimGroupPut(add, drop string) string {
	f.t.Helper()
	var g struct {
		DisplayName string
		Members     []struct{ Value string }
	}
	crossJSON(f.t, f.e.Do("GET", "/scim/v2/Groups/"+f.mlID, nil, f.reader), &g)
	members := []map[string]string{}
	for _, m := range g.Members {
		if m.Value != drop {
			members = append(members, map[string]string{"value": m.Value})
		}
	}
	if add != "" {
		members = append(members, map[string]string{"value": add})
	}
	b, _ := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"displayName": g.DisplayName, "members": members})
	return string(b)
}

// crossIDRE finds {id:name} placeholders.
var crossIDRE = regexp.MustCompile(`\{id:([a-z0-9-]+)\}`)

// expand fills a cell's template with the cell's fresh values, then with
// the ids of the fixture's users.
func (f *crossFixture) expand(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	s = strings.ReplaceAll(s, "{ml}", f.mlID)
	return crossIDRE.ReplaceAllStringFunc(s, func(m string) string {
		p := f.users[crossIDRE.FindStringSubmatch(m)[1]]
		if p == nil {
			f.t.Fatalf("no user for %s", m)
		}
		return p.ID
	})
}

// crossSays reports whether an answer's body carries text as a person
// reads it, HTML escapes undone.
func crossSays(body []byte, text string) bool {
	return strings.Contains(html.UnescapeString(string(body)), text)
}

// crossTagRE matches HTML tags, which crossBrief drops.
var crossTagRE = regexp.MustCompile(`<[^>]*>`)

// crossBrief is an answer's body as short text for a failure message: a
// page's text without tags and runs of spaces, at most 300 characters.
func crossBrief(body []byte) string {
	s := strings.Join(strings.Fields(html.UnescapeString(crossTagRE.ReplaceAllString(string(body), " "))), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// webForm splits "path a=b&c=d" into the path and the form.
func webForm(t testing.TB, s string) (string, url.Values) {
	t.Helper()
	path, q, _ := strings.Cut(s, " ")
	v, err := url.ParseQuery(q)
	if err != nil {
		t.Fatalf("form %q: %v", s, err)
	}
	return path, v
}

// crossJSON decodes a 200 answer.
func crossJSON(t testing.TB, r *apitest.Response, v any) {
	t.Helper()
	if r.StatusCode != 200 {
		t.Fatalf("%s %s: status %d: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, r.Body)
	}
	r.JSON(t, v)
}
