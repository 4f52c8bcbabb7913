package web_test

// Issue 15, second pass: duplicate service-account names, every sign-up
// error at once, the user detail page, the teams list's search and paging,
// unlicensed options, compressed static assets.

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"roster/internal/apitest"
	"roster/internal/license"
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

// An organization admin opens a user's page from the users table: teams
// and roles, API keys without secrets, sign-in methods, SCIM, status and
// the actions; members get 403 and learn nothing, not even whether the
// user exists.
func TestUserDetailPage(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	bob := e.MustUser(ada.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "bob", "role": "admin"}, ada.Key)
	key := e.Must(201, "POST", "/api/v1/users/me/api-keys", map[string]string{"name": "laptop"}, bob.Key).Map(t)
	admin := e.MustWebSignIn("ada", apitest.Password)
	list := string(admin.Get("/org/users").Body)
	users := e.Must(200, "GET", "/api/v1/users/bob", nil, ada.Key).Map(t)
	id := users["id"].(string)
	if !strings.Contains(list, `href="/org/users/`+id+`"`) {
		t.Fatalf("the users table does not link to bob's page")
	}
	r := admin.Get("/org/users/" + id)
	body := string(r.Body)
	for _, want := range []string{"<h1>bob</h1>", `<a href="/teams/ml">`, "Admin", "laptop", "Roster password", `id="user-scim">No`,
		`data-action="deactivate"`, "roster admin reset-password bob"} {
		if r.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("bob's page: %d, no %q", r.StatusCode, want)
		}
	}
	for _, secret := range []string{key["key"].(string), "$argon2"} {
		if strings.Contains(body, secret) {
			t.Errorf("bob's page shows a secret %q", secret)
		}
	}
	// Deactivate from the page: back on it, with the new status.
	r = admin.Post("/org/users/"+id+"/deactivate", url.Values{"from": {"detail"}})
	if body := string(r.Body); r.StatusCode != 200 || !strings.Contains(body, `id="user-status">Deactivated`) || !strings.Contains(body, `data-action="reactivate"`) {
		t.Errorf("deactivate from the page: %d %.300s", r.StatusCode, body)
	}
	admin.Post("/org/users/"+id+"/reactivate", url.Values{"from": {"detail"}})
	member := e.MustWebSignIn("bob", apitest.Password)
	for _, path := range []string{"/org/users/" + id, "/org/users/nobody"} {
		if r := member.Get(path); r.StatusCode != 403 || strings.Contains(string(r.Body), "laptop") {
			t.Errorf("member opens %s: %d, want 403", path, r.StatusCode)
		}
	}
	if r := admin.Get("/org/users/nobody"); r.StatusCode != 404 {
		t.Errorf("admin opens a missing user: %d, want 404", r.StatusCode)
	}
	// A user the identity provider made through SCIM.
	sa := apitest.Key(e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "idp", "default_team": "ml"}, ada.Key).Map(t)["key"].(string))
	e.Must(201, "POST", "/scim/v2/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"carol",
		"externalId":"okta-42","emails":[{"value":"carol@example.com","primary":true}]}`, sa)
	body = string(admin.Get("/org/users/carol").Body)
	if !strings.Contains(body, `id="user-scim">Yes`) || !strings.Contains(body, "okta-42") || strings.Contains(body, "Roster password") {
		t.Errorf("carol's page does not say SCIM manages her: %.3000s", body)
	}
}

// In a browser: the users table's name opens the user's page, which fits
// a phone, and Deactivate there asks, then shows the new status in place
// with the notice.
func TestBrowserUserDetailPage(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "bob", "member")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob", "role": "admin"}, ada.Key)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users")
	b.click(`tr[data-user="bob"] a.user-link`)
	b.waitText("h1", "bob")
	b.screenshot("user-detail")
	b.click(`button[data-action="deactivate"]`)
	b.confirm("Deactivate bob?")
	b.waitText("#user-status", "Deactivated")
	b.waitText("#flash", "bob is deactivated")
	b.phone()
	b.visit("/org/users/bob")
	b.noPageOverflow("user page at 390 px")
	b.screenshot("user-detail-390")
}

// The organization's teams list searches and pages like the users table;
// members are refused it.
func TestTeamsListSearchAndPaging(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	e.MustUser(ada.Key, "bob", "member")
	for i := range 55 {
		e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": fmt.Sprintf("team-%02d", i), "display_name": fmt.Sprintf("Group %02d", i),
			"storage": map[string]string{"type": "default"}}, ada.Key)
	}
	admin := e.MustWebSignIn("ada", apitest.Password)
	first := string(admin.Get("/org/teams").Body)
	if n := strings.Count(first, `data-team="team-`); n != 50 || !strings.Contains(first, "55 teams") || !strings.Contains(first, `href="/org/teams?after=team-49"`) {
		t.Fatalf("first page: %d rows, %.200s", n, first)
	}
	next := string(admin.Get("/org/teams?after=team-49").Body)
	if n := strings.Count(next, `data-team="team-`); n != 5 || !strings.Contains(next, `data-team="team-54"`) || strings.Contains(next, `id="teams-next"`) ||
		!strings.Contains(next, `id="teams-first"`) {
		t.Errorf("second page: %d rows", n)
	}
	// By name or display name, case folded; htmx gets the list alone.
	for _, q := range []string{"TEAM-1", "group 1"} {
		r := admin.Get("/org/teams?q=" + url.QueryEscape(q))
		if n := strings.Count(string(r.Body), `data-team="team-`); n != 10 || !strings.Contains(string(r.Body), "10 teams match") {
			t.Errorf("search %q: %d rows", q, n)
		}
	}
	if body := string(admin.Get("/org/teams?q=nothing-like-it").Body); !strings.Contains(body, "No team matches") {
		t.Errorf("an empty search says nothing")
	}
	member := e.MustWebSignIn("bob", apitest.Password)
	if r := member.Get("/org/teams?q=team"); r.StatusCode != 403 || strings.Contains(string(r.Body), `data-team="team-`) {
		t.Errorf("member opens the teams list: %d", r.StatusCode)
	}
}

