package web_test

// Issue 14: the organization's "API keys" page and the default team of
// organization service accounts, through the web edge.

import (
	"net/url"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// keyIDOf returns one of cred's own key ids.
func keyIDOf(t *testing.T, e *apitest.Env, cred apitest.Cred) string {
	t.Helper()
	var out struct {
		APIKeys []struct{ ID string } `json:"api_keys"`
	}
	e.Must(200, "GET", "/api/v1/users/me/api-keys", nil, cred).JSON(t, &out)
	return out.APIKeys[0].ID
}

// The API keys page lists every key with owner and kind, filters them,
// revokes the checked ones and switches personal key creation; members
// see none of it.
func TestOrgAPIKeysPage(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	bob := e.MustUser(ada.Key, "bob", "member")
	cat := e.MustUser(ada.Key, "cat", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
	e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "nightly-bot", "default_team": "ml"}, ada.Key)
	admin := e.MustWebSignIn("ada", apitest.Password)

	page := admin.Get("/org/api-keys")
	body := string(page.Body)
	if page.StatusCode != 200 || !strings.Contains(body, `href="/org/api-keys" aria-current="page"`) {
		t.Fatalf("GET /org/api-keys: %d, want the page under the organization navigation", page.StatusCode)
	}
	for _, want := range []string{"bob", "cat", "nightly-bot", "Service account", "Never"} {
		if !strings.Contains(body, want) {
			t.Errorf("API keys page lacks %q", want)
		}
	}
	if f := string(admin.Get("/org/api-keys?kind=service_account").Body); strings.Contains(f, ">bob<") || !strings.Contains(f, "nightly-bot") {
		t.Error("kind=service_account does not filter to service accounts")
	}
	if f := string(admin.Get("/org/api-keys?query=BOB").Body); !strings.Contains(f, ">bob<") || strings.Contains(f, "nightly-bot") {
		t.Error("search BOB does not find only bob's key")
	}
	if r := admin.Get("/org/api-keys?unused_days=zero"); r.StatusCode != 400 {
		t.Errorf("bad unused days: %d, want 400", r.StatusCode)
	}
	// Members see no inventory and revoke nothing.
	member := e.MustWebSignIn("bob", apitest.Password)
	if r := member.Get("/org/api-keys"); r.StatusCode != 403 || strings.Contains(string(r.Body), "nightly-bot") {
		t.Errorf("member GET /org/api-keys: %d", r.StatusCode)
	}
	if r := member.Post("/org/api-keys/revoke", url.Values{"id": {keyIDOf(t, e, cat.Key)}}); r.StatusCode != 403 {
		t.Errorf("member revoke: %d, want 403", r.StatusCode)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, cat.Key)
	// Revoke two at once.
	r := admin.Post("/org/api-keys/revoke", url.Values{"id": {keyIDOf(t, e, bob.Key), keyIDOf(t, e, cat.Key)}})
	if r.StatusCode != 200 || !strings.Contains(string(r.Body), "2 API key(s) revoked") {
		t.Errorf("revoke two: %d %.200s", r.StatusCode, r.Body)
	}
	e.Must(401, "GET", "/api/v1/viewer", nil, bob.Key)
	e.Must(401, "GET", "/api/v1/viewer", nil, cat.Key)
	// The setting: members cannot create keys, and learn who can turn it back on.
	admin.Post("/org/api-keys/settings", url.Values{"disable_api_key_creation": {"on"}})
	if prof := string(member.Get("/profile").Body); strings.Contains(prof, `id="new-key-form"`) || !strings.Contains(prof, "organization admin can turn it back on") {
		t.Error("the profile still offers a new key while creation is disabled")
	}
	p := member.Post("/profile/api-keys", url.Values{"name": {"laptop"}})
	if p.StatusCode != 403 || !strings.Contains(string(p.Body), "organization admin can turn it back on") {
		t.Errorf("member creating a key while disabled: %d %.300s", p.StatusCode, p.Body)
	}
	if r := member.Post("/org/api-keys/settings", url.Values{}); r.StatusCode != 403 {
		t.Errorf("member changing the setting: %d, want 403", r.StatusCode)
	}
	admin.Post("/org/api-keys/settings", url.Values{})
	if p := member.Post("/profile/api-keys", url.Values{"name": {"laptop"}}); p.StatusCode != 200 {
		t.Errorf("member creating a key after the setting is off: %d", p.StatusCode)
	}
}

