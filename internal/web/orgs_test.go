package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
)

// webSession is a browser holding a session cookie (of any organization)
// and the CSRF token its pages hand that session.
type webSession struct {
	t    *testing.T
	env  *apitest.Env
	sess apitest.Session
	csrf string
}

func newWebSession(t *testing.T, env *apitest.Env, sess apitest.Session) *webSession {
	t.Helper()
	s := &webSession{t: t, env: env, sess: sess}
	status, body := s.get("/profile")
	m := tokenRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("GET /profile: status %d, no CSRF token: %.300s", status, body)
	}
	s.csrf = m[1]
	return s
}

// do sends a request with the session; form, when not nil, carries the
// CSRF token.
func (s *webSession) do(method, path string, form url.Values, htmx bool) *http.Response {
	s.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", s.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.env.Server.URL+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	req.AddCookie(&http.Cookie{Name: "roster_session", Value: string(s.sess)})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func (s *webSession) get(path string) (int, string) {
	s.t.Helper()
	resp := s.do("GET", path, nil, false)
	defer resp.Body.Close()
	return resp.StatusCode, read(s.t, resp.Body)
}

func (s *webSession) post(path string, form url.Values) (int, string) {
	s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	resp := s.do("POST", path, form, true)
	defer resp.Body.Close()
	return resp.StatusCode, read(s.t, resp.Body)
}

// orgStatus reads an organization's status through the app, as the
// instance's command line would; "" once it is deleted.
func orgStatus(t *testing.T, env *apitest.Env, ref string) roster.OrgStatus {
	t.Helper()
	o, err := env.App.Organization(context.Background(), roster.Actor{Via: roster.ViaCLI}, ref)
	if roster.IsNotFound(err) {
		return ""
	}
	if err != nil {
		t.Fatalf("organization %s: %v", ref, err)
	}
	return o.Status
}

// orgsFixture: root, the instance admin and admin of the first
// organization; corp-b with its admin bella and member bob; carl, a member
// of the first organization.
type orgsFixture struct {
	env             *apitest.Env
	root            apitest.User
	b               apitest.Org
	bob, carl       apitest.User
	rootWeb, bobWeb *webSession
}

func newOrgsFixture(t *testing.T) *orgsFixture {
	env := apitest.New(t)
	f := &orgsFixture{env: env, root: env.MustSignup("root")}
	f.b = env.MustOrg("corp-b", "bella")
	f.bob = env.MustUserIn(f.b, "bob", "member")
	f.carl = env.MustUser(f.root.Key, "carl", "member")
	f.rootWeb, f.bobWeb = newWebSession(t, env, f.root.Session), newWebSession(t, env, f.bob.Session)
	return f
}

// #18: the Organizations page and its changes are for instance admins. An
// organization admin of another organization, a member of it and a member
// of the first organization get the 403 page the other admin pages give,
// see no organization and change nothing; their menu does not offer it.
func TestOrgsPageRefusesAllButInstanceAdmins(t *testing.T) {
	f := newOrgsFixture(t)
	created := f.env.AuditCount(roster.ActOrgCreate) // corp-b's, made from the command line
	callers := map[string]*webSession{
		"corp-b's admin":     newWebSession(t, f.env, f.b.Admin.Session),
		"corp-b's member":    f.bobWeb,
		"first org's member": newWebSession(t, f.env, f.carl.Session),
	}
	for who, c := range callers {
		if _, body := c.get("/"); strings.Contains(body, "menu-organizations") {
			t.Errorf("%s: the avatar menu offers the Organizations page", who)
		}
		status, body := c.get("/instance/organizations")
		if status != http.StatusForbidden || strings.Contains(body, `id="orgs-table"`) || !strings.Contains(body, "only instance admins may manage organizations") {
			t.Errorf("%s opens the Organizations page: %d, want the 403 page: %.300s", who, status, body)
		}
		if status, _ := c.post("/instance/organizations", url.Values{"name": {"sneaky"}, "admin_email": {"eve@example.com"}}); status != http.StatusForbidden {
			t.Errorf("%s creates an organization: %d, want 403", who, status)
		}
		for _, action := range []string{"suspend", "delete"} {
			for _, org := range []string{roster.DefaultOrgID, f.b.ID} {
				if status, _ := c.post("/instance/organizations/"+org+"/"+action, nil); status != http.StatusForbidden {
					t.Errorf("%s: %s %s: %d, want 403", who, action, org, status)
				}
			}
		}
		if status, _ := c.post("/instance/organizations/"+f.b.ID+"/rename", url.Values{"name": {"taken-over"}}); status != http.StatusForbidden {
			t.Errorf("%s renames corp-b: %d, want 403", who, status)
		}
	}
	if st := orgStatus(t, f.env, "corp-b"); st != roster.OrgActive {
		t.Errorf("corp-b is %q after the refused changes", st)
	}
	if st := orgStatus(t, f.env, "sneaky"); st != "" {
		t.Errorf("a refused create made organization sneaky (%s)", st)
	}
	if n := f.env.AuditCount(roster.ActOrgCreate); n != created {
		t.Errorf("%d organization:create entries in the first organization's log, want %d", n, created)
	}
}

