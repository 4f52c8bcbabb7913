package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth/federation/fedtest"
)

// fedEnv is a server with an admin and a registered loopback JWT issuer.
type fedEnv struct {
	e     *apitest.Env
	admin apitest.User
	iss   *fedtest.Issuer
}

func newFedEnv(t *testing.T, opt apitest.Options) *fedEnv {
	t.Helper()
	e := apitest.NewWith(t, opt)
	f := &fedEnv{e: e, admin: e.MustSignup("root"), iss: fedtest.New(t)}
	e.Must(201, "POST", "/api/v1/jwt-issuers", map[string]string{"issuer_url": f.iss.URL}, f.admin.Key)
	return f
}

// tokenAnswer is /oidc/token's answer, success or error.
type tokenAnswer struct {
	Status      int
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// post sends form to /oidc/token as the wandb SDK does.
func (f *fedEnv) post(t *testing.T, form url.Values) tokenAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", f.e.Server.URL+"/oidc/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.e.Server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("/oidc/token answered %s, want application/json", ct)
	}
	var out tokenAnswer
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("/oidc/token: decode: %v", err)
	}
	out.Status = resp.StatusCode
	return out
}

func (f *fedEnv) exchange(t *testing.T, jwt string) tokenAnswer {
	t.Helper()
	return f.post(t, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {jwt}})
}

// mustToken exchanges a fresh JWT for sub and returns the access token.
func (f *fedEnv) mustToken(t *testing.T, sub string) apitest.Key {
	t.Helper()
	got := f.exchange(t, f.iss.Sign(f.iss.Claims(sub, "wandb", f.e.Clock.Now())))
	if got.Status != 200 || got.AccessToken == "" {
		t.Fatalf("exchange for %s: %+v", sub, got)
	}
	return apitest.Key(got.AccessToken)
}

// wantRefused checks an RFC 6749 §5.2 refusal whose description says why.
func wantRefused(t *testing.T, what string, got tokenAnswer, code, says string) {
	t.Helper()
	if got.Status != 400 || got.Error != code || !strings.Contains(got.Description, says) || got.AccessToken != "" {
		t.Errorf("%s: %d %s %q, want 400 %s saying %q", what, got.Status, got.Error, got.Description, code, says)
	}
}

// Issue 17: a user's JWT from a registered issuer is exchanged for an
// access token, as the wandb SDK does it, and the token works wherever an
// API key does (Bearer and Basic, REST and run creation), within the
// user's rights (a member gets no SCIM), until it expires.
func TestFederationUserExchange(t *testing.T) {
	f := newFedEnv(t, apitest.Options{})
	e := f.e
	alice := e.MustUser(f.admin.Key, "alice", "member")
	before := e.AuditCount("jwt:exchange")

	got := f.exchange(t, f.iss.Sign(f.iss.Claims(alice.Email, "wandb", e.Clock.Now())))
	if got.Status != 200 || got.TokenType != "Bearer" || got.ExpiresIn != 3600 || !strings.HasPrefix(got.AccessToken, "roster-at_") {
		t.Fatalf("exchange: %+v", got)
	}
	tok := apitest.Key(got.AccessToken)
	if n := e.AuditCount("jwt:exchange"); n != before+1 {
		t.Errorf("jwt:exchange entries: %d, want %d", n, before+1)
	}
	var v struct {
		Kind string `json:"kind"`
		Auth string `json:"auth"`
		User struct{ Username string }
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, tok).JSON(t, &v)
	if v.User.Username != "alice" || v.Auth != "access_token" {
		t.Errorf("viewer with the access token: %+v", v)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, apitest.BasicKey{User: "api", Key: got.AccessToken})
	e.Must(403, "GET", "/scim/v2/Users", nil, tok)
	e.Must(200, "GET", "/scim/v2/Users", nil, f.mustToken(t, f.admin.Email)) // an admin's token is a SCIM caller
	if r := e.Must(200, "POST", "/graphql", map[string]string{"query": "{ viewer { username } }"}, tok); !strings.Contains(string(r.Body), `"username":"alice"`) {
		t.Errorf("GraphQL viewer with the access token: %s", r.Body)
	}
	e.Must(403, "POST", "/api/v1/jwt-issuers", map[string]string{"issuer_url": "https://idp.example"}, tok)

	// ES256 too, and the organization's name as the audience.
	es := f.exchange(t, f.iss.SignES256(f.iss.Claims(alice.Email, "Roster", e.Clock.Now())))
	if es.Status != 200 {
		t.Errorf("ES256 JWT with aud Roster: %+v", es)
	}

	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, f.admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "alice"}, f.admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "vision"}, tok)
	var run teamRun
	e.Must(201, "POST", "/api/v1/teams/ml/projects/vision/runs", map[string]string{"name": "first"}, tok).JSON(t, &run)
	if run.Author != "alice" || run.Creator != "alice" {
		t.Errorf("run by the access token: author %q creator %q", run.Author, run.Creator)
	}

	// The token expires on time.
	e.Clock.Advance(59 * time.Minute)
	e.Must(200, "GET", "/api/v1/viewer", nil, tok)
	e.Clock.Advance(time.Minute)
	r := e.Must(401, "GET", "/api/v1/viewer", nil, tok)
	if code := teamProblemCode(r); code != "access_token_expired" {
		t.Errorf("expired access token: code %q: %s", code, r.Body)
	}
}

