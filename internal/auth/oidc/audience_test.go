package oidc_test

import (
	"testing"
	"time"

	"roster"
	"roster/internal/auth/federation/fedtest"
	"roster/internal/auth/oidc"
)

// Issue 17: the browser sign-in always checks that the ID token was
// issued to OIDC_CLIENT_ID. SKIP_AUDIENCE_VALIDATION belongs to identity
// federation only; the SSO client has no way to skip the check.
func TestIDTokenAudienceAlwaysChecked(t *testing.T) {
	iss := fedtest.New(t)
	c := oidc.New(oidc.Config{Issuer: iss.URL, ClientID: "roster", RedirectURL: "http://127.0.0.1/oidc/callback"})
	token := func(aud string) string {
		claims := iss.Claims("person-1", aud, time.Now())
		claims["nonce"], claims["email"], claims["email_verified"] = "n-1", "p@example.com", true
		return iss.Sign(claims)
	}
	if _, err := c.VerifyIDToken(t.Context(), token("roster"), oidc.Hash("n-1")); err != nil {
		t.Fatalf("ID token for the client: %v", err)
	}
	for _, aud := range []string{"wandb", "another-service"} {
		_, err := c.VerifyIDToken(t.Context(), token(aud), oidc.Hash("n-1"))
		if roster.ErrorReason(err) != roster.ReasonSSOTokenInvalid {
			t.Errorf("ID token for audience %q: %v, want %s", aud, err, roster.ReasonSSOTokenInvalid)
		}
	}
}