// In a browser: typing in the teams search narrows the list in place and
// keeps the focus in the box; the page fits a phone.
func TestBrowserTeamsSearch(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	for _, team := range []string{"vision", "nlp", "speech"} {
		env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": team, "storage": map[string]string{"type": "default"}}, ada.Key)
	}
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/teams")
	b.screenshot("teams")
	b.fill("#team-search", "vis")
	b.waitText("#teams-total", "1 team match")
	b.waitJSOrFail(`document.activeElement && document.activeElement.id === "team-search"`)
	if n := b.number(`document.querySelectorAll("#teams-table tbody tr").length`); n != 1 {
		t.Errorf("%d rows after the search, want 1", n)
	}
	b.phone()
	b.visit("/org/teams")
	b.noPageOverflow("teams list at 390 px")
	b.screenshot("teams-390")
}

// Options the license lacks are disabled with the reason in plain words
// (the Read-only team role, custom roles, service accounts), and offered
// when it has them; the app still refuses a forged submit.
func TestUnlicensedOptionsAreDisabled(t *testing.T) {
	viewer := regexp.MustCompile(`<option value="viewer"[^>]*>`)
	for _, c := range []struct {
		name     string
		features []license.Feature
		off      bool
	}{
		{"lacking", []license.Feature{license.SSO}, true},
		{"having", license.AllFeatures(), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := licensedEnv(t, 50, c.features...)
			ada := e.MustSignup("ada")
			e.MustUser(ada.Key, "bob", "member")
			e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
			admin := e.MustWebSignIn("ada", apitest.Password)
			members := string(admin.Get("/teams/ml/settings/members").Body)
			opt := viewer.FindString(members)
			if got := strings.Contains(opt, "disabled"); opt == "" || got != c.off {
				t.Errorf("viewer option %q, disabled %v, want %v", opt, got, c.off)
			}
			if got := strings.Contains(members, "does not include the Read-only team role"); got != c.off {
				t.Errorf("members tab tells the reason: %v, want %v", got, c.off)
			}
			for path, off := range map[string]string{"/org/roles": `id="custom-roles-off"`, "/org/service-accounts": `id="sa-off"`,
				"/teams/ml/settings/service-accounts": `id="sa-off"`} {
				body := string(admin.Get(path).Body)
				if got := strings.Contains(body, off); got != c.off || c.off && !strings.Contains(body, "ask for a license with it") {
					t.Errorf("%s: reason shown %v, want %v", path, got, c.off)
				}
			}
			if c.off {
				r := admin.Post("/teams/ml/settings/members", url.Values{"who": {"bob"}, "role": {"viewer"}})
				if r.StatusCode != 403 {
					t.Errorf("a forged viewer add: %d, want 403", r.StatusCode)
				}
			}
		})
	}
}

// Stylesheet and scripts go gzip-compressed to clients that accept it,
// with Vary: Accept-Encoding, and whole to others; HTML pages and API
// answers, which carry CSRF tokens and secrets, are never compressed
// (BREACH).
func TestStaticAssetsCompressed(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	get := func(path, enc string, extra ...[2]string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), "GET", e.Server.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", enc)
		for _, h := range extra {
			req.Header.Set(h[0], h[1])
		}
		// A transport that leaves the encoding to us.
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	for _, asset := range []string{"/static/app.css", "/static/app.js", "/static/htmx.min.js"} {
		plain := get(asset, "identity")
		raw, _ := io.ReadAll(plain.Body)
		res := get(asset, "br;q=1.0, gzip;q=0.8")
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: %d, encoding %q, vary %q", asset, res.StatusCode, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
			continue
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatalf("%s: %v", asset, err)
		}
		unzipped, _ := io.ReadAll(zr)
		if !bytes.Equal(unzipped, raw) || len(raw) == 0 {
			t.Errorf("%s: the compressed body is not the file", asset)
		}
		if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "css") && !strings.Contains(ct, "javascript") {
			t.Errorf("%s: content type %q", asset, ct)
		}
		if plain.Header.Get("Content-Encoding") != "" || !strings.Contains(plain.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s without gzip: encoding %q, vary %q", asset, plain.Header.Get("Content-Encoding"), plain.Header.Get("Vary"))
		}
		if r := get(asset, "gzip;q=0, *"); r.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: compressed though gzip;q=0", asset)
		}
	}
	for _, path := range []string{"/sign-in", "/api/v1/viewer"} {
		if r := get(path, "gzip", [2]string{"Authorization", "Bearer " + string(ada.Key)}); r.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s is compressed: %q", path, r.Header.Get("Content-Encoding"))
		}
	}
}