// The organization service account form needs a default team (A1).
func TestOrgServiceAccountFormNeedsDefaultTeam(t *testing.T) {
	e := apitest.New(t)
	e.MustSignup("ada")
	admin := e.MustWebSignIn("ada", apitest.Password)
	r := admin.Post("/org/service-accounts", url.Values{"name": {"bot"}})
	if r.StatusCode != 400 || !strings.Contains(string(r.Body), "needs a default team") {
		t.Errorf("no default team: %d %.300s", r.StatusCode, r.Body)
	}
	if strings.Contains(string(admin.Get("/org/service-accounts").Body), "<td>bot</td>") {
		t.Error("a service account without default team was made")
	}
}

// Admins add a key to a service account from its page (rotation without
// downtime); the secret shows once; team members may not.
func TestServiceAccountNewKeyFromPages(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	e.MustUser(ada.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "bob", "role": "member"}, ada.Key)
	org := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "nightly-bot", "default_team": "ml"}, ada.Key).Map(t)
	team := e.Must(201, "POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "ml-bot"}, ada.Key).Map(t)
	admin := e.MustWebSignIn("ada", apitest.Password)
	secretRE := `class="copy-value" type="text" readonly value="`
	for _, path := range []string{"/org/service-accounts/" + org["id"].(string) + "/keys", "/teams/ml/settings/service-accounts/" + team["id"].(string) + "/keys"} {
		r := admin.Post(path, url.Values{"name": {"rotated"}})
		body := string(r.Body)
		i := strings.Index(body, secretRE)
		if r.StatusCode != 200 || i < 0 {
			t.Fatalf("POST %s: %d, no key shown: %.300s", path, r.StatusCode, body)
		}
		secret := body[i+len(secretRE) : i+len(secretRE)+strings.Index(body[i+len(secretRE):], `"`)]
		e.Must(200, "GET", "/api/v1/viewer", nil, apitest.Key(secret))
	}
	member := e.MustWebSignIn("bob", apitest.Password)
	if r := member.Post("/teams/ml/settings/service-accounts/"+team["id"].(string)+"/keys", url.Values{}); r.StatusCode != 403 {
		t.Errorf("member adds a key to the team's service account: %d, want 403", r.StatusCode)
	}
	if r := member.Post("/org/service-accounts/"+org["id"].(string)+"/keys", url.Values{}); r.StatusCode != 403 {
		t.Errorf("member adds a key to an organization service account: %d, want 403", r.StatusCode)
	}
}

// Issue 17: the team's Service accounts tab creates an external service
// account from a JWT subject: no key is shown or offered, the table marks
// it External, and a taken subject is reported beside the field.
func TestTeamExternalServiceAccountFromPage(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
	admin := e.MustWebSignIn("ada", apitest.Password)
	r := admin.Post("/teams/ml/settings/service-accounts", url.Values{"name": {"ci"}, "subject": {"repo:acme/train:ref:refs/heads/main"}})
	body := string(r.Body)
	if r.StatusCode != 200 || !strings.Contains(body, "External service account ci created") || strings.Contains(body, `class="copy-value"`) ||
		!strings.Contains(body, "<code>repo:acme/train:ref:refs/heads/main</code>") || strings.Contains(body, `aria-label="New API key for ci"`) {
		t.Fatalf("create external service account: %d %.2000s", r.StatusCode, body)
	}
	r = admin.Post("/teams/ml/settings/service-accounts", url.Values{"name": {"ci2"}, "subject": {"repo:acme/train:ref:refs/heads/main"}})
	if body := string(r.Body); r.StatusCode != 409 || !strings.Contains(body, "already signs in with subject") {
		t.Errorf("taken subject: %d %.500s", r.StatusCode, body)
	}
}