// #18: the instance admin sees every organization with its use, creates
// one with a first admin (the invite link shown to copy, as the invite
// flow does without mail), renames, suspends, resumes and deletes it; the
// first organization refuses to be suspended, with the app's reason.
func TestOrgsPageManagesOrganizations(t *testing.T) {
	f := newOrgsFixture(t)
	f.env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, f.b.Admin.Key)
	c := f.rootWeb
	before := map[string]int{}
	for _, action := range []string{roster.ActOrgCreate, roster.ActOrgRename, roster.ActOrgSuspend, roster.ActOrgResume, roster.ActOrgDelete} {
		before[action] = f.env.AuditCount(action)
	}
	if _, body := c.get("/"); !strings.Contains(body, `href="/instance/organizations" id="menu-organizations"`) {
		t.Fatalf("the instance admin's menu lacks the Organizations link")
	}
	status, body := c.get("/instance/organizations")
	if status != http.StatusOK {
		t.Fatalf("GET /instance/organizations: %d %.300s", status, body)
	}
	row := rowOf(t, body, "corp-b")
	for _, want := range []string{"<code>corp-b</code>", ">Active<", `data-label="Users">2<`, `data-label="Seats used">2<`, `data-label="Teams">1<`} {
		if !strings.Contains(row, want) {
			t.Errorf("corp-b's row lacks %q: %s", want, row)
		}
	}
	if first := rowOf(t, body, "Roster"); !strings.Contains(first, `data-label="Users">2<`) || !strings.Contains(first, `data-label="Teams">0<`) {
		t.Errorf("the first organization's row does not count root and carl, and no team: %s", first)
	}

	status, body = c.post("/instance/organizations", url.Values{"name": {"corp-c"}, "display_name": {"Corp C"}, "admin_email": {"cleo@example.com"}})
	if status != http.StatusOK || !strings.Contains(body, "Organization corp-c created; its first admin is invited: cleo@example.com") {
		t.Fatalf("create corp-c: %d %.500s", status, body)
	}
	link := copyValueRE.FindStringSubmatch(body)
	if link == nil || !strings.Contains(link[1], "/invite/") {
		t.Fatalf("the answer shows no invite link to copy: %.1000s", body)
	}
	if !strings.Contains(rowOf(t, body, "corp-c"), "Corp C") {
		t.Errorf("the table lacks corp-c: %s", body)
	}
	status, body = c.post("/instance/organizations", url.Values{"name": {"corp-c"}})
	if status != http.StatusConflict || !strings.Contains(body, "organization name corp-c is already taken") || !strings.Contains(body, `id="org-name-error"`) {
		t.Errorf("a taken name: %d, want 409 beside the field: %.600s", status, body)
	}
	if status, body = c.post("/instance/organizations", url.Values{"name": {"bad name!"}}); status != http.StatusBadRequest || !strings.Contains(body, "organization name") {
		t.Errorf("a bad name: %d, want 400 saying why: %.600s", status, body)
	}

	id := orgID(t, f.env, "corp-c")
	status, body = c.post("/instance/organizations/"+id+"/rename", url.Values{"name": {"corp-see"}, "display_name": {"Corp See"}})
	if status != http.StatusOK || !strings.Contains(body, "Organization renamed: corp-see (Corp See)") || !strings.Contains(rowOf(t, body, "corp-see"), "Corp See") {
		t.Errorf("rename: %d %.600s", status, body)
	}
	if status, body = c.post("/instance/organizations/"+id+"/suspend", nil); status != http.StatusOK || !strings.Contains(rowOf(t, body, "corp-see"), ">Suspended<") {
		t.Errorf("suspend: %d %.600s", status, body)
	}
	if orgStatus(t, f.env, id) != roster.OrgSuspended {
		t.Errorf("corp-see is not suspended")
	}
	if status, body = c.post("/instance/organizations/"+id+"/resume", nil); status != http.StatusOK || !strings.Contains(rowOf(t, body, "corp-see"), ">Active<") {
		t.Errorf("resume: %d %.600s", status, body)
	}
	status, body = c.post("/instance/organizations/"+roster.DefaultOrgID+"/suspend", nil)
	if status != http.StatusConflict || !strings.Contains(body, "the instance&#39;s first organization cannot be suspended or deleted") {
		t.Errorf("suspending the first organization: %d, want 409 saying why: %.600s", status, body)
	}
	if status, body = c.post("/instance/organizations/org_nope/delete", nil); status != http.StatusNotFound {
		t.Errorf("deleting an unknown organization: %d, want 404: %.300s", status, body)
	}
	status, body = c.post("/instance/organizations/"+id+"/delete", nil)
	if status != http.StatusOK || !strings.Contains(body, "Organization corp-see deleted") || strings.Contains(body, `data-org="corp-see"`) {
		t.Errorf("delete: %d %.600s", status, body)
	}
	for _, action := range []string{roster.ActOrgCreate, roster.ActOrgRename, roster.ActOrgSuspend, roster.ActOrgResume, roster.ActOrgDelete} {
		if n := f.env.AuditCount(action) - before[action]; n != 1 {
			t.Errorf("%d new %s entries in the instance admin's log, want 1", n, action)
		}
	}
}

