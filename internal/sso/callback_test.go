package sso_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth/oidc"
	"roster/internal/sso/ssotest"
)

// A callback works once: replaying it, with or without the browser's
// cookie, is refused, and so is its code under a new sign-in's state.
func TestSSOReplayedCallbackRefused(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "alice@example.com"}}})
	f := e.signIn(t, ssotest.Login{Email: "alice@example.com"})
	if f.StatusCode != http.StatusSeeOther || f.BrowserSecret == "" {
		t.Fatalf("sign-in: %d, browser secret %q:\n%s", f.StatusCode, f.BrowserSecret, f.Body)
	}
	cb, _ := url.Parse(f.CallbackURL)

	// The same callback, from the same browser (its cookie put back).
	b := ssotest.NewBrowser(t, e.Server.URL)
	b.Jar.SetCookies(cb, []*http.Cookie{{Name: "roster_oidc", Value: f.BrowserSecret, Path: "/oidc/"}})
	wantRefusal(t, *b.Get(f.CallbackURL), http.StatusBadRequest, "sso_state_used", "already used")
	// From a browser that never started it.
	wantRefusal(t, *ssotest.NewBrowser(t, e.Server.URL).Get(f.CallbackURL), http.StatusBadRequest, "sso_browser_mismatch")

	// The code under the state of a new sign-in: Dex refuses to redeem it
	// twice, and the new attempt's PKCE verifier is not the old one.
	b = ssotest.NewBrowser(t, e.Server.URL)
	start := b.Get(e.Server.URL + "/oidc/login")
	if start.StatusCode != http.StatusFound {
		t.Fatalf("login: %d", start.StatusCode)
	}
	loc, _ := url.Parse(start.Header.Get("Location"))
	q := loc.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
		t.Fatalf("auth request without PKCE S256 or nonce: %s", loc)
	}
	replay := e.Server.URL + "/oidc/callback?" + url.Values{"state": {q.Get("state")}, "code": {cb.Query().Get("code")}}.Encode()
	wantRefusal(t, *b.Get(replay), http.StatusBadRequest, "sso_exchange_failed")
	n := 0
	for _, a := range e.AuditEntries(t, e.Admin.Key, "user:login") {
		if a.Interface == "sso" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d sso sign-ins recorded, want only the first", n)
	}
}

func TestSSOBadCallbacks(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "alice@example.com"}}})
	b := ssotest.NewBrowser(t, e.Server.URL)
	cb := e.Server.URL + "/oidc/callback"

	p := b.Get(cb + "?error=access_denied&error_description=" + url.QueryEscape("The user <b>cancelled</b>"))
	wantRefusal(t, *p, http.StatusBadRequest, "idp_error", "access_denied", "The user &lt;b&gt;cancelled&lt;/b&gt;")
	wantRefusal(t, *b.Get(cb), http.StatusBadRequest, "sso_bad_callback")
	wantRefusal(t, *b.Get(cb + "?state=abc&code=def"), http.StatusBadRequest, "sso_browser_mismatch")
	u, _ := url.Parse(cb)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: "roster_oidc", Value: "not-a-real-secret", Path: "/oidc/"}})
	wantRefusal(t, *b.Get(cb + "?state=abc&code=def"), http.StatusBadRequest, "sso_state_invalid")

	// A sign-in that comes back after SSOLoginTTL is refused.
	b = ssotest.NewBrowser(t, e.Server.URL)
	start := b.Get(e.Server.URL + "/oidc/login")
	e.Clock.Advance(11 * time.Minute)
	loc, _ := url.Parse(start.Header.Get("Location"))
	f := b.SignIn(loc.String(), ssotest.Login{Email: "alice@example.com"})
	wantRefusal(t, f.Page, http.StatusBadRequest, "sso_state_invalid", "expired")

	// Return paths must stay on this Roster.
	for _, bad := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		wantRefusal(t, *b.Get(e.Server.URL + "/oidc/login?return_to=" + url.QueryEscape(bad)), http.StatusBadRequest, "invalid_return_to")
	}
}

