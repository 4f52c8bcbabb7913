package api_test

// Helpers shared by the organization acceptance tests (issue 2). They
// build on internal/apitest and add what the tables below need: problem
// document checks, decoded users, whole-list reads that follow cursors, and
// a goroutine-safe request for the race tests.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/store"
)

// within returns e reporting to t, for subtests of the test that made e:
// a failed Must then fails the subtest, on its own goroutine.
func within(e *apitest.Env, t testing.TB) *apitest.Env { return e.For(t) }

// cli is the server's own command line as the use cases see it (O4).
var cli = roster.Actor{Via: roster.ViaCLI, IP: "local"}

// apiUser is a user as the REST API shows it.
type apiUser struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Status    string `json:"status"`
	InviteURL string `json:"invite_url"`
}

// label names a user in messages and sets: username, else email.
func (u apiUser) label() string {
	if u.Username != "" {
		return u.Username
	}
	return u.Email
}

// problem is an RFC 9457 problem document as Roster writes it.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// what names a response's request in messages.
func what(r *apitest.Response) string {
	return r.Request.Method + " " + r.Request.URL.RequestURI()
}

// wantProblem reports an error unless r is a problem document with status
// and, when code is not empty, that code. It also demands what every
// problem must carry: the problem content type, a detail and a code.
func wantProblem(t testing.TB, r *apitest.Response, status int, code string) problem {
	t.Helper()
	var p problem
	if r.StatusCode != status {
		t.Errorf("%s: status %d, want %d: %s", what(r), r.StatusCode, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", what(r), ct)
		return p
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Errorf("%s: problem does not decode: %v: %s", what(r), err, r.Body)
		return p
	}
	if p.Status != r.StatusCode || p.Detail == "" || p.Code == "" || p.Title == "" {
		t.Errorf("%s: incomplete problem (want status %d and non-empty title, detail, code): %s", what(r), r.StatusCode, r.Body)
	}
	if code != "" && p.Code != code {
		t.Errorf("%s: problem code %q, want %q: %s", what(r), p.Code, code, r.Body)
	}
	return p
}

// wantStatus reports an error unless r has status.
func wantStatus(t testing.TB, r *apitest.Response, status int) bool {
	t.Helper()
	if r.StatusCode != status {
		t.Errorf("%s: status %d, want %d: %s", what(r), r.StatusCode, status, r.Body)
		return false
	}
	return true
}

// decodeUser decodes a user from a response body.
func decodeUser(t testing.TB, r *apitest.Response) apiUser {
	t.Helper()
	var u apiUser
	if err := json.Unmarshal(r.Body, &u); err != nil {
		t.Fatalf("%s: decode user: %v: %s", what(r), err, r.Body)
	}
	return u
}

// getUser reads a user by id, username or email through the API.
func getUser(t testing.TB, e *apitest.Env, cred apitest.Cred, ref string) apiUser {
	t.Helper()
	r := e.Do("GET", "/api/v1/users/"+url.PathEscape(ref), nil, cred)
	if r.StatusCode != 200 {
		t.Fatalf("%s: status %d: %s", what(r), r.StatusCode, r.Body)
	}
	return decodeUser(t, r)
}

// listAll reads every page of GET /api/v1/users with params, following
// next_cursor, and fails on a page over the limit or a cursor that loops.
func listAll(t testing.TB, e *apitest.Env, cred apitest.Cred, params url.Values) []apiUser {
	t.Helper()
	var all []apiUser
	seenCursor := map[string]bool{}
	cursor := ""
	for page := 0; ; page++ {
		q := url.Values{}
		for k, v := range params {
			q[k] = v
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := e.Do("GET", "/api/v1/users?"+q.Encode(), nil, cred)
		if r.StatusCode != 200 {
			t.Fatalf("%s: status %d: %s", what(r), r.StatusCode, r.Body)
		}
		var p struct {
			Users      []apiUser `json:"users"`
			NextCursor string    `json:"next_cursor"`
		}
		r.JSON(t, &p)
		if lim := params.Get("limit"); lim != "" && len(p.Users) > atoi(t, lim) {
			t.Fatalf("%s: page of %d users over limit %s", what(r), len(p.Users), lim)
		}
		all = append(all, p.Users...)
		if p.NextCursor == "" {
			return all
		}
		if seenCursor[p.NextCursor] || page > 10_000 {
			t.Fatalf("%s: next_cursor %q repeats", what(r), p.NextCursor)
		}
		seenCursor[p.NextCursor] = true
		cursor = p.NextCursor
	}
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

// labels returns the users' labels in order.
func labels(us []apiUser) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.label()
	}
	return out
}

// activeAdmins lists the organization's active admins as the server's
// command line sees them, which needs no credentials a test may have cut off.
func activeAdmins(t testing.TB, e *apitest.Env) []string {
	t.Helper()
	page, err := e.App.ListUsers(context.Background(), cli, store.UserFilter{Role: roster.OrgAdmin, Status: roster.StatusActive, Limit: 200})
	if err != nil {
		t.Fatalf("list active admins: %v", err)
	}
	var names []string
	for _, u := range page.Users {
		names = append(names, u.Username)
	}
	return names
}

// inviteToken returns the token at the end of an invite URL.
func inviteToken(t testing.TB, inviteURL string) string {
	t.Helper()
	i := strings.LastIndex(inviteURL, "/invite/")
	if i < 0 {
		t.Fatalf("invite URL %q has no /invite/ token", inviteURL)
	}
	return inviteURL[i+len("/invite/"):]
}

// accept accepts an invite; name may be empty.
func accept(e *apitest.Env, token, username, name string) *apitest.Response {
	e.TB.Helper()
	body := map[string]string{"token": token, "username": username, "password": apitest.Password}
	if name != "" {
		body["name"] = name
	}
	return e.Do("POST", "/api/v1/invites/accept", body, apitest.Anonymous)
}

// newUser invites email with role and accepts as username with a display
// name, without signing in; it returns the active user.
func newUser(t testing.TB, e *apitest.Env, admin apitest.Cred, username, email, name, role string) apiUser {
	t.Helper()
	_, token := e.MustInvite(admin, email, role)
	r := accept(e, token, username, name)
	if r.StatusCode != 200 {
		t.Fatalf("%s: status %d: %s", what(r), r.StatusCode, r.Body)
	}
	return decodeUser(t, r)
}

// login signs in and returns the response; the session is in its cookie.
func login(e *apitest.Env, loginName, password string) *apitest.Response {
	e.TB.Helper()
	return e.Do("POST", "/api/v1/login", map[string]string{"login": loginName, "password": password}, apitest.Anonymous)
}

// sessionOf returns the session cookie a response set, or "".
func sessionOf(r *apitest.Response) apitest.Session {
	for _, c := range r.Cookies() {
		if c.Name == "roster_session" && c.MaxAge >= 0 {
			return apitest.Session(c.Value)
		}
	}
	return ""
}

// result is a response taken by send: safe to produce on any goroutine.
type result struct {
	status int
	body   []byte
	err    error
}

// send makes a request without touching the testing.TB, for goroutines
// that race each other.
func send(e *apitest.Env, method, path string, body any, cred apitest.Cred) result {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return result{err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, e.Server.URL+path, rd)
	if err != nil {
		return result{err: err}
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch c := cred.(type) {
	case apitest.Key:
		if c != "" {
			req.Header.Set("Authorization", "Bearer "+string(c))
		}
	case apitest.Session:
		req.AddCookie(&http.Cookie{Name: "roster_session", Value: string(c)})
	case apitest.BasicKey:
		req.SetBasicAuth(c.User, c.Key)
	case nil:
	default:
		return result{err: fmt.Errorf("send: unsupported credential %T", cred)}
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, body: data, err: err}
}

// code returns the problem code of a result's body, or "".
func (r result) code() string {
	var p problem
	json.Unmarshal(r.body, &p)
	return p.Code
}

// auditDelta runs fn and reports an error unless it added exactly want
// audit entries in all, with want of them being action (when not empty).
func auditDelta(t testing.TB, e *apitest.Env, action string, want int, fn func()) {
	t.Helper()
	total, acted := e.AuditCount(""), 0
	if action != "" {
		acted = e.AuditCount(action)
	}
	fn()
	if got := e.AuditCount("") - total; got != want {
		t.Errorf("audit entries added: %d, want %d", got, want)
	}
	if action != "" {
		if got := e.AuditCount(action) - acted; got != want {
			t.Errorf("%s audit entries added: %d, want %d", action, got, want)
		}
	}
}

// newRequest builds a request to the server under test, for tests that
// need to set headers themselves.
func newRequest(e *apitest.Env, method, path string) (*http.Request, error) {
	return http.NewRequestWithContext(context.Background(), method, e.Server.URL+path, nil)
}

// doRequest sends req and reads the whole answer.
func doRequest(t testing.TB, e *apitest.Env, req *http.Request) *apitest.Response {
	t.Helper()
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return &apitest.Response{Response: resp, Body: data}
}
