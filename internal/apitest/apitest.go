// Package apitest runs a real Roster server on a fresh database for HTTP
// tests, with helpers that build users and keys through the public API.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/auth"
	"roster/internal/auth/oidc"
	"roster/internal/server"
	"roster/internal/store"
	"roster/internal/store/storetest"
	"roster/internal/web"
)

// Env is one running server with its database and clock.
type Env struct {
	TB     testing.TB
	DB     *store.DB
	DBURL  string // the database, to start another server on it
	App    *app.Service
	Server *httptest.Server
	Clock  *Clock

	life *lifecycle // shared by the views For returns
}

// lifecycle is what stopping an Env needs, kept behind a pointer so that
// views of one Env share it.
type lifecycle struct {
	closeOnce sync.Once
	stop      context.CancelFunc // stops the mail worker
	workerWG  sync.WaitGroup
}

// For returns a view of e that reports to tb, for subtests and goroutines
// of the test that made e.
func (e *Env) For(tb testing.TB) *Env {
	c := *e
	c.TB = tb
	return &c
}

// Clock is a settable clock; it starts at the real time and moves only
// when told.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestArgon2 keeps password hashing cheap in tests; production uses
// auth.DefaultArgon2.
var TestArgon2 = auth.Argon2Params{Memory: 256, Time: 1, Threads: 1}

// Options adjust the server under test.
type Options struct {
	Config app.Config
	Server server.Options // MailSink comes from Config
	// DBURL reuses a database, as a restarted server would; a fresh one
	// when empty.
	DBURL string
	// MailWorker starts the outbox worker with these options when set.
	MailWorker *app.MailWorkerOptions
	// Log receives the server's log; discarded when nil.
	Log io.Writer
	// OIDC turns single sign-on on; its RedirectURL, and the public URL
	// when unset, become the test server's.
	OIDC *oidc.Config
	// Clock is the server's clock, to share one between servers of one
	// database; a fresh one at the real time when nil.
	Clock *Clock
}

// New starts a server on a fresh database; it stops when the test ends.
func New(tb testing.TB) *Env { return NewWith(tb, Options{}) }

