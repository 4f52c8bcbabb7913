package api_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"roster"
	"roster/internal/apitest"
)

// isoCalls are the REST routes that name an object (issue 18): each is
// called with another organization's objects and with made-up ones that
// exist nowhere, and both answers must be the same. Placeholders are the
// keys of isoOrg.vals; {n} is a fresh number.
var isoCalls = []struct{ call, body string }{
	// Users, their sessions and invites (O5-O12)
	{"GET /api/v1/users/{user}", ""},
	{"GET /api/v1/users/{uname}", ""},
	{"GET /api/v1/users/{email}", ""},
	{"GET /api/v1/users/{invitee}", ""},
	{"GET /api/v1/users/{scim}", ""},
	{"PATCH /api/v1/users/{user}", `{"role":"viewer"}`},
	{"PATCH /api/v1/users/{uname}", `{"name":"Renamed"}`},
	{"POST /api/v1/users/{user}/deactivate", ""},
	{"POST /api/v1/users/{user}/reactivate", ""},
	{"POST /api/v1/users/{uname}/unlock", ""},
	{"GET /api/v1/users/{user}/sessions", ""},
	{"DELETE /api/v1/users/{user}/sessions/{session}", ""},
	{"DELETE /api/v1/users/me/sessions/{session}", ""},
	{"POST /api/v1/users/{invitee}/invite/resend", ""},
	{"POST /api/v1/users/{invitee}/invite/link", ""},
	{"POST /api/v1/users/{user}/invite/resend", ""},
	{"DELETE /api/v1/users/{invitee}/invite", ""},
	{"DELETE /api/v1/users/{scim}", ""},
	// API keys
	{"PATCH /api/v1/users/me/api-keys/{apikey}", `{"name":"renamed-{n}"}`},
	{"DELETE /api/v1/users/me/api-keys/{apikey}", ""},
	{"GET /api/v1/api-keys?owner={uname}", ""},
	{"DELETE /api/v1/api-keys/{apikey}", ""},
	{"DELETE /api/v1/api-keys/{sakey}", ""},
	{"POST /api/v1/api-keys/revoke", `{"ids":["{apikey}"]}`},
	// Custom roles (R3, R4)
	{"GET /api/v1/roles/{role}", ""},
	{"PUT /api/v1/roles/{role}", `{"name":"{role}","base":"viewer","permissions":["run:stop"]}`},
	{"DELETE /api/v1/roles/{role}", ""},
	// Service accounts and their keys (A1)
	{"POST /api/v1/service-accounts", `{"name":"iso-bot-{n}","default_team":"{team}"}`},
	{"GET /api/v1/service-accounts/{sa}/api-keys", ""},
	{"POST /api/v1/service-accounts/{sa}/api-keys", `{"name":"k-{n}"}`},
	{"PATCH /api/v1/service-accounts/{sa}/api-keys/{sakey}", `{"name":"renamed-{n}"}`},
	{"DELETE /api/v1/service-accounts/{sa}/api-keys/{sakey}", ""},
	{"DELETE /api/v1/service-accounts/{sa}", ""},
	// Teams (T1-T11)
	{"GET /api/v1/teams/{team}", ""},
	{"PATCH /api/v1/teams/{team}", `{"display_name":"Renamed {n}"}`},
	{"POST /api/v1/teams/{team}/restore", ""},
	{"PUT /api/v1/teams/{team}/avatar", "<png>"},
	{"GET /api/v1/teams/{team}/avatar", ""},
	{"GET /api/v1/teams/{team}/usage", ""},
	{"GET /api/v1/teams/{team}/alerts/deliveries", ""},
	{"GET /api/v1/teams/{team}/members", ""},
	{"POST /api/v1/teams/{team}/members", `{"username":"{uname}"}`},
	{"POST /api/v1/teams/{team}/members", `{"username":"{uname}","role":"{role}"}`},
	{"PATCH /api/v1/teams/{team}/members/{uname}", `{"role":"viewer"}`},
	{"PATCH /api/v1/teams/{team}/members/{user}", `{"role":"{role}"}`},
	{"DELETE /api/v1/teams/{team}/members/{uname}", ""},
	{"DELETE /api/v1/teams/{team}/members/{sa}", ""},
	{"PATCH /api/v1/teams/{team}/members/{sa}", `{"role":"viewer"}`},
	{"POST /api/v1/teams/{team}/members", `{"username":"{email}"}`},
	{"GET /api/v1/teams/{team}/service-accounts", ""},
	{"POST /api/v1/teams/{team}/service-accounts", `{"name":"tbot-{n}"}`},
	{"DELETE /api/v1/teams/{team}/service-accounts/{sa}", ""},
	// Projects and runs (W1, W2)
	{"GET /api/v1/teams/{team}/projects", ""},
	{"POST /api/v1/teams/{team}/projects", `{"name":"new-{n}"}`},
	{"GET /api/v1/teams/{team}/projects/{project}", ""},
	{"PATCH /api/v1/teams/{team}/projects/{project}", `{"description":"d{n}"}`},
	{"POST /api/v1/teams/{team}/projects/{project}/members", `{"username":"{uname}"}`},
	{"DELETE /api/v1/teams/{team}/projects/{project}/members/{uname}", ""},
	{"POST /api/v1/teams/{team}/projects/{project}/members", `{"username":"{sa}"}`},
	{"DELETE /api/v1/teams/{team}/projects/{project}/members/{sa}", ""},
	{"GET /api/v1/teams/{team}/projects/{project}/runs", ""},
	{"POST /api/v1/teams/{team}/projects/{project}/runs", `{"name":"r-{n}"}`},
	{"GET /api/v1/teams/{team}/projects/{project}/runs/{run}", ""},
	{"PATCH /api/v1/teams/{team}/projects/{project}/runs/{run}", `{"summary":{"loss":{n}}}`},
	{"POST /api/v1/teams/{team}/projects/{project}/runs/{run}/stop", ""},
	{"DELETE /api/v1/teams/{team}/projects/{project}/runs/{run}", ""},
	{"DELETE /api/v1/teams/{team}/projects/{project}", ""},
	{"DELETE /api/v1/teams/{team}", ""},
	// The person in both organizations (#18): the other organization's
	// row of them and its key, by id, to callers who include that person
	// acting as their row here
	{"GET /api/v1/users/{shared}", ""},
	{"PATCH /api/v1/users/{shared}", `{"role":"viewer"}`},
	{"PATCH /api/v1/users/{shared}", `{"name":"Taken Over"}`},
	{"POST /api/v1/users/{shared}/deactivate", ""},
	{"POST /api/v1/users/{shared}/reactivate", ""},
	{"POST /api/v1/users/{shared}/unlock", ""},
	{"GET /api/v1/users/{shared}/sessions", ""},
	{"POST /api/v1/users/{shared}/invite/resend", ""},
	{"POST /api/v1/users/{shared}/invite/link", ""},
	{"DELETE /api/v1/users/{shared}", ""},
	{"PATCH /api/v1/teams/{team}/members/{shared}", `{"role":"viewer"}`},
	{"DELETE /api/v1/teams/{team}/members/{shared}", ""},
	{"POST /api/v1/teams/{team}/projects/{project}/members", `{"username":"{shared}"}`},
	{"GET /api/v1/api-keys?owner={shared}", ""},
	{"PATCH /api/v1/users/me/api-keys/{sharedkey}", `{"name":"renamed-{n}"}`},
	{"DELETE /api/v1/users/me/api-keys/{sharedkey}", ""},
	{"DELETE /api/v1/api-keys/{sharedkey}", ""},
	{"POST /api/v1/api-keys/revoke", `{"ids":["{sharedkey}"]}`},
	// The audit log (I2), filtered by another organization's user
	{"GET /admin/audit_logs?actor={email}&limit=100", ""},
}