// #18: the web sign-in takes an optional organization; ?org=NAME prefills
// it behind "Change organization". A member of a suspended organization
// is refused with its message, and a session of one ends on the sign-in
// page that says so, not a 500.
func TestSignInNamesTheOrganization(t *testing.T) {
	f := newOrgsFixture(t)
	v := newVisitor(t, f.env)
	_, page, token := v.get("/sign-in?org=corp-b")
	if !strings.Contains(page, `id="org-chosen">Organization: <strong>corp-b</strong>`) || !strings.Contains(page, `name="org" type="text" autocomplete="organization" value="corp-b"`) ||
		strings.Contains(page, `id="org-choice" open`) {
		t.Errorf("?org=corp-b does not prefill the folded field: %.3000s", page)
	}
	signIn := func(org, login string) (int, string, *http.Response) {
		resp, err := v.client.PostForm(f.env.Server.URL+"/sign-in", url.Values{"csrf": {token}, "login": {login}, "password": {apitest.Password}, "org": {org}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode, read(t, resp.Body), resp
	}
	if status, body, _ := signIn("", "bob"); status != http.StatusUnauthorized || !strings.Contains(body, "value=\"\"") {
		t.Errorf("bob without an organization: %d, want 401 (he is not in the first): %.300s", status, body)
	}
	status, _, resp := signIn("corp-b", "bob")
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("bob signs in to corp-b: %d, Location %q", status, resp.Header.Get("Location"))
	}
	if _, home, _ := v.get("/"); !strings.Contains(home, `id="top-org" title="Your organization">corp-b<`) {
		t.Errorf("bob's header does not name corp-b: %.1500s", home)
	}

	if _, err := f.env.App.SuspendOrganization(context.Background(), roster.Actor{Via: roster.ViaCLI}, "corp-b"); err != nil {
		t.Fatal(err)
	}
	resp = f.bobWeb.do("GET", "/org/teams", nil, false)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/sign-in?") || !strings.Contains(loc, "suspended=1") {
		t.Fatalf("bob's session in the suspended corp-b: %d, Location %q, want the sign-in page saying why", resp.StatusCode, loc)
	}
	if status, _, _ := v.get("/sign-in"); status != http.StatusSeeOther {
		t.Errorf("the visitor's own session in corp-b: %d, want a redirect to say why", status)
	}
	if _, page, _ := v.get("/sign-in?suspended=1"); !strings.Contains(page, "Your organization is suspended, so you were signed out") {
		t.Errorf("the sign-in page does not say the organization is suspended: %.2000s", page)
	}
	_, _, token = v.get("/sign-in")
	if status, body, _ := signIn("corp-b", "bob"); status != http.StatusUnauthorized || !strings.Contains(body, "your organization is suspended; ask your instance admin to resume it") {
		t.Errorf("bob signs in to the suspended corp-b: %d, want 401 with the message: %.1500s", status, body)
	}
}

// #18: accepting an invite to another organization in the web signs the
// new member in to that organization (the invite names it), not the first.
func TestInviteToAnotherOrganizationSignsInThere(t *testing.T) {
	f := newOrgsFixture(t)
	_, body := f.rootWeb.post("/instance/organizations", url.Values{"name": {"corp-d"}, "admin_email": {"dora@example.com"}})
	link := copyValueRE.FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no invite link: %.600s", body)
	}
	path := link[1][strings.Index(link[1], "/invite/"):]
	v := newVisitor(t, f.env)
	_, _, token := v.get(path)
	status, page := v.post(path, url.Values{"csrf": {token}, "username": {"dora"}, "password": {apitest.Password}})
	if status != http.StatusSeeOther {
		t.Fatalf("accept the invite: %d %.600s", status, page)
	}
	if _, home, _ := v.get("/"); !strings.Contains(home, `id="top-org" title="Your organization">corp-d<`) || !strings.Contains(home, `id="menu-dashboard"`) {
		t.Errorf("dora is not signed in to corp-d as its admin: %.1500s", home)
	}
}

// copyValueRE finds a value offered to copy, such as an invite link.
var copyValueRE = regexp.MustCompile(`class="copy-value" type="text" readonly value="([^"]+)"`)

// rowOf returns the organizations table's row of the organization name.
func rowOf(t *testing.T, body, name string) string {
	t.Helper()
	start := strings.Index(body, `data-org="`+name+`"`)
	if start < 0 {
		t.Fatalf("no row of %s in %.1500s", name, body)
	}
	end := strings.Index(body[start:], "</tr>")
	if end < 0 {
		t.Fatalf("the row of %s does not end", name)
	}
	return body[start : start+end]
}

// orgID is an organization's id, read as the command line would.
func orgID(t *testing.T, env *apitest.Env, name string) string {
	t.Helper()
	o, err := env.App.Organization(context.Background(), roster.Actor{Via: roster.ViaCLI}, name)
	if err != nil {
		t.Fatalf("organization %s: %v", name, err)
	}
	return o.ID
}
