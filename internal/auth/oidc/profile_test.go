package oidc

import (
	"encoding/json"
	"slices"
	"testing"
)

func claims(t *testing.T, doc string) claimSet {
	t.Helper()
	if doc == "" {
		return nil
	}
	var cs claimSet
	if err := json.Unmarshal([]byte(doc), &cs); err != nil {
		t.Fatalf("claims %s: %v", doc, err)
	}
	return cs
}

// Issue 16: one profile reads every provider's shape.
func TestProfileIdentity(t *testing.T) {
	for _, tc := range []struct {
		name           string
		trust          bool
		id, userinfo   string
		email, source  string
		verified       bool
		username, full string
		groups         []string
		overage        bool
	}{
		{name: "dex/okta", id: `{"email":"a@x.io","email_verified":true,"name":"A","preferred_username":"a","groups":["ml"]}`,
			email: "a@x.io", source: "email", verified: true, username: "a", full: "A", groups: []string{"ml"}},
		{name: "string true", id: `{"email":"a@x.io","email_verified":"true"}`, email: "a@x.io", source: "email", verified: true},
		{name: "string false", id: `{"email":"a@x.io","email_verified":"false"}`, email: "a@x.io", source: "email"},
		{name: "entra xms_edov", id: `{"email":"a@x.io","xms_edov":true,"preferred_username":"a@corp.x.io","groups":["6f1c3e1a-0000-4000-8000-000000000001"]}`,
			email: "a@x.io", source: "email", verified: true, username: "a@corp.x.io", groups: []string{"6f1c3e1a-0000-4000-8000-000000000001"}},
		{name: "entra upn only", id: `{"preferred_username":"b@x.io","upn":"b@x.io","name":"B"}`,
			email: "b@x.io", source: "preferred_username", username: "b@x.io", full: "B"},
		{name: "entra upn, username not an address", id: `{"preferred_username":"bob","upn":"b@x.io"}`,
			email: "b@x.io", source: "upn", username: "bob"},
		{name: "entra upn trusted", trust: true, id: `{"upn":"b@x.io"}`, email: "b@x.io", source: "upn", verified: true, username: "b@x.io"},
		{name: "trust without address", trust: true, id: `{"preferred_username":"bob"}`, username: "bob"},
		{name: "userinfo", id: `{"name":"C"}`, userinfo: `{"email":"c@x.io","email_verified":"true","groups":"solo"}`,
			email: "c@x.io", source: "userinfo", verified: true, full: "C", groups: []string{"solo"}},
		{name: "userinfo does not vouch for the token's email", id: `{"email":"c@x.io"}`, userinfo: `{"email_verified":true}`,
			email: "c@x.io", source: "email"},
		{name: "google", id: `{"email":"g@x.io","email_verified":true,"given_name":"Gina","family_name":"Google","hd":"x.io"}`,
			email: "g@x.io", source: "email", verified: true, full: "Gina Google"},
		{name: "keycloak paths", id: `{"email":"k@x.io","email_verified":true,"groups":["/ml/vision","/ml"]}`,
			email: "k@x.io", source: "email", verified: true, groups: []string{"/ml/vision", "/ml"}},
		{name: "entra overage", id: `{"email":"o@x.io","xms_edov":"true","_claim_names":{"groups":"src1"},"_claim_sources":{"src1":{"endpoint":"https://graph"}}}`,
			email: "o@x.io", source: "email", verified: true, overage: true},
		{name: "entra hasgroups", id: `{"email":"o@x.io","hasgroups":true}`, email: "o@x.io", source: "email", overage: true},
		{name: "other _claim_names", id: `{"email":"o@x.io","_claim_names":{"roles":"src1"}}`, email: "o@x.io", source: "email"},
	} {
		c := Profile{TrustEmail: tc.trust}.Identity("https://idp", "sub", claims(t, tc.id), claims(t, tc.userinfo))
		if c.Email != tc.email || c.EmailSource != tc.source || c.EmailVerified != tc.verified || c.PreferredUsername != tc.username ||
			c.Name != tc.full || !slices.Equal(c.Groups, tc.groups) || c.GroupsOverage != tc.overage {
			t.Errorf("%s: %+v", tc.name, c)
		}
	}
}

// Entra and Google have no groups scope: asking for it would fail the
// sign-in, and their groups (if any) come without it.
func TestGroupsScopeByProvider(t *testing.T) {
	for issuer, want := range map[string]bool{
		"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0": false,
		"https://accounts.google.com":             false,
		"https://example.okta.com/oauth2/default": true,
		"https://sso.example.com/realms/ml":       true,
		"http://127.0.0.1:5556/dex":               true,
	} {
		c := New(Config{Issuer: issuer, Groups: true})
		if got := slices.Contains(c.Scopes(), "groups"); got != want {
			t.Errorf("%s: asks for groups %v, want %v", issuer, got, want)
		}
	}
}