// isoPlaceholderRE finds the placeholders of a call.
var isoPlaceholderRE = regexp.MustCompile(`\{[a-z]+\}`)

// isoCaller is a caller of one organization.
type isoCaller struct {
	name string
	cred apitest.Cred
}

// callers are the organization's admin, member, service account, and the
// person in both organizations acting as their row here, by session and
// by API key.
func (o *isoOrg) callers() []isoCaller {
	return []isoCaller{{"admin", o.admin.Key}, {"member", o.member.Key}, {"service account", o.saKey},
		{"shared person's session", o.shared.Session}, {"shared person's key", o.shared.Key}}
}

// TestOrgIsolationMatrix: every caller of corp-b (admin, member, service
// account key), on every route that names an object, gets for an object
// of the first organization exactly the answer a made-up id gets: same
// status, same problem code, same message once the names are swapped, and
// nothing of the first organization in the body. Where a call names
// several objects, every mix of corp-b's own and the other's is tried.
// The first organization's admin (an instance admin who has not switched)
// and member are checked the other way round. The person in both
// organizations is a caller of each, by session and by key, and answers
// for the other organization's objects, their own row there among them,
// exactly as a stranger does.
func TestOrgIsolationMatrix(t *testing.T) {
	e := apitest.New(t)
	f := newIsoFixture(t, e)
	n := 0
	for _, dir := range []struct {
		name          string
		caller, owner *isoOrg
	}{{"b on first", f.b, f.a}, {"first on b", f.a, f.b}} {
		callers := dir.caller.callers()
		for _, c := range isoCalls {
			names := isoPlaceholders(c.call + " " + c.body)
			for mix := 1; mix < 1<<len(names); mix++ {
				theirs := map[string]bool{}
				for i, p := range names {
					theirs[p] = mix&(1<<i) != 0
				}
				for _, who := range callers {
					n++
					label := fmt.Sprintf("%s/%s/%s %s %s", dir.name, who.name, c.call, c.body, isoMixLabel(names, theirs))
					t.Run(label, func(t *testing.T) {
						isoCompare(within(e, t), dir.caller, dir.owner, who, c.call, c.body, theirs, n)
					})
				}
			}
		}
	}
}

