package sso_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"roster/internal/api"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth/oidc"
	"roster/internal/sso/ssotest"
)

// ssoEnv is a Roster server whose SSO points at a real Dex, with an admin.
type ssoEnv struct {
	*apitest.Env
	Dex   *ssotest.Dex
	Admin apitest.User
}

// newSSO starts Roster with cfg and a Dex that knows users, and signs up
// the first user, an admin, with a password.
func newSSO(t *testing.T, cfg app.Config, opt ssotest.Options) *ssoEnv {
	t.Helper()
	dex := ssotest.New(t)
	env := apitest.NewWith(t, apitest.Options{Config: cfg, OIDC: &oidc.Config{Issuer: dex.Issuer,
		ClientID: dex.ClientID, ClientSecret: dex.ClientSecret, Groups: cfg.EnableSSOGroupClaims}})
	opt.RedirectURL = env.Server.URL + "/oidc/callback"
	dex.Start(opt)
	return &ssoEnv{Env: env, Dex: dex, Admin: env.MustSignup("admin")}
}

// signIn runs a whole browser sign-in in a fresh browser.
func (e *ssoEnv) signIn(t *testing.T, l ssotest.Login) *ssotest.Finish {
	t.Helper()
	return ssotest.NewBrowser(t, e.Server.URL).SignIn("/oidc/login", l)
}

// mustSignIn signs in and returns the session the callback set.
func (e *ssoEnv) mustSignIn(t *testing.T, l ssotest.Login) apitest.Session {
	t.Helper()
	f := e.signIn(t, l)
	if f.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: status %d, want 303:\n%s", l.Email, f.StatusCode, f.Body)
	}
	s := sessionCookie(f.Response)
	if s == nil || s.Value == "" {
		t.Fatalf("sign-in of %s set no session cookie", l.Email)
	}
	return apitest.Session(s.Value)
}

func sessionCookie(r *http.Response) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == "roster_session" {
			return c
		}
	}
	return nil
}

// viewer is the user behind a session.
func (e *ssoEnv) viewer(t *testing.T, s apitest.Session) api.User {
	t.Helper()
	var v api.Viewer
	e.Must(200, "GET", "/api/v1/viewer", nil, s).JSON(t, &v)
	return *v.User
}

// userCount counts the organization's users matching query.
func (e *ssoEnv) userCount(t *testing.T, query string) int {
	t.Helper()
	var list api.UserList
	e.Must(200, "GET", "/api/v1/users?query="+url.QueryEscape(query), nil, e.Admin.Key).JSON(t, &list)
	return len(list.Users)
}

// wantRefusal checks a refusal page: status, HTML, its reason and words.
func wantRefusal(t *testing.T, p ssotest.Page, status int, reason string, words ...string) {
	t.Helper()
	if p.StatusCode != status {
		t.Errorf("status %d, want %d:\n%s", p.StatusCode, status, p.Body)
	}
	if ct := p.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("content type %q, want an HTML page", ct)
	}
	if !strings.Contains(p.Body, `data-reason="`+reason+`"`) {
		t.Errorf("page is not the %s refusal:\n%s", reason, p.Body)
	}
	for _, w := range words {
		if !strings.Contains(strings.ToLower(p.Body), strings.ToLower(w)) {
			t.Errorf("page lacks %q:\n%s", w, p.Body)
		}
	}
	if strings.Contains(p.Body, "<script") {
		t.Errorf("page has a script:\n%s", p.Body)
	}
	if c := sessionCookie(p.Response); c != nil && c.Value != "" {
		t.Errorf("a refusal set a session cookie")
	}
}
