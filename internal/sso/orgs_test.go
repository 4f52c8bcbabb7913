package sso_test

import (
	"net/http"
	"testing"

	"roster"
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