// Issue 17: every failed check refuses the exchange with invalid_grant
// and a description naming it, writes a jwt:exchange_failed entry, and
// never answers 500.
func TestFederationRefusals(t *testing.T) {
	f := newFedEnv(t, apitest.Options{})
	e, iss := f.e, f.iss
	alice := e.MustUser(f.admin.Key, "alice", "member")
	bob := e.MustUser(f.admin.Key, "bob", "member")
	e.Must(200, "POST", "/api/v1/users/"+bob.ID+"/deactivate", nil, f.admin.Key)
	e.MustInvite(f.admin.Key, "pending@example.com", "member")
	now := e.Clock.Now()
	claims := func(edit func(map[string]any)) map[string]any {
		c := iss.Claims(alice.Email, "wandb", now)
		if edit != nil {
			edit(c)
		}
		return c
	}
	replayed := iss.Sign(claims(nil))
	if got := f.exchange(t, replayed); got.Status != 200 {
		t.Fatalf("first use of the JWT: %+v", got)
	}
	failedBefore := e.AuditCount("jwt:exchange_failed")
	cases := []struct {
		what, jwt, says string
	}{
		{"signature", iss.SignWithForeignKey(claims(nil)), "does not verify"},
		{"issuer", iss.Sign(claims(func(c map[string]any) { c["iss"] = "https://idp.example" })), "is not registered"},
		{"unknown subject", iss.Sign(claims(func(c map[string]any) { c["sub"] = "nobody@example.com" })), "neither an organization user's email"},
		{"deactivated subject", iss.Sign(claims(func(c map[string]any) { c["sub"] = bob.Email })), "is deactivated"},
		{"invited subject", iss.Sign(claims(func(c map[string]any) { c["sub"] = "pending@example.com" })), "is invited"},
		{"audience", iss.Sign(claims(func(c map[string]any) { c["aud"] = "another-service" })), "audience (aud)"},
		{"expired", iss.Sign(claims(func(c map[string]any) {
			c["iat"], c["nbf"], c["exp"] = now.Add(-time.Hour).Unix(), now.Add(-time.Hour).Unix(), now.Add(-2*time.Minute).Unix()
		})), "expired at"},
		{"no exp", iss.Sign(claims(func(c map[string]any) { delete(c, "exp") })), "no exp claim"},
		{"not yet valid", iss.Sign(claims(func(c map[string]any) { c["nbf"] = now.Add(5 * time.Minute).Unix() })), "not valid before"},
		{"issued in the future", iss.Sign(claims(func(c map[string]any) { c["iat"] = now.Add(5 * time.Minute).Unix() })), "issued in the future"},
		{"replayed jti", replayed, "exchanged already"},
		{"alg none", fedtest.Unsigned(claims(nil)), "alg none"},
		{"HMAC", fedtest.HMAC(claims(nil), "shared"), "HMAC"},
		{"malformed", "not-a-jwt", "three dot-separated parts"},
	}
	for _, c := range cases {
		wantRefused(t, c.what, f.exchange(t, c.jwt), "invalid_grant", c.says)
	}
	if n := e.AuditCount("jwt:exchange_failed"); n != failedBefore+len(cases) {
		t.Errorf("jwt:exchange_failed entries: %d, want %d", n, failedBefore+len(cases))
	}
	// Each entry names its failed check; the JWT itself is never written.
	reasons := map[string]bool{}
	for _, a := range teamAudit(t, e, "jwt:exchange_failed") {
		reasons[strings.SplitN(a.Details, ":", 2)[0]] = true
		if strings.Contains(a.Details, replayed[:20]) {
			t.Errorf("audit entry holds the JWT: %s", a.Details)
		}
	}
	for _, r := range []string{"jwt_signature", "jwt_issuer", "jwt_subject_unknown", "jwt_subject_inactive", "jwt_audience",
		"jwt_expired", "jwt_not_yet_valid", "jwt_replayed", "jwt_algorithm", "jwt_malformed"} {
		if !reasons[r] {
			t.Errorf("no jwt:exchange_failed entry with reason %s (have %v)", r, reasons)
		}
	}
	if got := teamAudit(t, e, "jwt:exchange"); len(got) != 1 || got[0].ActorUserID != alice.ID || got[0].UserEmail != alice.Email {
		t.Errorf("jwt:exchange entries: %+v", got)
	}
	// Within the leeway a slightly early or late clock is fine.
	skewed := claims(func(c map[string]any) {
		c["nbf"], c["exp"] = now.Add(30*time.Second).Unix(), now.Add(-30*time.Second).Unix()
	})
	if got := f.exchange(t, iss.Sign(skewed)); got.Status != 200 {
		t.Errorf("JWT within the leeway: %+v", got)
	}
	// The request itself.
	wantRefused(t, "grant type", f.post(t, url.Values{"grant_type": {"password"}, "assertion": {"x"}}), "unsupported_grant_type", "jwt-bearer")
	wantRefused(t, "no grant type", f.post(t, url.Values{"assertion": {"x"}}), "invalid_request", "grant_type is required")
	wantRefused(t, "no assertion", f.post(t, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}}), "invalid_request", "assertion is required")
}

