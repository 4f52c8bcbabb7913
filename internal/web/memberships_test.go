package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"roster"
	"roster/internal/api"
	"roster/internal/apitest"
	"roster/internal/app"
)

// accountsFixture (#18): root, the instance admin of the first
// organization (Roster); corp-b (shown as Bella Works) with its admin
// bella; corp-c (Cleo Labs) with its admin cleo; sam, a member of the
// first organization who joined corp-b with his account; carl, a member
// of the first organization only.
type accountsFixture struct {
	env             *apitest.Env
	root            apitest.User
	b, c            apitest.Org
	sam, samB, carl apitest.User
}

func newAccountsFixture(t *testing.T) *accountsFixture {
	env := apitest.New(t)
	f := &accountsFixture{env: env, root: env.MustSignup("root")}
	f.b, f.c = env.MustOrg("corp-b", "bella"), env.MustOrg("corp-c", "cleo")
	for name, display := range map[string]string{"corp-b": "Bella Works", "corp-c": "Cleo Labs"} {
		if _, err := env.App.UpdateOrganization(context.Background(), roster.Actor{Via: roster.ViaCLI}, name,
			app.OrgInput{Name: name, DisplayName: display}); err != nil {
			t.Fatalf("name %s: %v", name, err)
		}
	}
	f.sam = env.MustUser(f.root.Key, "sam", "member")
	f.samB = env.MustJoin(f.b, f.sam, "member")
	f.carl = env.MustUser(f.root.Key, "carl", "member")
	return f
}

// postPlain submits a form as a browser without scripts does (no htmx),
// with the page's CSRF token unless csrf is false, and returns the
// response (its body read) and the session cookie it sets, if any.
func (s *webSession) postPlain(path string, form url.Values, csrf bool) (*http.Response, string, apitest.Session) {
	s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	var resp *http.Response
	if csrf {
		resp = s.do("POST", path, form, false)
	} else {
		req, err := http.NewRequestWithContext(s.t.Context(), "POST", s.env.Server.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			s.t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "roster_session", Value: string(s.sess)})
		if resp, err = http.DefaultTransport.RoundTrip(req); err != nil {
			s.t.Fatalf("POST %s: %v", path, err)
		}
	}
	defer resp.Body.Close()
	body := read(s.t, resp.Body)
	var set apitest.Session
	for _, c := range resp.Cookies() {
		if c.Name == "roster_session" && c.Value != "" {
			set = apitest.Session(c.Value)
		}
	}
	return resp, body, set
}

// wantSwitchedHome checks that resp sent the browser home with a new
// session, that the old one s held has ended, and returns a browser
// holding the new one.
func wantSwitchedHome(t *testing.T, s *webSession, resp *http.Response, body string, moved apitest.Session) *webSession {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" || moved == "" || moved == s.sess {
		t.Fatalf("status %d, Location %q, new session %t, want 303 home with a new session: %.500s",
			resp.StatusCode, resp.Header.Get("Location"), moved != "" && moved != s.sess, body)
	}
	old := s.do("GET", "/profile", nil, false)
	old.Body.Close()
	if !apitest.SentToSignIn(&apitest.Response{Response: old}) {
		t.Errorf("the old session still opens /profile: %d", old.StatusCode)
	}
	wantProblem(t, s.env.Do("GET", "/api/v1/viewer", nil, s.sess), http.StatusUnauthorized)
	return newWebSession(t, s.env, moved)
}

// wantProblem checks a REST answer's status.
func wantProblem(t *testing.T, r *apitest.Response, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Errorf("status %d, want %d: %.300s", r.StatusCode, status, r.Body)
	}
}

// viewerID is the id of the user a session acts as.
func viewerID(t *testing.T, env *apitest.Env, sess apitest.Session) string {
	t.Helper()
	var v api.Viewer
	env.Must(200, "GET", "/api/v1/viewer", nil, sess).JSON(t, &v)
	if v.User == nil {
		t.Fatal("the viewer is no user")
	}
	return v.User.ID
}

// topOrg is the header's organization, as the page shows it.
func topOrg(name string) string { return `id="top-org" title="Your organization">` + name + `<` }

