package web_test

// Issue 15, second pass: duplicate service-account names, every sign-up
// error at once, the user detail page, the teams list's search and paging,
// unlicensed options, compressed static assets.

import (
	"net/url"
	"regexp"
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

// fieldErrorsIn counts the field errors of a page and tells whether each
// named field is marked invalid.
func wantFieldErrors(t *testing.T, page string, status, want int, fields ...string) {
	t.Helper()
	if got := strings.Count(page, `<p class="field-error" role="alert">`); status < 400 || got != want {
		t.Errorf("status %d, %d field errors, want %d: %.3000s", status, got, want, page)
	}
	for _, f := range fields {
		if !strings.Contains(page, `id="`+f+`" name="`+f+`"`) ||
			!regexp.MustCompile(`id="`+f+`" name="`+f+`"[^>]*aria-invalid="true"`).MatchString(page) {
			t.Errorf("field %s is not marked invalid", f)
		}
	}
}

// Sign-up and invite acceptance report every wrong field in one submit,
// each beside its field; the invite form says a username is taken only to
// a holder of a usable link.
func TestSignUpAndInviteReportEveryField(t *testing.T) {
	env := apitest.New(t)
	v := newVisitor(t, env)
	_, _, csrf := v.get("/sign-up")
	status, body := v.post("/sign-up", url.Values{"csrf": {csrf}, "username": {"bad name!"}, "email": {"nope"}, "password": {"x"}, "name": {"a\x01b"}})
	wantFieldErrors(t, body, status, 4, "username", "email", "password", "name")
	ada := env.MustSignup("ada")
	_, token := env.MustInvite(ada.Key, "carol@example.com", "member")
	v = newVisitor(t, env)
	_, _, csrf = v.get("/invite/" + token)
	status, body = v.post("/invite/"+token, url.Values{"csrf": {csrf}, "username": {"ada"}, "password": {"x"}})
	wantFieldErrors(t, body, status, 2, "username", "password")
	if !strings.Contains(body, "username ada is already taken") || !strings.Contains(body, "password must be between") {
		t.Errorf("the invite form does not say both: %.3000s", body)
	}
	// A wrong link tells nothing about usernames.
	r := env.Do("POST", "/api/v1/invites/accept", map[string]string{"token": "nope", "username": "ada", "password": "x"}, apitest.Anonymous)
	if strings.Contains(string(r.Body), "taken") {
		t.Errorf("a wrong invite link learns a username is taken: %s", r.Body)
	}
	env.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": "carol", "password": apitest.Password}, apitest.Anonymous)
}