// Issue 17: SKIP_AUDIENCE_VALIDATION=true lets a JWT for any audience
// through the exchange.
func TestFederationSkipAudience(t *testing.T) {
	f := newFedEnv(t, apitest.Options{})
	alice := f.e.MustUser(f.admin.Key, "alice", "member")
	jwt := func() string { return f.iss.Sign(f.iss.Claims(alice.Email, "another-service", f.e.Clock.Now())) }
	wantRefused(t, "checked audience", f.exchange(t, jwt()), "invalid_grant", "audience")

	skip := apitest.NewWith(t, apitest.Options{Config: app.Config{SkipAudienceValidation: true}})
	admin := skip.MustSignup("root")
	skip.Must(201, "POST", "/api/v1/jwt-issuers", map[string]string{"issuer_url": f.iss.URL}, admin.Key)
	g := &fedEnv{e: skip, admin: admin, iss: f.iss}
	if got := g.exchange(t, f.iss.Sign(f.iss.Claims(admin.Email, "another-service", skip.Clock.Now()))); got.Status != 200 {
		t.Errorf("SKIP_AUDIENCE_VALIDATION=true: %+v", got)
	}
}

// Issue 17: an access token stops at once when its user is deactivated
// or removed, and works again on reactivation while it lasts.
func TestFederationAccessTokenFollowsUserStatus(t *testing.T) {
	f := newFedEnv(t, apitest.Options{})
	e := f.e
	alice := e.MustUser(f.admin.Key, "alice", "member")
	tok := f.mustToken(t, alice.Email)
	e.Must(200, "GET", "/api/v1/viewer", nil, tok)
	e.Must(200, "POST", "/api/v1/users/"+alice.ID+"/deactivate", nil, f.admin.Key)
	// Refused where the token is resolved, for every edge alike.
	if r := e.Must(401, "GET", "/api/v1/viewer", nil, tok); !strings.Contains(string(r.Body), "the owner of this access token is not active") {
		t.Errorf("deactivated user's access token: %s", r.Body)
	}
	e.Must(401, "GET", "/scim/v2/Users", nil, tok)
	e.Must(200, "POST", "/api/v1/users/"+alice.ID+"/reactivate", nil, f.admin.Key)
	e.Must(200, "GET", "/api/v1/viewer", nil, tok)
	e.Must(204, "DELETE", "/api/v1/users/"+alice.ID, nil, f.admin.Key)
	e.Must(401, "GET", "/api/v1/viewer", nil, tok)
}

