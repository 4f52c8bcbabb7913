package sso_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"roster"
	"roster/internal/api"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/sso/ssotest"
)

// SSO provisions each person into the organization their email's domain
// maps to (ROSTER_SSO_ORG_DOMAINS), anyone else into the first; a known
// identity signs in to its own user's organization whatever the map says
// later; a mapped organization that does not exist refuses, saying so;
// and a suspended organization refuses its members' SSO sign-ins (#18).
func TestSSOProvisionsIntoTheMappedOrganization(t *testing.T) {
	e := newSSO(t, app.Config{SSOOrgDomains: map[string]string{"corp-b.example": "corp-b", "gone.example": "nowhere"}},
		ssotest.Options{Users: []ssotest.User{{Email: "ann@corp-b.example"}, {Email: "carl@example.com"}, {Email: "gil@gone.example"}}})
	b := e.MustOrg("corp-b", "bella")

	ann := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "ann@corp-b.example"}))
	carl := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "carl@example.com"}))
	e.Must(200, "GET", "/api/v1/users/"+ann.ID, nil, b.Admin.Key)
	e.Must(404, "GET", "/api/v1/users/"+ann.ID, nil, e.Admin.Key)
	e.Must(200, "GET", "/api/v1/users/"+carl.ID, nil, e.Admin.Key)
	e.Must(404, "GET", "/api/v1/users/"+carl.ID, nil, b.Admin.Key)
	if again := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "ann@corp-b.example"})); again.ID != ann.ID {
		t.Fatalf("second sign-in of ann made user %s, want %s", again.ID, ann.ID)
	}

	f := e.signIn(t, ssotest.Login{Email: "gil@gone.example"})
	wantRefusal(t, f.Page, http.StatusServiceUnavailable, "sso_organization_unknown", "nowhere", "ROSTER_SSO_ORG_DOMAINS")

	if _, err := e.App.SuspendOrganization(t.Context(), roster.Actor{Via: roster.ViaCLI}, "corp-b"); err != nil {
		t.Fatal(err)
	}
	f = e.signIn(t, ssotest.Login{Email: "ann@corp-b.example"})
	wantRefusal(t, f.Page, http.StatusUnauthorized, "organization_suspended", "suspended")
	e.mustSignIn(t, ssotest.Login{Email: "carl@example.com"})
}

// An SSO sign-in started on an organization's sign-in link
// (/oidc/login?org=NAME) signs in to the person's row there (#18). A
// person who is not in it is refused exactly as for an organization that
// does not exist; an invite of it is accepted and joins the account the
// identity already has; a person whose email it provisions is provisioned
// there into the same account. The identity stays linked to its own user:
// a sign-in naming no organization still goes there.
func TestSSOSignInToAnotherOrganization(t *testing.T) {
	e := newSSO(t, app.Config{SSOOrgDomains: map[string]string{"corp-b.example": "corp-b"}},
		ssotest.Options{Users: []ssotest.User{{Email: "ann@example.com"}, {Email: "eve@corp-b.example"}}})
	b := e.MustOrg("corp-b", "bella")
	first := roster.DefaultOrgID // by id: signing in names an organization by name or id
	signInTo := func(org, email string) *ssotest.Finish {
		return ssotest.NewBrowser(t, e.Server.URL).SignIn("/oidc/login?org="+url.QueryEscape(org), ssotest.Login{Email: email})
	}
	mustSignInTo := func(org, email string) api.User {
		t.Helper()
		f := signInTo(org, email)
		if f.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in of %s to %s: status %d, want 303:\n%s", email, org, f.StatusCode, f.Body)
		}
		return e.viewer(t, apitest.Session(sessionCookie(f.Response).Value))
	}

	ann := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "ann@example.com"}))
	notMember, nowhere := signInTo("corp-b", "ann@example.com"), signInTo("no-such-org", "ann@example.com")
	wantRefusal(t, notMember.Page, http.StatusNotFound, roster.ReasonNotAMember, "not a member")
	if strings.ReplaceAll(nowhere.Body, "no-such-org", "corp-b") != notMember.Body {
		t.Errorf("not a member of corp-b:\n%s\nof an organization that does not exist:\n%s", notMember.Body, nowhere.Body)
	}

	invited, _ := e.MustInvite(b.Admin.Key, "ann@example.com", "viewer")
	// corp-b's sign-in link offers SSO into corp-b; ann follows it.
	page := ssotest.NewBrowser(t, e.Server.URL).Get(e.Server.URL + "/sign-in?org=corp-b")
	link := `href="/oidc/login?org=corp-b" id="sso-link">Sign in with SSO to corp-b</a>`
	if !strings.Contains(page.Body, link) {
		t.Fatalf("corp-b's sign-in page lacks %s:\n%.3000s", link, page.Body)
	}
	f := ssotest.NewBrowser(t, e.Server.URL).SignIn("/oidc/login?org=corp-b", ssotest.Login{Email: "ann@example.com"})
	if f.StatusCode != http.StatusSeeOther {
		t.Fatalf("ann's sign-in by corp-b's link: %d\n%s", f.StatusCode, f.Body)
	}
	inB := e.viewer(t, apitest.Session(sessionCookie(f.Response).Value))
	if inB.ID != invited || inB.Role != "viewer" || inB.Status != "active" {
		t.Fatalf("ann signed in to corp-b as %+v, want its invited viewer %s", inB, invited)
	}
	if again := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "ann@example.com"})); again.ID != ann.ID {
		t.Errorf("a sign-in naming no organization went to %s, want the identity's own %s", again.ID, ann.ID)
	}
	if again := mustSignInTo("corp-b", "ann@example.com"); again.ID != invited {
		t.Errorf("ann's second sign-in to corp-b went to %s, want %s", again.ID, invited)
	}
	if again := mustSignInTo(first, "ann@example.com"); again.ID != ann.ID {
		t.Errorf("ann's sign-in naming the first organization went to %s, want %s", again.ID, ann.ID)
	}

	// eve is invited to the first organization, though corp-b is where
	// SSO provisions her email: she accepts the invite by naming it, then
	// is provisioned into corp-b by naming that, with the same account.
	evesInvite, _ := e.MustInvite(e.Admin.Key, "eve@corp-b.example", "member")
	if eve := mustSignInTo(first, "eve@corp-b.example"); eve.ID != evesInvite {
		t.Fatalf("eve signed in to the first organization as %s, want its invited %s", eve.ID, evesInvite)
	}
	s := signInTo("corp-b", "eve@corp-b.example")
	eveB := e.viewer(t, apitest.Session(sessionCookie(s.Response).Value))
	if eveB.ID == evesInvite || eveB.Role != "member" {
		t.Fatalf("eve in corp-b: %+v, want a new member", eveB)
	}
	var ms api.MembershipList
	e.Must(200, "GET", "/api/v1/memberships", nil, apitest.Session(sessionCookie(s.Response).Value)).JSON(t, &ms)
	if len(ms.Memberships) != 2 {
		t.Errorf("eve's memberships: %+v, want the first organization and corp-b", ms.Memberships)
	}
	var provisioned []string
	for _, a := range e.AuditEntries(t, b.Admin.Key, "user:create") {
		if a.Interface == "sso" {
			provisioned = append(provisioned, a.UserAsset)
		}
	}
	if len(provisioned) != 1 || provisioned[0] != eveB.ID {
		t.Errorf("corp-b provisioned %v through sso, want only eve's %s", provisioned, eveB.ID)
	}
}
