package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/web"
)

// fixture is an instance with an admin, a member, a team, a custom role,
// an API key and a pending invite, so every route has something to show.
type fixture struct {
	env          *apitest.Env
	ada          apitest.User
	bobID, token string
}

func newFixture(t *testing.T) *fixture {
	env := apitest.New(t)
	f := &fixture{env: env, ada: env.MustSignup("ada")}
	f.bobID = env.MustUser(f.ada.Key, "bob", "member").ID
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, f.ada.Key)
	env.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "editor", "base": "member", "permissions": []string{"project:update"}}, f.ada.Key)
	_, f.token = env.MustInvite(f.ada.Key, "carol@example.com", "member")
	return f
}

// path fills a route pattern's wildcards with the fixture's names.
func (f *fixture) path(pattern string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	return strings.NewReplacer("{team}", "vision", "{id}", f.bobID, "{user}", f.bobID, "{role}", "editor", "{token}", f.token).Replace(p)
}

// request sends a request with ada's session cookie and extra headers.
func (f *fixture) request(t *testing.T, method, path string, form url.Values, header map[string]string) *http.Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequestWithContext(t.Context(), method, f.env.Server.URL+path, body)
	req.RequestURI = ""
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: "roster_session", Value: string(f.ada.Session)})
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

var tokenRE = regexp.MustCompile(`"X-CSRF-Token": "([A-Za-z0-9_-]+)"`)

// csrf reads the token a page hands ada's session.
func (f *fixture) csrf(t *testing.T) string {
	t.Helper()
	resp := f.request(t, "GET", "/profile", nil, nil)
	body, _ := io.ReadAll(resp.Body)
	m := tokenRE.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on /profile: %s", body)
	}
	return string(m[1])
}

// checkCSP asserts the strict policy: nothing inline, nothing foreign, no
// framing.
func checkCSP(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: Content-Security-Policy %q lacks %q", what, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("%s: Content-Security-Policy %q allows unsafe sources", what, csp)
	}
}

// TestPagesSendStrictCSP opens every page and checks its policy header.
func TestPagesSendStrictCSP(t *testing.T) {
	f := newFixture(t)
	pages := 0
	for _, rt := range web.RouteTable() {
		if rt[0] != "GET" {
			continue
		}
		path := f.path(rt[1])
		t.Run(path, func(t *testing.T) {
			resp := f.request(t, "GET", path, nil, nil)
			want := http.StatusOK
			switch {
			case strings.HasSuffix(path, "/avatar"):
				want = http.StatusNotFound // the team has none yet: still a page with the policy
			case path == "/sign-in" || path == "/sign-up" || path == "/teams/vision/settings":
				want = http.StatusSeeOther
			}
			if resp.StatusCode != want {
				t.Errorf("GET %s: status %d, want %d", path, resp.StatusCode, want)
			}
			checkCSP(t, "GET "+path, resp)
			wantType := "text/html"
			if strings.HasSuffix(path, ".csv") {
				wantType = "text/csv"
			}
			if ct := resp.Header.Get("Content-Type"); resp.StatusCode == 200 && !strings.HasPrefix(ct, wantType) {
				t.Errorf("GET %s: content type %q", path, ct)
			}
		})
		pages++
	}
	if pages < 20 {
		t.Fatalf("only %d pages walked", pages)
	}
	resp := f.request(t, "GET", "/static/app.js", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("GET /static/app.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestStateChangingRoutesRefuseCrossSite posts to every state-changing
// route from another site (the browser's Origin and Sec-Fetch-Site say
// so), and without the CSRF token: both are refused with 403 before the
// handler runs.
func TestStateChangingRoutesRefuseCrossSite(t *testing.T) {
	f := newFixture(t)
	token := f.csrf(t)
	posts := 0
	for _, rt := range web.RouteTable() {
		if rt[0] != "POST" {
			continue
		}
		path := f.path(rt[1])
		t.Run(path, func(t *testing.T) {
			form := url.Values{"csrf": {token}, "email": {"mallory@example.com"}, "role": {"admin"}, "name": {"x"}}
			crossSite := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
			if resp := f.request(t, "POST", path, form, crossSite); resp.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site POST %s: status %d, want 403", path, resp.StatusCode)
			} else {
				checkCSP(t, "refused POST "+path, resp)
			}
			noToken := url.Values{"email": {"mallory@example.com"}, "role": {"admin"}}
			resp := f.request(t, "POST", path, noToken, nil)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "did not come from Roster") {
				t.Errorf("POST %s without a CSRF token: status %d, want 403 saying why: %.200s", path, resp.StatusCode, body)
			}
			wrong := url.Values{"csrf": {strings.Repeat("A", len(token))}}
			if resp := f.request(t, "POST", path, wrong, map[string]string{"HX-Request": "true"}); resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with a wrong CSRF token: status %d, want 403", path, resp.StatusCode)
			}
		})
		posts++
	}
	if posts < 20 {
		t.Fatalf("only %d state-changing routes walked", posts)
	}
	// Nothing above got through: mallory was never invited.
	if r := f.env.Do("GET", "/api/v1/users/mallory@example.com", nil, f.ada.Key); r.StatusCode != http.StatusNotFound {
		t.Fatalf("mallory exists after refused posts: %d %s", r.StatusCode, r.Body)
	}
	// The same post with the token, from the same origin, goes through.
	resp := f.request(t, "POST", "/org/users", url.Values{"csrf": {token}, "email": {"dave@example.com"}, "role": {"member"}},
		map[string]string{"Origin": f.env.Server.URL, "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("same-origin invite with the token: status %d", resp.StatusCode)
	}
	f.env.Must(200, "GET", "/api/v1/users/dave@example.com", nil, f.ada.Key)
}

// TestSignInFormNeedsItsToken covers the forms used before a session
// exists: sign-in without the pre-session cookie's token is refused.
func TestSignInFormNeedsItsToken(t *testing.T) {
	f := newFixture(t)
	form := url.Values{"login": {"ada"}, "password": {apitest.Password}}
	resp, err := http.PostForm(f.env.Server.URL+"/sign-in", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in without a token: status %d, want 403", resp.StatusCode)
	}
	if len(resp.Cookies()) > 0 && resp.Cookies()[0].Name == "roster_session" {
		t.Fatal("a session was opened")
	}
}