// Issue 17: only organization admins (people, not service accounts)
// register, list and delete issuers; bad URLs and unreachable issuers are
// clear 4xx; deleting an issuer ends its access tokens at once.
func TestFederationIssuerAdmin(t *testing.T) {
	f := newFedEnv(t, apitest.Options{})
	e := f.e
	member := e.MustUser(f.admin.Key, "member", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, f.admin.Key)
	var sa struct{ Key string }
	e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "scim-bot", "default_team": "ml"}, f.admin.Key).JSON(t, &sa)
	other := fedtest.New(t)
	for _, c := range []apitest.Cred{member.Key, apitest.Key(sa.Key), apitest.Anonymous} {
		r := e.Do("POST", "/api/v1/jwt-issuers", map[string]string{"issuer_url": other.URL}, c)
		if r.StatusCode != 403 && r.StatusCode != 401 {
			t.Errorf("non-admin registers an issuer: %d %s", r.StatusCode, r.Body)
		}
	}
	e.Must(403, "GET", "/api/v1/jwt-issuers", nil, member.Key)
	for _, c := range []struct {
		url, code string
		status    int
	}{
		{"http://idp.example.com", "issuer_url_invalid", 400},
		{"ftp://127.0.0.1/x", "issuer_url_invalid", 400},
		{other.URL + "?q=1", "issuer_url_invalid", 400},
		{"", "issuer_url_invalid", 400},
		{f.iss.URL, "issuer_taken", 409},
		{other.URL + "/nothing-here", "issuer_unreachable", 400},
	} {
		r := e.Do("POST", "/api/v1/jwt-issuers", map[string]string{"issuer_url": c.url}, f.admin.Key)
		if r.StatusCode != c.status || teamProblemCode(r) != c.code {
			t.Errorf("register %q: %d %s, want %d %s", c.url, r.StatusCode, r.Body, c.status, c.code)
		}
	}
	var list struct {
		JWTIssuers []struct {
			ID        string `json:"id"`
			IssuerURL string `json:"issuer_url"`
		} `json:"jwt_issuers"`
	}
	e.Must(200, "GET", "/api/v1/jwt-issuers", nil, f.admin.Key).JSON(t, &list)
	if len(list.JWTIssuers) != 1 || list.JWTIssuers[0].IssuerURL != f.iss.URL {
		t.Fatalf("issuers: %+v", list)
	}
	tok := f.mustToken(t, member.Email)
	id := list.JWTIssuers[0].ID
	e.Must(403, "DELETE", "/api/v1/jwt-issuers/"+id, nil, member.Key)
	e.Must(204, "DELETE", "/api/v1/jwt-issuers/"+id, nil, f.admin.Key)
	e.Must(404, "DELETE", "/api/v1/jwt-issuers/"+id, nil, f.admin.Key)
	e.Must(401, "GET", "/api/v1/viewer", nil, tok)
	wantRefused(t, "deleted issuer", f.exchange(t, f.iss.Sign(f.iss.Claims(member.Email, "wandb", e.Clock.Now()))), "invalid_grant", "is not registered")
	if e.AuditCount("organization:create_jwt_issuer") != 1 || e.AuditCount("organization:delete_jwt_issuer") != 1 {
		t.Errorf("issuer audit entries: %d created, %d deleted", e.AuditCount("organization:create_jwt_issuer"), e.AuditCount("organization:delete_jwt_issuer"))
	}
}

