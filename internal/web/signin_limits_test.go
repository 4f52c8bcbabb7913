package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
)

var csrfFieldRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formClient is a cookie-keeping client that does not follow redirects.
type formClient struct {
	env    *apitest.Env
	client *http.Client
}

func newFormClient(env *apitest.Env) *formClient {
	return &formClient{env: env, client: &http.Client{Jar: apitest.NewJar(), Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn fills the sign-in form and returns the answer's status.
func (b *formClient) signIn(t *testing.T, login, password string) int {
	t.Helper()
	resp, err := b.client.Get(b.env.Server.URL + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfFieldRE.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on /sign-in: %s", page)
	}
	resp, err = b.client.PostForm(b.env.Server.URL+"/sign-in", url.Values{"csrf": {string(m[1])}, "login": {login}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther {
		b.signOut(t)
	}
	return resp.StatusCode
}

// signOut forgets the session and keeps the device cookie, as signing out
// does.
func (b *formClient) signOut(t *testing.T) {
	u, _ := url.Parse(b.env.Server.URL)
	var keep []*http.Cookie
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == "roster_session" {
			c.MaxAge = -1
		}
		keep = append(keep, c)
	}
	b.client.Jar.SetCookies(u, keep)
}

// M4a: the web sign-in gives the browser a device cookie, and a browser
// that signed in before still signs in while an attacker's failures lock
// the account for everyone else.
func TestWebSignInFromKnownBrowserSurvivesLockout(t *testing.T) {
	env := apitest.New(t)
	admin := env.MustSignup("ada")
	bob := env.MustUser(admin.Key, "bob", "member")
	known, fresh := newFormClient(env), newFormClient(env)
	if got := known.signIn(t, "bob", apitest.Password); got != http.StatusSeeOther {
		t.Fatalf("first sign-in: status %d, want 303", got)
	}
	u, _ := url.Parse(env.Server.URL)
	hasDevice := false
	for _, c := range known.client.Jar.Cookies(u) {
		hasDevice = hasDevice || c.Name == "roster_device"
	}
	if !hasDevice {
		t.Fatal("web sign-in set no device cookie")
	}
	attacker := newFormClient(env)
	for i := range 12 {
		attacker.signIn(t, "bob", fmt.Sprintf("guess %d", i))
	}
	if got := attacker.signIn(t, "bob", "guess"); got != http.StatusTooManyRequests {
		t.Fatalf("attacker after 13 guesses: status %d, want 429", got)
	}
	if got := fresh.signIn(t, "bob", apitest.Password); got != http.StatusTooManyRequests {
		t.Errorf("new browser with the right password: status %d, want 429 while locked", got)
	}
	if got := known.signIn(t, "bob", apitest.Password); got != http.StatusSeeOther {
		t.Errorf("known browser with the right password: status %d, want 303", got)
	}

	// The dashboard marks bob locked and its menu unlocks him.
	dash := newFormClient(env)
	dash.client.Jar.SetCookies(u, []*http.Cookie{{Name: "roster_session", Value: string(admin.Session)}})
	page := dash.get(t, "/org/users")
	if n := strings.Count(page, `class="badge badge-locked"`); n != 1 {
		t.Fatalf("dashboard shows %d Locked badges, want 1 (bob)", n)
	}
	m := csrfFieldRE.FindStringSubmatch(page)
	resp, err := dash.client.PostForm(env.Server.URL+"/org/users/"+bob.ID+"/unlock", url.Values{"csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || env.AuditCount("user:unlock") != 1 {
		t.Fatalf("unlock from the dashboard: status %d, %d user:unlock entries", resp.StatusCode, env.AuditCount("user:unlock"))
	}
	if strings.Contains(dash.get(t, "/org/users"), "badge-locked") {
		t.Error("bob still marked locked after unlock")
	}
	if got := fresh.signIn(t, "bob", apitest.Password); got != http.StatusSeeOther {
		t.Errorf("new browser after unlock: status %d, want 303", got)
	}
}

// get reads a page.
func (b *formClient) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := b.client.Get(b.env.Server.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	return string(body)
}
