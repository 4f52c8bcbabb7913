package web_test

// Issue 15, second pass: duplicate service-account names, every sign-up
// error at once, the user detail page, the teams list's search and paging,
// unlicensed options, compressed static assets.

import (
	"net/url"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// A second service account with a taken name is refused beside the name
// field, on the team tab and the organization page alike, and none is made.
func TestServiceAccountFormRefusesTakenName(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
	admin := e.MustWebSignIn("ada", apitest.Password)
	for _, c := range []struct{ path, list string }{
		{"/teams/ml/settings/service-accounts", "/api/v1/teams/ml/service-accounts"},
		{"/org/service-accounts", "/api/v1/service-accounts"},
	} {
		form := url.Values{"name": {"nightly"}, "team": {"ml"}}
		if r := admin.Post(c.path, form); r.StatusCode != 200 {
			t.Fatalf("first %s: %d %.300s", c.path, r.StatusCode, r.Body)
		}
		form.Set("name", "Nightly")
		r := admin.Post(c.path, form)
		body := string(r.Body)
		if r.StatusCode != 409 || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, `<p class="field-error" role="alert">`) || !strings.Contains(body, "already has a service account named Nightly") {
			t.Errorf("second %s: %d %.600s", c.path, r.StatusCode, body)
		}
		if n := strings.Count(string(e.Must(200, "GET", c.list, nil, ada.Key).Body), `"name":"`); n != 1 {
			t.Errorf("%s lists %d service accounts after the refusal, want 1", c.list, n)
		}
	}
}