// Issue 17: the issuer's keys are cached for their HTTP lifetime; a JWT
// naming a new key fetches them again (at most every 10 seconds); while
// the issuer is down the cached keys keep working until they expire, and
// then the refusal says so.
func TestFederationKeyRotationAndIssuerDown(t *testing.T) {
	f := newFedEnv(t, apitest.Options{})
	e, iss := f.e, f.iss
	alice := e.MustUser(f.admin.Key, "alice", "member")
	fetched := iss.Fetches()
	f.mustToken(t, alice.Email)
	f.mustToken(t, alice.Email)
	if n := iss.Fetches(); n != fetched {
		t.Errorf("JWKS fetched %d more times with the keys cached", n-fetched)
	}
	old := iss.Sign(iss.Claims(alice.Email, "wandb", e.Clock.Now()))
	iss.Rotate()
	rotated := iss.Sign(iss.Claims(alice.Email, "wandb", e.Clock.Now()))
	wantRefused(t, "new key right after a fetch", f.exchange(t, rotated), "invalid_grant", "publishes no key")
	e.Clock.Advance(11 * time.Second)
	if got := f.exchange(t, rotated); got.Status != 200 {
		t.Fatalf("JWT signed with the rotated key: %+v", got)
	}
	if n := iss.Fetches(); n != fetched+1 {
		t.Errorf("JWKS fetches after the rotation: %d, want %d", n, fetched+1)
	}
	wantRefused(t, "retired key", f.exchange(t, old), "invalid_grant", "publishes no key")

	iss.Stop()
	e.Clock.Advance(4 * time.Minute)
	f.mustToken(t, alice.Email) // cached keys, issuer down
	e.Clock.Advance(time.Minute)
	got := f.exchange(t, iss.Sign(iss.Claims(alice.Email, "wandb", e.Clock.Now())))
	wantRefused(t, "issuer down, keys expired", got, "invalid_grant", "expired at")
	if !strings.Contains(got.Description, "fetching them again failed") {
		t.Errorf("issuer down: %q does not say the fetch failed", got.Description)
	}
}

