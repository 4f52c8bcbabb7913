package web_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"roster/internal/apitest"
)

// TestBrowserScreenshots fills an instance with people, teams, projects
// and a month of runs, then photographs the main pages into screenshots/
// (named in the README) so a reader can see them.
func TestBrowserScreenshots(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.Must(200, "PATCH", "/api/v1/users/me", map[string]string{"name": "Ada Lovelace"}, ada.Key)
	bob := env.MustUser(ada.Key, "bob", "member")
	env.MustUser(ada.Key, "carol", "viewer")
	env.MustUser(ada.Key, "erin", "member")
	env.Must(200, "POST", "/api/v1/users/erin/deactivate", nil, ada.Key)
	env.MustInvite(ada.Key, "dave@example.com", "member")
	for _, team := range []string{"vision", "nlp"} {
		env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": team, "storage": map[string]string{"type": "default"}}, ada.Key)
	}
	env.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "editor", "description": "edits any project", "base": "member", "permissions": []string{"project:update", "run:update"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob", "role": "admin"}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "carol", "role": "viewer"}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"email": "frank@example.com", "role": "editor"}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/nlp/members", map[string]string{"username": "bob"}, ada.Key)
	for _, p := range []string{"detector", "segmenter"} {
		env.Must(201, "POST", "/api/v1/teams/vision/projects", map[string]string{"name": p, "description": "object " + p}, bob.Key)
	}
	states := []string{"finished", "finished", "crashed", "running"}
	for day := range 14 {
		for i := range day%4 + 1 {
			name := fmt.Sprintf("run-%d-%d", day, i)
			env.Must(201, "POST", "/api/v1/teams/vision/projects/detector/runs", map[string]string{"name": name, "state": states[(day+i)%4]}, bob.Key)
		}
		env.Clock.Advance(24 * time.Hour)
	}

	b := newTab(t, newBrowser(t), env)
	b.visit("/sign-in")
	b.screenshot("sign-in")
	b.signIn("ada", password)
	for _, s := range []struct{ path, wait, name string }{
		{"/org/users", "#users-table", "dashboard"},
		{"/teams/vision/settings/members", "#members-table", "team-settings-members"},
		{"/teams/vision", "#recent-runs", "team-home"},
		{"/teams/vision/settings/usage", "#runs-chart", "team-settings-usage"},
		{"/org/roles", "#role-list", "custom-roles"},
		{"/org/audit", "#audit-table", "audit-log"},
		{"/org/settings", "#license-card", "organization-settings"},
	} {
		b.visit(s.path)
		b.waitText(s.wait, "")
		b.screenshot(s.name)
	}
}

// TestBrowserCrossSiteFormIsRefused has a page of another site post a
// form to Roster while the admin is signed in: the browser marks the
// request cross-site and Roster refuses it with a 403 page.
func TestBrowserCrossSiteFormIsRefused(t *testing.T) {
	f := newFixture(t)
	b := newTab(t, newBrowser(t), f.env)
	b.signIn("ada", password)

	evil := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s/org/users">
<input name="email" value="mallory@example.com"><input name="role" value="admin"><input name="csrf" value="guess"></form>
<script>document.getElementById("f").submit()</script>`, f.env.Server.URL)
	}))
	// Another loopback address is another site; another port at least
	// another origin, which CrossOriginProtection refuses as well.
	if ln, err := net.Listen("tcp", "127.0.0.2:0"); err == nil {
		evil.Listener.Close()
		evil.Listener = ln
	}
	evil.Start()
	defer evil.Close()

	b.do("open the other site", chromedpNavigate(evil.URL))
	b.waitPath("/org/users")
	b.waitText("main", "cross-origin requests that change state are refused")
	b.waitText("h1", "403")
	if r := f.env.Do("GET", "/api/v1/users/mallory@example.com", nil, f.ada.Key); r.StatusCode != http.StatusNotFound {
		t.Fatalf("the cross-site post invited mallory: %d %s", r.StatusCode, r.Body)
	}
}
