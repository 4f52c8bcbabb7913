package sso_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"

	"roster/internal/api"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth/oidc"
	"roster/internal/auth/oidc/oidctest"
	"roster/internal/sso/ssotest"
)

// Issue 16: enterprise providers' claim shapes through a real OpenID
// provider (zitadel/oidc's op) whose claims each test sets, over the real
// authorization code flow with PKCE.

// idpEnv is a Roster whose SSO points at an oidctest provider, with an
// admin signed up with a password.
type idpEnv struct {
	*apitest.Env
	IdP   *oidctest.Provider
	Admin apitest.User
	log   *lockedBuffer
}

// lockedBuffer is the server's log, which requests write concurrently.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Logs is what the server logged so far.
func (e *idpEnv) Logs() string {
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	return e.log.buf.String()
}

func newIdP(t *testing.T, cfg app.Config, profile oidc.Profile) *idpEnv {
	t.Helper()
	idp := oidctest.New(t)
	log := &lockedBuffer{}
	env := apitest.NewWith(t, apitest.Options{Config: cfg, Log: log, OIDC: &oidc.Config{Issuer: idp.Issuer, ClientID: idp.ClientID,
		ClientSecret: idp.ClientSecret, Groups: cfg.EnableSSOGroupClaims, Profile: profile}})
	idp.Allow(env.Server.URL + "/oidc/callback")
	return &idpEnv{Env: env, IdP: idp, Admin: env.MustSignup("admin"), log: log}
}

// signInAs runs a whole browser sign-in of who in a fresh browser.
func (e *idpEnv) signInAs(t *testing.T, who oidctest.Person) *ssotest.Finish {
	t.Helper()
	e.IdP.SignInAs(who)
	before := e.IdP.PKCERequests()
	f := ssotest.NewBrowser(t, e.Server.URL).SignIn("/oidc/login", ssotest.Login{})
	if e.IdP.PKCERequests() != before+1 {
		t.Fatalf("the sign-in did not go through the provider with an S256 PKCE challenge")
	}
	return f
}

// mustSignInAs signs who in and returns the user behind the session.
func (e *idpEnv) mustSignInAs(t *testing.T, who oidctest.Person) api.User {
	t.Helper()
	f := e.signInAs(t, who)
	s := sessionCookie(f.Response)
	if f.StatusCode != http.StatusSeeOther || s == nil || s.Value == "" {
		t.Fatalf("sign-in of %s: status %d, want 303 with a session:\n%s", who.Subject, f.StatusCode, f.Body)
	}
	var v api.Viewer
	e.Must(200, "GET", "/api/v1/viewer", nil, apitest.Session(s.Value)).JSON(t, &v)
	return *v.User
}

// The four shapes, as each provider's ID token and userinfo answer carry
// them.

// entra is Microsoft Entra ID (v2 endpoint): no email_verified; the
// address only in preferred_username and upn unless the email optional
// claim is added; group object ids.
func entra(sub, upn string, groups ...string) oidctest.Person {
	id := map[string]any{"preferred_username": upn, "upn": upn, "name": "Entra " + sub,
		"oid": "00000000-0000-0000-0000-0000000000" + sub[len(sub)-2:], "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47"}
	if groups != nil {
		id["groups"] = groups
	}
	return oidctest.Person{Subject: sub, IDToken: id}
}

// entraWithEmail is Entra with the email and xms_edov optional claims.
func entraWithEmail(sub, email string, groups ...string) oidctest.Person {
	p := entra(sub, "upn-"+email, groups...)
	p.IDToken["email"], p.IDToken["xms_edov"] = email, true
	return p
}

// okta sends email_verified and group names.
func okta(sub, email string, groups ...string) oidctest.Person {
	id := map[string]any{"email": email, "email_verified": true, "name": "Okta " + sub, "preferred_username": email}
	if groups != nil {
		id["groups"] = groups
	}
	return oidctest.Person{Subject: sub, IDToken: id}
}

// oktaUserinfo is Okta with the email only at the userinfo endpoint, and
// email_verified as a string.
func oktaUserinfo(sub, email string) oidctest.Person {
	return oidctest.Person{Subject: sub, IDToken: map[string]any{"name": "Okta " + sub},
		Userinfo: map[string]any{"email": email, "email_verified": "true"}}
}

// google sends a verified email, names, the hosted domain and no groups.
func google(sub, email string) oidctest.Person {
	return oidctest.Person{Subject: sub, IDToken: map[string]any{"email": email, "email_verified": true,
		"given_name": "Gina", "family_name": "Google", "hd": "example.com"}}
}

// keycloak sends group paths.
func keycloak(sub, email string, paths ...string) oidctest.Person {
	id := map[string]any{"email": email, "email_verified": true, "preferred_username": sub, "name": "Keycloak " + sub}
	if paths != nil {
		id["groups"] = paths
	}
	return oidctest.Person{Subject: sub, IDToken: id}
}