// Issue 17: a team admin creates an external service account, which has
// no key and signs in with JWTs whose sub is its subject; it logs runs
// credited through X-WANDB-USERNAME like any team service account. Team
// members without service account rights cannot create one.
func TestFederationExternalServiceAccount(t *testing.T) {
	f := newFedEnv(t, apitest.Options{})
	e := f.e
	lead := e.MustUser(f.admin.Key, "lead", "member")
	tm := e.MustUser(f.admin.Key, "tm", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, f.admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "lead", "role": "admin"}, f.admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "tm"}, f.admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "vision"}, lead.Key)
	const subject = "repo:acme/train:ref:refs/heads/main"
	body := map[string]string{"name": "ci", "auth": "federated", "subject": subject}
	e.Must(403, "POST", "/api/v1/teams/ml/service-accounts", body, tm.Key)
	var sa struct{ ID, Auth, Subject, Key string }
	e.Must(201, "POST", "/api/v1/teams/ml/service-accounts", body, lead.Key).JSON(t, &sa)
	if sa.Auth != "federated" || sa.Subject != subject || sa.Key != "" {
		t.Errorf("external service account: %+v", sa)
	}
	for _, c := range []struct {
		body   map[string]string
		status int
		code   string
	}{
		{map[string]string{"name": "ci2", "auth": "federated", "subject": subject}, 409, "federated_subject_taken"},
		{map[string]string{"name": "ci3", "auth": "federated"}, 400, "federated_subject"},
		{map[string]string{"name": "ci4", "subject": "x"}, 400, "federated_subject"},
		{map[string]string{"name": "ci5", "auth": "magic"}, 400, ""},
	} {
		r := e.Do("POST", "/api/v1/teams/ml/service-accounts", c.body, lead.Key)
		if r.StatusCode != c.status || (c.code != "" && teamProblemCode(r) != c.code) {
			t.Errorf("create %v: %d %s, want %d %s", c.body, r.StatusCode, r.Body, c.status, c.code)
		}
	}
	tok := f.mustToken(t, subject)
	var v struct {
		Kind           string                `json:"kind"`
		ServiceAccount struct{ Name string } `json:"service_account"`
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, tok).JSON(t, &v)
	if v.Kind != "service_account" || v.ServiceAccount.Name != "ci" {
		t.Errorf("viewer of the external service account: %+v", v)
	}
	var run teamRun
	teamMust(t, e, 201, "POST", "/api/v1/teams/ml/projects/vision/runs", map[string]string{"name": "ci-run"}, tok,
		map[string]string{"X-WANDB-USERNAME": "tm"}).JSON(t, &run)
	if run.Author != "tm" || run.Creator != "ci" {
		t.Errorf("run by the external service account: author %q creator %q, want tm and ci", run.Author, run.Creator)
	}
	e.Must(403, "POST", "/api/v1/teams", map[string]any{"name": "other", "storage": map[string]string{"type": "default"}}, tok)
	// An external service account gets no API key later either.
	if r := e.Do("POST", "/api/v1/service-accounts/"+sa.ID+"/api-keys", map[string]string{"name": "sneaky"}, lead.Key); r.StatusCode != 409 ||
		teamProblemCode(r) != "federated_subject" {
		t.Errorf("API key for the external service account: %d %s", r.StatusCode, r.Body)
	}
	e.Must(204, "DELETE", "/api/v1/teams/ml/service-accounts/"+sa.ID, nil, lead.Key)
	e.Must(401, "GET", "/api/v1/viewer", nil, tok)
	wantRefused(t, "deleted service account", f.exchange(t, f.iss.Sign(f.iss.Claims(subject, "wandb", e.Clock.Now()))),
		"invalid_grant", "neither an organization user's email")
}

// Issue 17: a jti is spent in the database, so two Roster processes on one
// database racing to exchange the same JWT grant it exactly once.
func TestFederationJTIOnceAcrossProcesses(t *testing.T) {
	f := newFedEnv(t, apitest.Options{})
	other := &fedEnv{e: apitest.NewWith(t, apitest.Options{DBURL: f.e.DBURL, Clock: f.e.Clock}), admin: f.admin, iss: f.iss}
	alice := f.e.MustUser(f.admin.Key, "alice", "member")
	for round := range 5 {
		jwt := f.iss.Sign(f.iss.Claims(alice.Email, "wandb", f.e.Clock.Now()))
		answers := make(chan tokenAnswer, 2)
		for _, env := range []*fedEnv{f, other} {
			go func() { answers <- env.exchange(t, jwt) }()
		}
		a, b := <-answers, <-answers
		if (a.Status == 200) == (b.Status == 200) {
			t.Fatalf("round %d: the same JWT on two processes: %d and %d (%s %s)", round, a.Status, b.Status, a.Description, b.Description)
		}
		for _, x := range []tokenAnswer{a, b} {
			if x.Status != 200 {
				wantRefused(t, "the loser", x, "invalid_grant", "exchanged already")
			}
		}
	}
}