// NewWith starts a server with options.
func NewWith(tb testing.TB, opt Options) *Env {
	tb.Helper()
	clock := opt.Clock
	if clock == nil {
		clock = &Clock{now: time.Now().UTC()}
	}
	if opt.DBURL == "" {
		opt.DBURL = storetest.URL(tb)
	}
	db, err := store.Open(tb.Context(), opt.DBURL, store.Options{Now: clock.Now})
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	if opt.Config.Argon2 == (auth.Argon2Params{}) {
		opt.Config.Argon2 = TestArgon2
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	log := slog.New(slog.NewTextHandler(opt.Log, nil))
	srv := httptest.NewUnstartedServer(nil)
	url := "http://" + srv.Listener.Addr().String()
	sopt := opt.Server
	if opt.OIDC != nil {
		c := *opt.OIDC
		c.RedirectURL = url + "/oidc/callback"
		sopt.OIDC = oidc.New(c)
		if !sopt.SSO.Enabled {
			sopt.SSO = web.SSO{Enabled: true, Issuer: c.Issuer, Provisioning: !opt.Config.DisableSSOProvisioning}
		}
		if opt.Config.PublicURL == "" {
			opt.Config.PublicURL = url
		}
	}
	svc, err := app.New(tb.Context(), db, opt.Config, log)
	if err != nil {
		db.Close()
		tb.Fatalf("start the service: %v", err)
	}
	sopt.MailSink = opt.Config.MailSink || opt.Config.Mailer != nil
	srv.Config.Handler = server.New(svc, log, sopt)
	srv.Start()
	ctx, stop := context.WithCancel(context.Background())
	e := &Env{TB: tb, DB: db, DBURL: opt.DBURL, App: svc, Server: srv, Clock: clock, life: &lifecycle{stop: stop}}
	if opt.MailWorker != nil {
		e.life.workerWG.Add(1)
		go func() {
			defer e.life.workerWG.Done()
			svc.RunMailWorker(ctx, *opt.MailWorker)
		}()
	}
	tb.Cleanup(e.Close)
	return e
}

// Close stops the server, its mail worker and its database, as killing
// the process would (minus the in-flight work); later calls do nothing.
func (e *Env) Close() {
	e.life.closeOnce.Do(func() {
		e.Server.Close()
		e.life.stop()
		e.life.workerWG.Wait()
		e.DB.Close()
	})
}

// Cred is how a request authenticates.
type Cred interface{ apply(*http.Request) }

// Key authenticates with an API key as a Bearer token.
type Key string

func (k Key) apply(r *http.Request) {
	if k != "" {
		r.Header.Set("Authorization", "Bearer "+string(k))
	}
}

// BasicKey authenticates with HTTP Basic, the key as the password.
type BasicKey struct{ User, Key string }

func (b BasicKey) apply(r *http.Request) { r.SetBasicAuth(b.User, b.Key) }

// Session authenticates with a session cookie value.
type Session string

func (s Session) apply(r *http.Request) {
	r.AddCookie(&http.Cookie{Name: "roster_session", Value: string(s)})
}

// Anonymous sends no credentials.
var Anonymous Cred = Key("")

// Response is a finished response with its body read.
type Response struct {
	*http.Response
	Body []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	r.JSON(tb, &m)
	return m
}

// Do sends a request; body may be nil, a string (sent raw) or a value
// encoded as JSON.
func (e *Env) Do(method, path string, body any, cred Cred) *Response {
	e.TB.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.TB.Fatalf("encode body: %v", err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(e.TB.Context(), method, e.Server.URL+path, rd)
	if err != nil {
		e.TB.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if cred != nil {
		cred.apply(req)
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		e.TB.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.TB.Fatalf("read body: %v", err)
	}
	return &Response{Response: resp, Body: data}
}

// Must sends a request and fails the test unless the status is want.
func (e *Env) Must(want int, method, path string, body any, cred Cred) *Response {
	e.TB.Helper()
	r := e.Do(method, path, body, cred)
	if r.StatusCode != want {
		e.TB.Fatalf("%s %s: status %d, want %d: %s", method, path, r.StatusCode, want, r.Body)
	}
	return r
}

// Password is the password every helper-made user gets.
const Password = "correct horse battery"

// User is a user made by a helper, with an API key and a session.
type User struct {
	ID, Username, Email string
	Key                 Key
	Session             Session
}

// MustSignup signs up the first user (an admin) and gives them a key.
func (e *Env) MustSignup(username string) User {
	e.TB.Helper()
	email := username + "@example.com"
	r := e.Must(201, "POST", "/api/v1/signup", map[string]string{"username": username, "email": email, "password": Password}, Anonymous)
	u := User{ID: r.Map(e.TB)["id"].(string), Username: username, Email: email}
	u.Session = e.MustLogin(username, Password)
	u.Key = e.MustKey(u.Session)
	return u
}

// MustLogin signs in to the first organization and returns the session
// cookie's value.
func (e *Env) MustLogin(login, password string) Session {
	e.TB.Helper()
	return e.MustLoginIn("", login, password)
}

// MustLoginIn signs in to organization org (a name or id; "" for the
// first) and returns the session cookie's value.
func (e *Env) MustLoginIn(org, login, password string) Session {
	e.TB.Helper()
	r := e.Must(200, "POST", "/api/v1/login", map[string]string{"login": login, "password": password, "organization": org}, Anonymous)
	for _, c := range r.Cookies() {
		if c.Name == "roster_session" {
			return Session(c.Value)
		}
	}
	e.TB.Fatalf("login set no session cookie")
	return ""
}

// MustKey creates an API key with the given credentials.
func (e *Env) MustKey(cred Cred) Key {
	e.TB.Helper()
	r := e.Must(201, "POST", "/api/v1/users/me/api-keys", map[string]string{"name": "test"}, cred)
	return Key(r.Map(e.TB)["key"].(string))
}

// MustInvite invites email with role and returns the invite URL's token.
func (e *Env) MustInvite(admin Cred, email, role string) (userID, token string) {
	e.TB.Helper()
	r := e.Must(201, "POST", "/api/v1/users", map[string]string{"email": email, "role": role}, admin)
	m := r.Map(e.TB)
	url, _ := m["invite_url"].(string)
	if url == "" {
		e.TB.Fatalf("invite answer has no invite_url: %s", r.Body)
	}
	return m["id"].(string), url[strings.LastIndex(url, "/")+1:]
}

// MustUser invites, accepts and signs in a user with role, giving them a key.
func (e *Env) MustUser(admin Cred, username, role string) User {
	e.TB.Helper()
	email := username + "@example.com"
	id, token := e.MustInvite(admin, email, role)
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": username, "password": Password}, Anonymous)
	u := User{ID: id, Username: username, Email: email}
	u.Session = e.MustLogin(username, Password)
	u.Key = e.MustKey(u.Session)
	return u
}

// Org is an organization made by MustOrg, with its first admin.
type Org struct {
	ID, Name string
	Admin    User
}

// MustOrg creates organization name from the server's command line, its
// first admin adminName invited, accepted and signed in with a key.
func (e *Env) MustOrg(name, adminName string) Org {
	e.TB.Helper()
	cli := roster.Actor{Via: roster.ViaCLI}
	email := adminName + "@example.com"
	res, err := e.App.CreateOrganization(e.TB.Context(), cli, app.OrgInput{Name: name, AdminEmail: email})
	if err != nil {
		e.TB.Fatalf("create organization %s: %v", name, err)
	}
	if res.Invite == nil || res.Invite.URL == "" {
		e.TB.Fatalf("organization %s: its admin's invite has no link", name)
	}
	url := res.Invite.URL
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": url[strings.LastIndex(url, "/")+1:],
		"username": adminName, "password": Password}, Anonymous)
	o := Org{ID: res.Org.ID, Name: name, Admin: User{ID: res.Invite.User.ID, Username: adminName, Email: email}}
	o.Admin.Session = e.MustLoginIn(name, adminName, Password)
	o.Admin.Key = e.MustKey(o.Admin.Session)
	return o
}

// MustUserIn is MustUser in organization o, invited by its admin.
func (e *Env) MustUserIn(o Org, username, role string) User {
	e.TB.Helper()
	email := username + "@example.com"
	id, token := e.MustInvite(o.Admin.Key, email, role)
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": username, "password": Password}, Anonymous)
	u := User{ID: id, Username: username, Email: email}
	u.Session = e.MustLoginIn(o.Name, username, Password)
	u.Key = e.MustKey(u.Session)
	return u
}

// MustJoin makes person u, signed in elsewhere, a member of organization o
// with role: o's admin invites u's email and u accepts with their account
// (#18). The answer is u's row in o, signed in there with a key.
func (e *Env) MustJoin(o Org, u User, role string) User {
	e.TB.Helper()
	id, token := e.MustInvite(o.Admin.Key, u.Email, role)
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]any{"token": token, "join_account": true}, u.Session)
	in := User{ID: id, Username: u.Username, Email: u.Email}
	in.Session = e.MustLoginIn(o.Name, u.Username, Password)
	in.Key = e.MustKey(in.Session)
	return in
}

// AuditCount counts audit entries with action ("" for all).
func (e *Env) AuditCount(action string) int {
	e.TB.Helper()
	var n int
	err := e.DB.Read(e.TB.Context(), func(tx *store.Tx) error {
		var err error
		n, err = tx.CountAudit(e.TB.Context(), "org_default", action)
		return err
	})
	if err != nil {
		e.TB.Fatalf("count audit: %v", err)
	}
	return n
}

// NewJar returns an empty cookie jar, for browser-like clients.
func NewJar() http.CookieJar {
	jar, _ := cookiejar.New(nil)
	return jar
}