// switchButton is the avatar menu's switch to an organization.
func switchButton(org apitest.Org, display string) string {
	return `<input type="hidden" name="organization" value="` + org.ID + `"><button type="submit" data-org="` + org.ID + `">` + display + `</button>`
}

// #18: the avatar menu lists the person's own other memberships, by
// display name, and nothing else: not the current organization, not an
// organization they are not in; someone in one organization sees no
// switcher at all.
func TestOrgSwitcherListsOwnMemberships(t *testing.T) {
	f := newAccountsFixture(t)
	_, home := newWebSession(t, f.env, f.sam.Session).get("/")
	if !strings.Contains(home, topOrg("Roster")) || !strings.Contains(home, `id="menu-switch"`) || !strings.Contains(home, switchButton(f.b, "Bella Works")) {
		t.Errorf("sam's menu in the first organization does not offer Bella Works: %.3000s", home)
	}
	for _, not := range []string{"Cleo Labs", f.c.ID, `data-org="` + roster.DefaultOrgID + `"`} {
		if strings.Contains(home, not) {
			t.Errorf("sam's page names %q: %.3000s", not, home)
		}
	}
	_, home = newWebSession(t, f.env, f.samB.Session).get("/")
	if !strings.Contains(home, topOrg("Bella Works")) || !strings.Contains(home, `value="`+roster.DefaultOrgID+`"><button type="submit" data-org="`+roster.DefaultOrgID+`">Roster</button>`) ||
		strings.Contains(home, `data-org="`+f.b.ID+`"`) || strings.Contains(home, "Cleo Labs") {
		t.Errorf("sam's menu in corp-b does not offer exactly the first organization: %.3000s", home)
	}
	for who, sess := range map[string]apitest.Session{"carl": f.carl.Session, "bella": f.b.Admin.Session, "cleo": f.c.Admin.Session, "root": f.root.Session} {
		_, home := newWebSession(t, f.env, sess).get("/")
		if strings.Contains(home, `id="menu-switch"`) || strings.Contains(home, "Switch organization") {
			t.Errorf("%s, in one organization, is offered a switch: %.3000s", who, home)
		}
		for _, other := range []string{"Bella Works", "Cleo Labs"} {
			if strings.Contains(home, other) && !strings.Contains(home, topOrg(other)) {
				t.Errorf("%s's page names %s, an organization they are not in", who, other)
			}
		}
	}
}

// #18: the switch moves the session: a new cookie acting in the other
// organization, the old one ended, the move audited in both logs. An
// organization the person is not in (existing or not, or forged), the
// current one, and a post without the CSRF token are refused with a clear
// message and change no session.
func TestSwitchOrganizationMovesTheSession(t *testing.T) {
	f := newAccountsFixture(t)
	sam := newWebSession(t, f.env, f.sam.Session)

	for _, org := range []string{f.c.ID, "corp-c", "org_nope", "", roster.DefaultOrgID + "x", "%00"} {
		resp, body, set := sam.postPlain("/switch-organization", url.Values{"organization": {org}}, true)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "you are not a member of that organization") || set != "" {
			t.Errorf("switch to %q: %d, new session %t, want 404 not a member: %.500s", org, resp.StatusCode, set != "", body)
		}
	}
	resp, body, set := sam.postPlain("/switch-organization", url.Values{"organization": {roster.DefaultOrgID}}, true)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "you are already acting in that organization") || set != "" {
		t.Errorf("switch to the current organization: %d, want 409: %.500s", resp.StatusCode, body)
	}
	resp, body, set = sam.postPlain("/switch-organization", url.Values{"organization": {f.b.ID}}, false)
	if resp.StatusCode != http.StatusForbidden || set != "" {
		t.Errorf("a switch without the CSRF token: %d, want 403: %.500s", resp.StatusCode, body)
	}
	if id := viewerID(t, f.env, f.sam.Session); id != f.sam.ID {
		t.Fatalf("after the refusals sam's session acts as %s, want %s", id, f.sam.ID)
	}
	if n := f.env.AuditCount(roster.ActUserSwitchOrg); n != 0 {
		t.Errorf("%d switch entries after refusals only", n)
	}

	resp, body, set = sam.postPlain("/switch-organization", url.Values{"organization": {f.b.ID}}, true)
	inB := wantSwitchedHome(t, sam, resp, body, set)
	if id := viewerID(t, f.env, inB.sess); id != f.samB.ID {
		t.Errorf("the new session acts as %s, want sam's row in corp-b %s", id, f.samB.ID)
	}
	if _, home := inB.get("/"); !strings.Contains(home, topOrg("Bella Works")) || !strings.Contains(home, `data-org="`+roster.DefaultOrgID+`"`) {
		t.Errorf("after the switch the header does not name Bella Works with a way back: %.3000s", home)
	}
	if n := f.env.AuditCount(roster.ActUserSwitchOrg); n != 1 {
		t.Errorf("%d switch entries in the first organization's log, want 1", n)
	}

	// Back, with htmx: the same move, answered by HX-Redirect.
	hx := inB.do("POST", "/switch-organization", url.Values{"organization": {roster.DefaultOrgID}}, true)
	hx.Body.Close()
	if hx.StatusCode != http.StatusOK || hx.Header.Get("HX-Redirect") != "/" {
		t.Errorf("the switch back by htmx: %d, HX-Redirect %q", hx.StatusCode, hx.Header.Get("HX-Redirect"))
	}
	wantProblem(t, f.env.Do("GET", "/api/v1/viewer", nil, inB.sess), http.StatusUnauthorized)
}

