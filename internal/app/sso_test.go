package app_test

import (
	"fmt"
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
			u, token, err := e.App.SSOSignIn(t.Context(), roster.Actor{IP: "127.0.0.1"}, "", claims)
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

// Without group claims a sign-in takes no organization lock: racing first
// sign-ins of one person still make one user (the unique identity and
// email indexes, and a run again), racing sign-ins of several new people
// each make theirs, and a returning user's racing sign-ins each open a
// session and keep the user as they were.
func TestConcurrentSSOSignInsWithoutTheOrganizationLock(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("admin")
	logins := e.AuditCount(roster.ActUserLogin) // the admin's
	const n = 8
	race := func(claims func(i int) roster.SSOClaims) []string {
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				u, token, err := e.App.SSOSignIn(t.Context(), roster.Actor{IP: "127.0.0.1"}, "", claims(i))
				if err != nil || token == "" {
					t.Errorf("sign-in %d: %v (token %q)", i, err, token)
					return
				}
				ids[i] = u.ID
			})
		}
		wg.Wait()
		return ids
	}
	grace := func(int) roster.SSOClaims {
		return roster.SSOClaims{Issuer: "https://idp.test", Subject: "s-grace", Email: "grace@example.com", EmailVerified: true}
	}
	for round, what := range []string{"first sign-ins", "returning sign-ins"} {
		ids := race(grace)
		for i := range n {
			if ids[i] != ids[0] {
				t.Fatalf("%s: sign-in %d is user %q, want %q", what, i, ids[i], ids[0])
			}
		}
		if got := e.AuditCount(roster.ActUserCreate); got != 1 {
			t.Fatalf("after round %d (%s): %d user:create entries, want 1", round, what, got)
		}
	}
	people := race(func(i int) roster.SSOClaims {
		return roster.SSOClaims{Issuer: "https://idp.test", Subject: fmt.Sprint("s-", i), Email: fmt.Sprintf("p%d@example.com", i), EmailVerified: true}
	})
	seen := map[string]bool{}
	for _, id := range people {
		seen[id] = true
	}
	if len(seen) != n || e.AuditCount(roster.ActUserCreate) != n+1 {
		t.Fatalf("%d new people made %d users and %d user:create entries, want %d and %d", n, len(seen), e.AuditCount(roster.ActUserCreate), n, n+1)
	}
	// Eight people whose addresses share a local part race for one
	// username: each run again picks the next free one.
	namesakes := race(func(i int) roster.SSOClaims {
		return roster.SSOClaims{Issuer: "https://idp.test", Subject: fmt.Sprint("alan-", i), Email: fmt.Sprintf("alan@d%d.example.com", i), EmailVerified: true}
	})
	usernames := map[string]bool{}
	for _, id := range namesakes {
		u := e.Must(200, "GET", "/api/v1/users/"+id, nil, admin.Key).Map(t)
		usernames[u["username"].(string)] = true
	}
	if len(usernames) != n {
		t.Fatalf("%d namesakes got %d usernames: %v", n, len(usernames), usernames)
	}
	if got := e.AuditCount(roster.ActUserLogin) - logins; got != 4*n {
		t.Fatalf("%d sign-ins audited, want %d", got, 4*n)
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
		if _, _, err := e.App.SSOSignIn(t.Context(), roster.Actor{}, "", c); err == nil {
			t.Errorf("claims %+v were accepted", c)
		}
	}
	if got := e.AuditCount(roster.ActUserCreate); got != 0 {
		t.Fatalf("%d users created from unusable claims", got)
	}
}

// Racing sign-ins of one linked identity naming another organization that
// provisions its email make one user there, in the identity's account,
// and every one of them signs in to it (#18).
func TestConcurrentSSOSignInsIntoAnotherOrganization(t *testing.T) {
	e := apitest.NewWith(t, apitest.Options{Config: app.Config{SSOOrgDomains: map[string]string{"corp-b.example": "corp-b"}}})
	admin := e.MustSignup("admin")
	e.MustOrg("corp-b", "bella")
	ctx := t.Context()
	claims := roster.SSOClaims{Issuer: "https://idp.test", Subject: "s-ivy", Email: "ivy@corp-b.example", EmailVerified: true}
	first, _ := e.MustInvite(admin.Key, claims.Email, "member")
	if u, _, err := e.App.SSOSignIn(ctx, roster.Actor{IP: "127.0.0.1"}, roster.DefaultOrgID, claims); err != nil || u.ID != first {
		t.Fatalf("ivy accepting the first organization's invite: %v %v, want %s", u, err, first)
	}
	const n = 8
	ids, tokens := make([]string, n), make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			u, token, err := e.App.SSOSignIn(ctx, roster.Actor{IP: "127.0.0.1"}, "corp-b", claims)
			if err != nil {
				t.Errorf("sign-in %d into corp-b: %v", i, err)
				return
			}
			ids[i], tokens[i] = u.ID, token
		})
	}
	wg.Wait()
	for i := range n {
		if ids[i] != ids[0] || ids[0] == first {
			t.Fatalf("sign-ins into corp-b made users %v, want one new one", ids)
		}
	}
	var ms struct {
		Memberships []struct {
			UserID string `json:"user_id"`
		}
	}
	e.Must(200, "GET", "/api/v1/memberships", nil, apitest.Session(tokens[0])).JSON(t, &ms)
	if len(ms.Memberships) != 2 {
		t.Errorf("ivy's memberships: %+v, want her users in both organizations", ms.Memberships)
	}
}