func TestSSOLogout(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "alice@example.com"}}})
	b := ssotest.NewBrowser(t, e.Server.URL)
	f := b.SignIn("/oidc/login", ssotest.Login{Email: "alice@example.com"})
	s := apitest.Session(b.Cookie("roster_session"))
	if f.StatusCode != http.StatusSeeOther || s == "" {
		t.Fatalf("sign-in: %d", f.StatusCode)
	}
	r := b.Post(e.Server.URL+"/logout", url.Values{})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("POST /logout: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if c := sessionCookie(r.Response); c == nil || c.MaxAge >= 0 {
		t.Fatalf("POST /logout did not clear the cookie: %+v", c)
	}
	e.Must(401, "GET", "/api/v1/viewer", nil, s)
	if n := len(e.AuditEntries(t, e.Admin.Key, "user:logout")); n != 1 {
		t.Fatalf("%d user:logout entries, want 1", n)
	}
	// Without a session it still clears the cookie and goes home.
	if r := ssotest.NewBrowser(t, e.Server.URL).Post(e.Server.URL+"/logout", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous POST /logout: %d", r.StatusCode)
	}
}

// TestSSOLogoutGetOnlyAsks: a GET (a link or an image on another site)
// never signs anyone out; it shows a form that posts to /logout. A
// cross-site POST is refused.
func TestSSOLogoutGetOnlyAsks(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "alice@example.com"}}})
	b := ssotest.NewBrowser(t, e.Server.URL)
	b.SignIn("/oidc/login", ssotest.Login{Email: "alice@example.com"})
	s := apitest.Session(b.Cookie("roster_session"))
	r := b.Get(e.Server.URL + "/logout")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `<form id="logout" method="post" action="/logout">`) {
		t.Fatalf("GET /logout: %d, want 200 with a sign-out form: %s", r.StatusCode, r.Body)
	}
	if c := sessionCookie(r.Response); c != nil {
		t.Fatalf("GET /logout touched the session cookie: %+v", c)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, s)

	req, _ := http.NewRequest("POST", e.Server.URL+"/logout", strings.NewReader(""))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Cookie", "roster_session="+b.Cookie("roster_session"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST /logout: %d, want 403", resp.StatusCode)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, s)
	if n := len(e.AuditEntries(t, e.Admin.Key, "user:logout")); n != 0 {
		t.Fatalf("%d user:logout entries, want none", n)
	}
}

func TestSSONotConfigured(t *testing.T) {
	e := apitest.New(t)
	for _, path := range []string{"/oidc/login", "/oidc/callback?state=a&code=b"} {
		r := e.Do("GET", path, nil, apitest.Anonymous)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(string(r.Body), `data-reason="sso_not_configured"`) {
			t.Fatalf("%s without SSO: %d\n%s", path, r.StatusCode, r.Body)
		}
	}
}

// A provider that is down when Roster starts makes sign-ins fail with a
// page, not Roster; once it is up, sign-ins work without a restart.
func TestSSOProviderDownThenUp(t *testing.T) {
	dex := ssotest.New(t)
	e := apitest.NewWith(t, apitest.Options{OIDC: &oidc.Config{Issuer: dex.Issuer, ClientID: dex.ClientID,
		ClientSecret: dex.ClientSecret, RetryAfter: time.Millisecond}})
	b := ssotest.NewBrowser(t, e.Server.URL)
	wantRefusal(t, *b.Get(e.Server.URL + "/oidc/login"), http.StatusBadGateway, "sso_unavailable", "cannot be reached")
	e.Must(200, "GET", "/healthz", nil, apitest.Anonymous)

	dex.Start(ssotest.Options{RedirectURL: e.Server.URL + "/oidc/callback", Users: []ssotest.User{{Email: "alice@example.com"}}})
	time.Sleep(5 * time.Millisecond)
	f := b.SignIn("/oidc/login", ssotest.Login{Email: "alice@example.com"})
	if f.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in once Dex is up: %d\n%s", f.StatusCode, f.Body)
	}
}
