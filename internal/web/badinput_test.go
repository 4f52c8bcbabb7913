package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"roster/internal/apitest"
)

// visitor is a signed-out browser: a cookie jar and the form token of the
// page it last opened.
type visitor struct {
	t      *testing.T
	env    *apitest.Env
	client *http.Client
}

func newVisitor(t *testing.T, env *apitest.Env) *visitor {
	return &visitor{t: t, env: env, client: &http.Client{Jar: apitest.NewJar(), Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get opens a page and returns its status, body and form token.
func (v *visitor) get(path string) (int, string, string) {
	v.t.Helper()
	resp, err := v.client.Get(v.env.Server.URL + path)
	if err != nil {
		v.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	token := ""
	if m := csrfFieldRE.FindSubmatch(b); m != nil {
		token = string(m[1])
	}
	return resp.StatusCode, string(b), token
}

// post sends a form with the token and returns the status and body.
func (v *visitor) post(path string, form url.Values) (int, string) {
	v.t.Helper()
	resp, err := v.client.PostForm(v.env.Server.URL+path, form)
	if err != nil {
		v.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// #19: static names that are no valid path are not found, never a 500.
func TestStaticBadNamesAreNotFound(t *testing.T) {
	env := apitest.New(t)
	v := newVisitor(t, env)
	for _, p := range []string{"/static/%FF", "/static/%C0%AF", "/static/a%FFb.js", "/static/..%2fweb.go", "/static/%00"} {
		if status, body, _ := v.get(p); status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404: %.200s", p, status, body)
		}
	}
}

// #19: a failed sign-in with invalid UTF-8 in the login is audited like any
// other, and the page echoes no raw invalid bytes.
func TestSignInInvalidUTF8IsAuditedAndNotEchoed(t *testing.T) {
	env := apitest.New(t)
	env.MustSignup("ada")
	before := env.AuditCount("user:login_failed")
	v := newVisitor(t, env)
	_, _, token := v.get("/sign-in")
	status, body := v.post("/sign-in", url.Values{"csrf": {token}, "login": {"ad\xffa\xfe"}, "password": {"wrong password"}})
	if status < 400 || status >= 500 {
		t.Errorf("sign-in with invalid UTF-8: status %d, want 4xx", status)
	}
	if !utf8.ValidString(body) {
		t.Errorf("the sign-in page echoes invalid UTF-8")
	}
	if n := env.AuditCount("user:login_failed"); n != before+1 {
		t.Errorf("%d user:login_failed entries after the attempt, want %d", n, before+1)
	}
}

// #19: posting to a used invite link with a bad field says the link is
// used up, instead of a 400 with no message.
func TestInviteUsedLinkWithBadFieldSaysWhy(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	_, token := env.MustInvite(ada.Key, "carol@example.com", "member")
	env.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": "carol", "password": apitest.Password}, apitest.Anonymous)
	v := newVisitor(t, env)
	_, _, csrf := v.get("/sign-in")
	status, body := v.post("/invite/"+token, url.Values{"csrf": {csrf}, "username": {"bad name!"}, "password": {"x"}})
	if status < 400 || status >= 500 {
		t.Errorf("POST to a used invite: status %d, want 4xx", status)
	}
	if !strings.Contains(body, `role="alert"`) || !strings.Contains(strings.ToLower(body), "invite") {
		t.Errorf("the page does not say why: %.2000s", body)
	}
}