func TestProviderShapesProvisionAndLink(t *testing.T) {
	e := newIdP(t, app.Config{}, oidc.Profile{})
	for _, tc := range []struct {
		who              oidctest.Person
		email, name      string
		linkTo           string // a local user the shape's second person links to
		linkWho          oidctest.Person
		wantUsernamePref string
	}{
		{entraWithEmail("en01", "ena@example.com", "6f1c3e1a-0000-4000-8000-000000000001"), "ena@example.com", "Entra en01",
			"enlink", entraWithEmail("en02", "enlink@example.com"), "ena"},
		{okta("ok01", "oka@example.com", "ml"), "oka@example.com", "Okta ok01", "oklink", okta("ok02", "oklink@example.com"), "oka"},
		{oktaUserinfo("ou01", "oua@example.com"), "oua@example.com", "Okta ou01", "oulink", oktaUserinfo("ou02", "oulink@example.com"), "oua"},
		{google("go01", "goa@example.com"), "goa@example.com", "Gina Google", "golink", google("go02", "golink@example.com"), "goa"},
		{keycloak("kc01", "kca@example.com", "/ml/vision"), "kca@example.com", "Keycloak kc01", "kclink", keycloak("kc02", "kclink@example.com"), "kca"},
	} {
		u := e.mustSignInAs(t, tc.who)
		if u.Email != tc.email || u.Name != tc.name || u.Role != "member" || !strings.HasPrefix(u.Username, tc.wantUsernamePref) {
			t.Errorf("%s provisioned %+v, want %s named %q as member", tc.who.Subject, u, tc.email, tc.name)
		}
		if again := e.mustSignInAs(t, tc.who); again.ID != u.ID {
			t.Errorf("%s second sign-in is %s, want %s", tc.who.Subject, again.ID, u.ID)
		}
		local := e.MustUser(e.Admin.Key, tc.linkTo, "viewer")
		if got := e.mustSignInAs(t, tc.linkWho); got.ID != local.ID || got.Role != "viewer" {
			t.Errorf("%s signed in as %+v, want the local user %s", tc.linkWho.Subject, got, local.ID)
		}
	}
	created := 0
	for _, a := range e.AuditEntries(t, e.Admin.Key, "user:create") {
		if a.Interface == "sso" {
			created++
		}
	}
	logins := 0
	for _, a := range e.AuditEntries(t, e.Admin.Key, "user:login") {
		if a.Interface == "sso" {
			logins++
		}
	}
	if created != 5 || logins != 15 {
		t.Fatalf("sso audit: %d users created, %d sign-ins; want 5 and 15", created, logins)
	}
}

// Entra without the email optional claim: the address is only in
// preferred_username/upn, which nobody vouches for. Refused, naming the
// setting that would allow it; OIDC_TRUST_EMAIL then lets it in.
func TestEntraAddressOnlyInUPN(t *testing.T) {
	e := newIdP(t, app.Config{}, oidc.Profile{})
	f := e.signInAs(t, entra("en11", "nora@example.com"))
	wantRefusal(t, f.Page, http.StatusForbidden, "email_unverified", "nora@example.com", "preferred_username",
		"xms_edov", "OIDC_TRUST_EMAIL=true", "single-tenant")
	// A provider that says the email is not verified: the page names the
	// switch too.
	unverified := okta("ok11", "olga@example.com")
	unverified.IDToken["email_verified"] = "false"
	f = e.signInAs(t, unverified)
	wantRefusal(t, f.Page, http.StatusForbidden, "email_unverified", "has not verified", "OIDC_TRUST_EMAIL=true")
	if n := len(e.AuditEntries(t, e.Admin.Key, "user:create")); n != 0 {
		t.Fatalf("untrusted addresses made %d users", n)
	}
	failed := e.AuditEntries(t, e.Admin.Key, "user:login_failed")
	if len(failed) != 2 || failed[0].Interface != "sso" || !strings.Contains(failed[0].Details, "email_unverified") {
		t.Fatalf("refused sign-ins' audit entries: %+v", failed)
	}

	trusted := newIdP(t, app.Config{}, oidc.Profile{TrustEmail: true})
	u := trusted.mustSignInAs(t, entra("en12", "nora@example.com"))
	if u.Email != "nora@example.com" || u.Name != "Entra en12" {
		t.Fatalf("with OIDC_TRUST_EMAIL the upn-only person is %+v", u)
	}
	local := trusted.MustUser(trusted.Admin.Key, "nils", "member")
	if got := trusted.mustSignInAs(t, entra("en13", "NILS@example.com")); got.ID != local.ID {
		t.Fatalf("with OIDC_TRUST_EMAIL the upn-only person is %+v, want the local user nils", got)
	}
}

func TestProviderShapesDeactivatedRefused(t *testing.T) {
	e := newIdP(t, app.Config{}, oidc.Profile{})
	for _, who := range []oidctest.Person{
		entraWithEmail("en21", "den@example.com"), okta("ok21", "dok@example.com"),
		google("go21", "dgo@example.com"), keycloak("kc21", "dkc@example.com"),
	} {
		u := e.mustSignInAs(t, who)
		e.Must(200, "POST", "/api/v1/users/"+u.Username+"/deactivate", nil, e.Admin.Key)
		f := e.signInAs(t, who)
		wantRefusal(t, f.Page, http.StatusForbidden, "deactivated", "deactivated", "reactivate")
	}
	failed := e.AuditEntries(t, e.Admin.Key, "user:login_failed")
	if len(failed) != 4 {
		t.Fatalf("%d refused sign-ins audited, want 4", len(failed))
	}
	for _, a := range failed {
		if a.Interface != "sso" || !strings.Contains(a.Details, "deactivated") {
			t.Errorf("refused sign-in entry %+v", a)
		}
	}
}