// #18: a signed-in visitor of another organization's invite link is
// offered to join with their account (username optional), beside the
// usual form; joining moves their session there. A signed-out visitor
// sees the page as before, and cannot join with an account.
func TestJoinWithAccountFromInvitePage(t *testing.T) {
	f := newAccountsFixture(t)
	_, token := f.env.MustInvite(f.c.Admin.Key, "carl.labs@example.com", "member")
	path := "/invite/" + token

	v := newVisitor(t, f.env)
	status, page, csrf := v.get(path)
	if status != http.StatusOK || strings.Contains(page, `id="join-form"`) || strings.Contains(page, "join_account") ||
		!strings.Contains(page, `<button type="submit" class="button primary block">Accept invite</button>`) {
		t.Errorf("the signed-out invite page: %d %.3000s", status, page)
	}
	resp, err := v.client.PostForm(f.env.Server.URL+path, url.Values{"csrf": {csrf}, "join_account": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !apitest.SentToSignIn(&apitest.Response{Response: resp}) {
		t.Errorf("a signed-out join: %d, want the sign-in page", resp.StatusCode)
	}

	carl := newWebSession(t, f.env, f.carl.Session)
	_, page = carl.get(path)
	for _, want := range []string{`id="join-form"`, `name="join_account" value="1"`, `id="join-username" name="username" type="text" autocomplete="username" value="carl"`,
		`id="join-submit">Join Cleo Labs with your account carl</button>`, `id="invite-form"`, `class="button block">Accept invite</button>`} {
		if !strings.Contains(page, want) {
			t.Errorf("carl's invite page lacks %q: %.4000s", want, page)
		}
	}
	// cleo's username is taken in corp-c: said beside the field, nothing joined.
	status, frag := carl.post(path, url.Values{"join_account": {"1"}, "username": {"cleo"}})
	if status != http.StatusConflict || !strings.Contains(frag, `id="join-form"`) || !strings.Contains(frag, `aria-invalid="true"`) || !strings.Contains(frag, "cleo") {
		t.Errorf("joining as cleo: %d, want 409 beside the field: %.2000s", status, frag)
	}
	if id := viewerID(t, f.env, f.carl.Session); id != f.carl.ID {
		t.Fatalf("the refused join moved carl's session to %s", id)
	}

	resp, body, set := carl.postPlain(path, url.Values{"join_account": {"1"}, "username": {""}}, true)
	inC := wantSwitchedHome(t, carl, resp, body, set)
	var me api.Viewer
	f.env.Must(200, "GET", "/api/v1/viewer", nil, inC.sess).JSON(t, &me)
	if me.User == nil || me.User.ID == f.carl.ID || me.User.Username != "carl" {
		t.Errorf("after joining, the session acts as %+v, want carl's new row in corp-c", me.User)
	}
	if _, home := inC.get("/"); !strings.Contains(home, topOrg("Cleo Labs")) || !strings.Contains(home, `data-org="`+roster.DefaultOrgID+`"`) {
		t.Errorf("after joining, the header does not name Cleo Labs with a way back: %.3000s", home)
	}
	if status, _ := inC.get(path); status != http.StatusNotFound {
		t.Errorf("the used link opens with %d, want 404", status)
	}
	// One password: carl signs in to corp-c with his own.
	f.env.MustLoginIn("corp-c", "carl", apitest.Password)
}

// #18: the Organizations page offers Enter for every active organization
// but the instance admin's current one; entering moves their session
// there as an admin. Suspended organizations have no Enter, and refuse it;
// other people's posts to the route are refused and move nothing.
func TestEnterOrganizationFromOrgsPage(t *testing.T) {
	f := newAccountsFixture(t)
	if _, err := f.env.App.SuspendOrganization(context.Background(), roster.Actor{Via: roster.ViaCLI}, "corp-c"); err != nil {
		t.Fatal(err)
	}
	root := newWebSession(t, f.env, f.root.Session)
	_, page := root.get("/instance/organizations")
	if !strings.Contains(rowOf(t, page, "corp-b"), `data-action="enter" aria-label="Enter corp-b"`) {
		t.Errorf("corp-b's row offers no Enter: %s", rowOf(t, page, "corp-b"))
	}
	for _, name := range []string{"Roster", "corp-c"} {
		if strings.Contains(rowOf(t, page, name), `data-action="enter"`) {
			t.Errorf("the row of %s (current or suspended) offers Enter", name)
		}
	}

	entered := f.env.AuditCount(roster.ActOrgEnter)
	for who, sess := range map[string]apitest.Session{"bella, corp-b's admin": f.b.Admin.Session, "carl": f.carl.Session, "sam": f.sam.Session} {
		c := newWebSession(t, f.env, sess)
		before := viewerID(t, f.env, sess)
		for _, org := range []string{roster.DefaultOrgID, f.b.ID, f.c.ID} {
			resp, body, set := c.postPlain("/instance/organizations/"+org+"/enter", nil, true)
			if resp.StatusCode != http.StatusForbidden || set != "" || !strings.Contains(body, "instance admin") {
				t.Errorf("%s enters %s: %d, new session %t, want 403: %.300s", who, org, resp.StatusCode, set != "", body)
			}
		}
		if after := viewerID(t, f.env, sess); after != before {
			t.Errorf("%s's session moved to %s", who, after)
		}
	}
	resp, body, set := root.postPlain("/instance/organizations/"+f.b.ID+"/enter", nil, false)
	if resp.StatusCode != http.StatusForbidden || set != "" {
		t.Errorf("an entry without the CSRF token: %d, want 403: %.300s", resp.StatusCode, body)
	}
	status, body := root.post("/instance/organizations/"+f.c.ID+"/enter", url.Values{})
	if status != http.StatusConflict || !strings.Contains(body, "organization corp-c is suspended") || !strings.Contains(body, `id="orgs-table"`) {
		t.Errorf("entering the suspended corp-c: %d, want 409 above the table: %.600s", status, body)
	}
	if n := f.env.AuditCount(roster.ActOrgEnter); n != entered {
		t.Errorf("%d organization:enter entries after refusals only, want %d", n, entered)
	}

	resp, body, set = root.postPlain("/instance/organizations/"+f.b.ID+"/enter", nil, true)
	inB := wantSwitchedHome(t, root, resp, body, set)
	_, home := inB.get("/")
	if !strings.Contains(home, topOrg("Bella Works")) || !strings.Contains(home, `id="menu-dashboard"`) || !strings.Contains(home, `data-org="`+roster.DefaultOrgID+`"`) {
		t.Errorf("after entering, root is not corp-b's admin with a way back: %.3000s", home)
	}
	if n := f.env.AuditCount(roster.ActOrgEnter); n != entered+1 {
		t.Errorf("%d organization:enter entries in root's log, want %d", n, entered+1)
	}
}