// isoPlaceholders lists a call's placeholders once each, {n} left out.
func isoPlaceholders(s string) []string {
	var out []string
	for _, p := range isoPlaceholderRE.FindAllString(s, -1) {
		if p != "{n}" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// isoMixLabel says which placeholders name the other organization's objects.
func isoMixLabel(names []string, theirs map[string]bool) string {
	var parts []string
	for _, p := range names {
		if theirs[p] {
			parts = append(parts, p+"=other")
		} else {
			parts = append(parts, p+"=own")
		}
	}
	return strings.Join(parts, ",")
}

// isoCompare makes one call with the owner's objects where theirs says so
// (the caller's own elsewhere), then the same call with made-up ones in
// their place, and reports every difference between the answers.
func isoCompare(e *apitest.Env, caller, owner *isoOrg, who isoCaller, call, body string, theirs map[string]bool, n int) {
	t := e.TB
	fill := func(s string, other map[string]string, num int) (string, []string) {
		var asked []string
		s = strings.ReplaceAll(s, "{n}", fmt.Sprint(num))
		for p, mine := range theirs {
			v := caller.vals[p]
			if mine {
				v = other[p]
				asked = append(asked, v)
			}
			s = strings.ReplaceAll(s, p, v)
		}
		return s, asked
	}
	do := func(other map[string]string, num int) (*apitest.Response, []string) {
		c, asked := fill(call, other, num)
		b, _ := fill(body, other, num)
		method, path, _ := strings.Cut(c, " ")
		var payload any
		switch b {
		case "":
		case "<png>":
			payload = teamPNG(16, 16)
		default:
			payload = b
		}
		return e.Do(method, path, payload, who.cred), asked
	}
	real, asked := do(owner.vals, 2*n)
	fake, _ := do(isoFake, 2*n+1)
	if real.StatusCode >= 500 || fake.StatusCode >= 500 {
		t.Errorf("server error: %d %s / %d %s", real.StatusCode, real.Body, fake.StatusCode, fake.Body)
	}
	rp, fp := isoProblem(real.Body, theirs, owner.vals), isoProblem(fake.Body, theirs, isoFake)
	if real.StatusCode != fake.StatusCode || rp.Code != fp.Code || rp.Detail != fp.Detail {
		t.Errorf("the other organization's objects answer %d %q %q,\nmade-up ones %d %q %q",
			real.StatusCode, rp.Code, rp.Detail, fake.StatusCode, fp.Code, fp.Detail)
	}
	if l := owner.leaks(real.Body, asked); len(l) > 0 {
		t.Errorf("answer shows the other organization's %q: %s", l, real.Body)
	}
}

// isoProblem decodes a problem document with the values a call named
// replaced by their placeholders, so that two answers compare.
func isoProblem(body []byte, theirs map[string]bool, vals map[string]string) problem {
	var p problem
	if json.Unmarshal(body, &p) != nil {
		return p
	}
	var phs []string
	for ph, mine := range theirs {
		if mine {
			phs = append(phs, ph)
		}
	}
	// longest first, so that an email is replaced before its username
	slices.SortFunc(phs, func(a, b string) int { return len(vals[b]) - len(vals[a]) })
	for _, ph := range phs {
		p.Detail = strings.ReplaceAll(p.Detail, vals[ph], ph)
	}
	return p
}

// isoLists are the lists, searches and counters an organization's callers
// read: none may show the other organization's users, teams, projects,
// roles, keys or audit entries. {other...} placeholders are the other
// organization's names, searched for on purpose.
var isoLists = []string{
	"/api/v1/users",
	"/api/v1/users?limit=200",
	"/api/v1/users?query={other:uname}",
	"/api/v1/users?query={other:email}",
	"/api/v1/users?query={other:prefix}",
	"/api/v1/users?status=invited",
	"/api/v1/users?role=admin",
	"/api/v1/viewer",
	"/api/v1/users/me",
	"/api/v1/teams",
	"/api/v1/teams?archived=true",
	"/api/v1/teams/{own:team}",
	"/api/v1/teams/{own:team}/members",
	"/api/v1/teams/{own:team}/usage",
	"/api/v1/teams/{own:team}/projects",
	"/api/v1/teams/{own:team}/service-accounts",
	"/api/v1/roles",
	"/api/v1/service-accounts",
	"/api/v1/api-keys",
	"/api/v1/api-keys?query={other:prefix}",
	"/api/v1/license",
	"/api/v1/organization",
	"/api/v1/settings/email",
	"/admin/audit_logs",
	"/admin/audit_logs?limit=1000",
	"/admin/audit_logs?actor={other:email}&limit=100",
}

// TestOrgIsolationLists: every list, search and counter read by a caller
// of one organization shows only that organization, in both directions;
// an answer refused to a caller (403) is a problem document.
func TestOrgIsolationLists(t *testing.T) {
	e := apitest.New(t)
	f := newIsoFixture(t, e)
	for _, dir := range []struct {
		name       string
		own, other *isoOrg
	}{{"b", f.b, f.a}, {"first", f.a, f.b}} {
		for _, who := range dir.own.callers() {
			for _, path := range isoLists {
				p := strings.NewReplacer("{other:uname}", dir.other.member.Username, "{other:email}", dir.other.member.Email,
					"{other:prefix}", dir.other.vals["{team}"][:4], "{own:team}", dir.own.vals["{team}"]).Replace(path)
				t.Run(dir.name+"/"+who.name+" GET "+p, func(t *testing.T) {
					r := e.For(t).Do("GET", p, nil, who.cred)
					if r.StatusCode != 200 && r.StatusCode != 403 {
						t.Fatalf("status %d: %s", r.StatusCode, r.Body)
					}
					asked := []string{dir.other.member.Username, dir.other.member.Email, dir.other.vals["{team}"][:4]}
					if l := dir.other.leaks(r.Body, asked); len(l) > 0 {
						t.Errorf("shows the other organization's %q: %s", l, r.Body)
					}
				})
			}
		}
	}
}

// TestOrgIsolationCounts: the figures an admin reads are the caller's
// organization's: the license page's seats, the organization's id, the
// user list's size and the team's usage.
func TestOrgIsolationCounts(t *testing.T) {
	e := apitest.New(t)
	f := newIsoFixture(t, e)
	// The first organization gets more of everything, so that a figure
	// over the instance is told from corp-b's own.
	for i := range 3 {
		e.MustInvite(f.a.admin.Key, fmt.Sprintf("acorn-extra-%d@example.com", i), "member")
	}
	for _, o := range []*isoOrg{f.a, f.b} {
		users := listAll(t, e, o.admin.Key, nil)
		seats := 0
		for _, u := range users {
			if u.Status == "active" || u.Status == "invited" {
				seats++
			}
		}
		var lic struct{ Seats struct{ Used int } }
		e.Must(200, "GET", "/api/v1/license", nil, o.admin.Key).JSON(t, &lic)
		if lic.Seats.Used != seats {
			t.Errorf("%s: license says %d seats used, its users hold %d", o.ID, lic.Seats.Used, seats)
		}
		var org struct{ ID string }
		e.Must(200, "GET", "/api/v1/organization", nil, o.admin.Key).JSON(t, &org)
		if org.ID != o.ID {
			t.Errorf("GET /api/v1/organization by %s's admin: id %q, want %q", o.ID, org.ID, o.ID)
		}
		var usage struct {
			Members, Projects, Runs int
		}
		e.Must(200, "GET", "/api/v1/teams/"+o.vals["{team}"]+"/usage", nil, o.admin.Key).JSON(t, &usage)
		if usage.Projects != 1 || usage.Runs != 1 {
			t.Errorf("%s usage: %+v, want 1 project and 1 run", o.vals["{team}"], usage)
		}
	}
	if got := len(listAll(t, e, f.b.admin.Key, nil)); got != 5 {
		t.Errorf("corp-b lists %d users, want 5 (birch, beech, hazel, bramble-scim, the invitee)", got)
	}
	// The dashboard's figures and a user's page (web only, read through
	// the use cases): corp-b's admin sees corp-b's active users per day
	// (birch, beech and hazel signed in), and the first organization's user as
	// an unknown one.
	e.MustUser(f.a.admin.Key, "acorn-active", "member")
	bAdmin, err := e.App.KeyActor(t.Context(), string(f.b.admin.Key), roster.Actor{IP: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	days, err := e.App.OrgActivity(t.Context(), bAdmin)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range days {
		total += n
	}
	if total != 3 {
		t.Errorf("corp-b's activity %v, want 3 active users in all", days)
	}
	seats, err := e.App.SeatUsage(t.Context(), bAdmin)
	if err != nil || seats.Used != 5 {
		t.Errorf("corp-b's seat usage %+v %v, want 5 used", seats, err)
	}
	_, realErr := e.App.UserDetail(t.Context(), bAdmin, f.a.member.ID)
	_, fakeErr := e.App.UserDetail(t.Context(), bAdmin, isoFake["{user}"])
	if realErr == nil || strings.ReplaceAll(realErr.Error(), f.a.member.ID, isoFake["{user}"]) != fakeErr.Error() {
		t.Errorf("corp-b's admin opens the first organization's user: %v; an unknown one: %v", realErr, fakeErr)
	}
}

// TestOrgOwnKeysRename: in corp-b, a user renames their own key and an
// admin a service account's key, as in the first organization (the
// renamed key was looked up in the first organization only).
func TestOrgOwnKeysRename(t *testing.T) {
	e := apitest.New(t)
	f := newIsoFixture(t, e)
	for _, o := range []*isoOrg{f.a, f.b} {
		k := e.Must(200, "PATCH", "/api/v1/users/me/api-keys/"+o.vals["{apikey}"], map[string]string{"name": "renamed"}, o.member.Key).Map(t)
		if k["name"] != "renamed" || k["id"] != o.vals["{apikey}"] {
			t.Errorf("%s: renamed key %v", o.ID, k)
		}
		k = e.Must(200, "PATCH", "/api/v1/service-accounts/"+o.vals["{sa}"]+"/api-keys/"+o.vals["{sakey}"], map[string]string{"name": "renamed"}, o.admin.Key).Map(t)
		if k["name"] != "renamed" || k["id"] != o.vals["{sakey}"] {
			t.Errorf("%s: renamed service account key %v", o.ID, k)
		}
	}
}

// TestOrgIsolationSameNames: corp-b takes the first organization's names
// for its own objects, as if they were free (201), and the first
// organization's objects stay as they were.
func TestOrgIsolationSameNames(t *testing.T) {
	e := apitest.New(t)
	f := newIsoFixture(t, e)
	a, b := f.a, f.b.admin.Key
	before := isoSnapshot(t, e, a)
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": a.vals["{team}"], "storage": map[string]string{"type": "default"}}, b)
	e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": a.vals["{role}"], "base": "member", "permissions": []string{"run:stop"}}, b)
	e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "acorn-bot", "default_team": a.vals["{team}"]}, b)
	e.Must(201, "POST", "/api/v1/teams/"+a.vals["{team}"]+"/projects", map[string]string{"name": a.vals["{project}"]}, b)
	u := decodeUser(t, e.Must(201, "POST", "/api/v1/users", map[string]string{"email": a.member.Email, "role": "member"}, b))
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": inviteToken(t, u.InviteURL), "username": a.member.Username, "password": apitest.Password}, apitest.Anonymous)
	e.Must(201, "POST", "/api/v1/teams/"+a.vals["{team}"]+"/members", map[string]string{"username": a.member.Username, "role": a.vals["{role}"]}, b)
	if u.ID == a.member.ID {
		t.Fatalf("corp-b's %s is the first organization's user", a.member.Username)
	}
	// Each organization's sign-in finds its own person under the name.
	s := e.MustLoginIn("corp-b", a.member.Username, apitest.Password)
	if got := getUser(t, e, s, "me"); got.ID != u.ID {
		t.Errorf("signing in to corp-b as %s gives %s, want %s", a.member.Username, got.ID, u.ID)
	}
	if got := getUser(t, e, e.MustLogin(a.member.Username, apitest.Password), "me"); got.ID != a.member.ID {
		t.Errorf("signing in to the first organization as %s gives %s, want %s", a.member.Username, got.ID, a.member.ID)
	}
	if after := isoSnapshot(t, e, a); !slices.Equal(before, after) {
		t.Errorf("the first organization changed:\nbefore %v\nafter  %v", before, after)
	}
}

// isoSnapshot is what o's admin reads of o's users, teams, roles,
// service accounts and projects.
func isoSnapshot(t testing.TB, e *apitest.Env, o *isoOrg) []string {
	t.Helper()
	var out []string
	for _, path := range []string{"/api/v1/users?limit=200", "/api/v1/teams", "/api/v1/roles", "/api/v1/service-accounts",
		"/api/v1/teams/" + o.vals["{team}"] + "/members", "/api/v1/teams/" + o.vals["{team}"] + "/projects"} {
		out = append(out, string(e.Must(200, "GET", path, nil, o.admin.Key).Body))
	}
	return out
}

// TestOrgIsolationLogin: signing in to one organization with a name, an
// email and the password of the other's user answers as an unknown name
// does, and failed sign-ins there do not lock the other's user out.
func TestOrgIsolationLogin(t *testing.T) {
	e := apitest.New(t)
	f := newIsoFixture(t, e)
	for _, c := range []struct {
		org        string
		user       apitest.User
		unknownRef string
	}{{"corp-b", f.a.member, "nobody-here"}, {"corp-b", f.a.admin, "nobody-there"}, {"", f.b.member, "nobody-else"}} {
		for _, ref := range []string{c.user.Username, c.user.Email} {
			real := e.Do("POST", "/api/v1/login", map[string]string{"login": ref, "password": apitest.Password, "organization": c.org}, apitest.Anonymous)
			unknown := strings.Replace(ref, c.user.Username, c.unknownRef, 1)
			fake := e.Do("POST", "/api/v1/login", map[string]string{"login": unknown, "password": apitest.Password, "organization": c.org}, apitest.Anonymous)
			rp, fp := wantProblem(t, real, 401, "bad_credentials"), wantProblem(t, fake, 401, "bad_credentials")
			if strings.ReplaceAll(rp.Detail, ref, unknown) != fp.Detail {
				t.Errorf("sign-in to %q as %s: %q; as unknown %s: %q", c.org, ref, rp.Detail, unknown, fp.Detail)
			}
		}
	}
	// The name's budget in corp-b runs out; the first organization's
	// user of that name is another account with a budget of its own.
	limited := false
	for i := range 12 {
		r := e.Do("POST", "/api/v1/login", map[string]string{"login": f.a.member.Username,
			"password": fmt.Sprintf("wrong %d", i), "organization": "corp-b"}, apitest.Anonymous)
		limited = limited || r.StatusCode == 429
	}
	if !limited {
		t.Errorf("12 failed sign-ins to corp-b as %s were never limited", f.a.member.Username)
	}
	e.MustLogin(f.a.member.Username, apitest.Password)
}
