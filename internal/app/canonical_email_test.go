package app_test

import (
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/store"
)

// M1: a verified SSO identity whose email has the Kelvin sign U+212A where
// kate has "k" must not sign in as kate, and store lookups must not fold
// it to kate either; ASCII case still folds.
func TestKelvinSignIsNotKate(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("admin")
	kate := e.MustUser(admin.Key, "kate", "member") // kate@example.com

	look := "\u212aate@example.com"
	u, _, err := e.App.SSOSignIn(t.Context(), roster.Actor{IP: "127.0.0.1"}, "", roster.SSOClaims{
		Issuer: "https://idp.test", Subject: "kelvin", Email: look, EmailVerified: true})
	if u != nil && u.ID == kate.ID {
		t.Fatalf("the identity %q signed in as kate", look)
	}
	if err == nil {
		t.Fatalf("the identity %q was admitted as %+v", look, u)
	}

	err = e.DB.Read(t.Context(), func(tx *store.Tx) error {
		if got, err := tx.UserByEmail(t.Context(), roster.DefaultOrgID, look); err == nil {
			t.Errorf("UserByEmail(%q) found %s (%s)", look, got.Username, got.Email)
		} else if !roster.IsNotFound(err) {
			return err
		}
		for _, same := range []string{"KATE@example.com", "Kate@EXAMPLE.COM", " kate@example.com"} {
			got, err := tx.UserByEmail(t.Context(), roster.DefaultOrgID, same)
			if err != nil || got.ID != kate.ID {
				t.Errorf("UserByEmail(%q) = %v, %v; want kate", same, got, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Input refuses the look-alike outright, naming the character.
	r := e.Must(400, "POST", "/api/v1/users", map[string]string{"email": look, "role": "member"}, admin.Key)
	if code := r.Map(t)["code"]; code != roster.ReasonEmailNonASCII {
		t.Fatalf("invite of %q: code %v, want %s", look, code, roster.ReasonEmailNonASCII)
	}
	// And so does sign-in by email with a password.
	e.Must(401, "POST", "/api/v1/login", map[string]string{"login": look, "password": apitest.Password}, apitest.Anonymous)
	e.Must(200, "POST", "/api/v1/login", map[string]string{"login": "KATE@example.com", "password": apitest.Password}, apitest.Anonymous)
}

// An internationalized domain compares equal in Unicode and A-label forms.
func TestIDNDomainFormsAreOneAddress(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("admin")
	id, _ := e.MustInvite(admin.Key, "ana@bücher.test", "member")
	r := e.Must(409, "POST", "/api/v1/users", map[string]string{"email": "ana@xn--bcher-kva.test", "role": "member"}, admin.Key)
	if code := r.Map(t)["code"]; code != "email_taken" && code != "already_exists" {
		t.Errorf("second invite in A-label form: code %v", code)
	}
	got := e.Must(200, "GET", "/api/v1/users/ana@XN--BCHER-KVA.test", nil, admin.Key).Map(t)
	if got["id"] != id || got["email"] != "ana@bücher.test" {
		t.Fatalf("lookup by A-label: %v, want user %s stored as given", got, id)
	}
}
