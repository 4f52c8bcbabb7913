package web_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"roster/internal/apitest"
)

// TestBrowserScreenshots fills an instance with people, teams, projects
// and two weeks of runs, then photographs every main page at desktop
// (1280 px) and phone (390 px) width; scripts/screenshots.sh keeps them in
// screenshots/ for a reader to see.
func TestBrowserScreenshots(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.Must(200, "PATCH", "/api/v1/users/me", map[string]string{"name": "Ada Lovelace"}, ada.Key)
	bob := env.MustUser(ada.Key, "bob", "member")
	env.MustUser(ada.Key, "carol", "viewer")
	env.MustUser(ada.Key, "erin", "member")
	env.Must(200, "POST", "/api/v1/users/erin/deactivate", nil, ada.Key)
	_, token := env.MustInvite(ada.Key, "dave@example.com", "member")
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
	widths := []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 800}}
	for _, width := range widths { // signed out first, then in at the last width
		b.do("viewport "+width.name, chromedp.EmulateViewport(width.w, width.h, chromedp.EmulateScale(1)))
		b.visit("/sign-in")
		b.screenshot("sign-in-" + width.name)
		b.visit("/invite/" + token)
		b.screenshot("invite-" + width.name)
	}
	b.signIn("ada", password)
	for _, width := range widths {
		b.do("viewport "+width.name, chromedp.EmulateViewport(width.w, width.h, chromedp.EmulateScale(1)))
		for _, p := range mainPages("vision", "bob") {
			b.visit(p)
			b.settled()
			b.screenshot(screenshotName(p) + "-" + width.name)
		}
	}
}

// screenshotName names a page's screenshot after its path: /org/users is
// org-users, / is home.
func screenshotName(path string) string {
	if path == "/" {
		return "home"
	}
	return strings.ReplaceAll(strings.Trim(path, "/"), "/", "-")
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
