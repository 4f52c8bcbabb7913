package app_test

import (
	"sync"
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
)

// Racing first sign-ins of one person make one user, and racing sign-ins
// with group claims join each team once.
func TestConcurrentSSOSignInsMakeOneUser(t *testing.T) {
	e := apitest.NewWith(t, apitest.Options{Config: app.Config{EnableSSOGroupClaims: true}})
	admin := e.MustSignup("admin")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, admin.Key)
	claims := roster.SSOClaims{Issuer: "https://idp.test", Subject: "s-1", Email: "grace@example.com",
		EmailVerified: true, Groups: []string{"ml"}}

	const n = 8
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			u, token, err := e.App.SSOSignIn(t.Context(), roster.Actor{IP: "127.0.0.1"}, claims)
			if err == nil && token == "" {
				t.Errorf("sign-in %d gave no session token", i)
			}
			if u != nil {
				ids[i] = u.ID
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("sign-in %d: user %q, error %v; want user %q", i, ids[i], errs[i], ids[0])
		}
	}
	if got := e.AuditCount(roster.ActUserCreate); got != 1 {
		t.Fatalf("%d user:create entries, want 1", got)
	}
	if got := e.AuditCount(roster.ActTeamInviteUser); got != 1 {
		t.Fatalf("%d team:invite_user entries, want grace joining ml once", got)
	}
}

// Claims a provider cannot vouch for are refused before anything changes.
func TestSSOSignInRefusesUnusableClaims(t *testing.T) {
	e := apitest.New(t)
	e.MustSignup("admin")
	for _, c := range []roster.SSOClaims{
		{Issuer: "https://idp.test", Email: "x@example.com", EmailVerified: true},              // no subject
		{Issuer: "https://idp.test", Subject: "s", Email: "not an email", EmailVerified: true}, // no usable email
		{Issuer: "https://idp.test", Subject: "s", Email: "x@example.com"},                     // unverified
	} {
		if _, _, err := e.App.SSOSignIn(t.Context(), roster.Actor{}, c); err == nil {
			t.Errorf("claims %+v were accepted", c)
		}
	}
	if got := e.AuditCount(roster.ActUserCreate); got != 0 {
		t.Fatalf("%d users created from unusable claims", got)
	}
}
