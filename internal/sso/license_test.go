package sso_test

import (
	"net/http"
	"testing"
	"time"

	"roster/internal/app"
	"roster/internal/license"
	"roster/internal/sso/ssotest"
)

// licensed returns a license document for seats and features, and the key
// that verifies it.
func licensed(t *testing.T, seats int, features ...license.Feature) (doc, pub string) {
	t.Helper()
	pub, priv, err := license.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := license.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	doc, err = license.Issue(license.License{Licensee: "Acme", Seats: seats, Features: features,
		Expires: time.Now().AddDate(1, 0, 0).Format(license.DateLayout), IssuedAt: time.Now()}, key)
	if err != nil {
		t.Fatal(err)
	}
	return doc, pub
}

// A first SSO sign-in takes a seat (S3, O13): with every seat taken the
// person sees the "no seat left" page and no user is made.
func TestSSOProvisioningNeedsAFreeSeat(t *testing.T) {
	doc, pub := licensed(t, 2, license.SSO)
	e := newSSO(t, app.Config{License: doc, LicenseKey: pub}, ssotest.Options{Users: []ssotest.User{
		{Email: "first@example.com"}, {Email: "second@example.com"},
	}})
	e.mustSignIn(t, ssotest.Login{Email: "first@example.com"}) // the admin and first: 2 of 2
	f := e.signIn(t, ssotest.Login{Email: "second@example.com"})
	wantRefusal(t, f.Page, http.StatusConflict, "seat_limit_reached", "No seat left", "2 of 2")
	if n := e.userCount(t, "second"); n != 0 {
		t.Fatalf("a refused sign-in left %d users", n)
	}
	// People who already hold a seat still get in.
	e.mustSignIn(t, ssotest.Login{Email: "first@example.com"})
}

// A license without the sso feature refuses SSO sign-ins (O14).
func TestSSONeedsTheLicensedFeature(t *testing.T) {
	doc, pub := licensed(t, 10, license.SCIM)
	e := newSSO(t, app.Config{License: doc, LicenseKey: pub}, ssotest.Options{Users: []ssotest.User{{Email: "first@example.com"}}})
	f := e.signIn(t, ssotest.Login{Email: "first@example.com"})
	wantRefusal(t, f.Page, http.StatusForbidden, "feature_not_licensed", "not licensed", "sso")
}
