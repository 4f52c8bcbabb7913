package api_test

import (
	"strings"
	"testing"

	"roster/internal/apitest"
)

// Issue 15: a second live service account with the same name (case
// folded) is refused in one team and among the organization's accounts,
// with a 409 and a typed reason; other scopes and freed names stay open;
// callers who may not create service accounts are refused first, without
// learning which names exist.
func TestServiceAccountNamesUniquePerScope(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	bob := e.MustUser(ada.Key, "bob", "member")
	for _, team := range []string{"ml", "cv"} {
		e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": team, "storage": map[string]string{"type": "default"}}, ada.Key)
	}
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "bob", "role": "member"}, ada.Key)
	first := e.Must(201, "POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "nightly"}, ada.Key).Map(t)
	r := e.Do("POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "Nightly"}, ada.Key)
	wantCode(t, r, 409, "service_account_name_taken")
	if !strings.Contains(string(r.Body), "team ml already has a service account named Nightly") {
		t.Errorf("refusal does not say why: %s", r.Body)
	}
	// Another team and the organization are other scopes.
	e.Must(201, "POST", "/api/v1/teams/cv/service-accounts", map[string]string{"name": "nightly"}, ada.Key)
	org := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "nightly", "default_team": "ml"}, ada.Key).Map(t)
	wantCode(t, e.Do("POST", "/api/v1/service-accounts", map[string]string{"name": "NIGHTLY", "default_team": "cv"}, ada.Key), 409, "service_account_name_taken")
	// Denials come before the name check.
	wantCode(t, e.Do("POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "nightly"}, bob.Key), 403, "missing_permission")
	wantCode(t, e.Do("POST", "/api/v1/service-accounts", map[string]string{"name": "nightly", "default_team": "ml"}, bob.Key), 403, "not_admin")
	// A deleted account frees its name.
	e.Must(204, "DELETE", "/api/v1/teams/ml/service-accounts/"+first["id"].(string), nil, ada.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "nightly"}, ada.Key)
	e.Must(204, "DELETE", "/api/v1/service-accounts/"+org["id"].(string), nil, ada.Key)
	e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "Nightly", "default_team": "cv"}, ada.Key)
}
