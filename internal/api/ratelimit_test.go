package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/httpx"
	"roster/internal/server"
	"roster/internal/store"
)

// Tests of the credential rate limits (D5): a correct credential is never
// refused because someone else failed, failures are kept in the database
// (shared by every process), and behind a trusted proxy each client has
// its own budget while an untrusted peer cannot choose its address.

// behindProxy starts a server that trusts the loopback peer as a proxy.
func behindProxy(t *testing.T, dbURL string) *apitest.Env {
	return apitest.NewWith(t, apitest.Options{DBURL: dbURL,
		Server: server.Options{TrustedProxies: httpx.TrustedProxies{netip.MustParsePrefix("127.0.0.1/32")}}})
}

// attempt is one sign-in try: from, when set, goes in X-Forwarded-For,
// and device, when set, is the device cookie presented.
type attempt struct {
	from, device string
}

// signIn posts the sign-in form of the REST API as a client would.
func (c attempt) signIn(t testing.TB, e *apitest.Env, loginName, password string) *apitest.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"login": loginName, "password": password})
	req, err := http.NewRequestWithContext(context.Background(), "POST", e.Server.URL+"/api/v1/login", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	c.apply(req)
	return doRequest(t, e, req)
}

// call sends a request authenticated with an API key.
func (c attempt) call(t testing.TB, e *apitest.Env, key string) *apitest.Response {
	t.Helper()
	req, err := newRequest(e, "GET", "/api/v1/viewer")
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	c.apply(req)
	return doRequest(t, e, req)
}

func (c attempt) apply(req *http.Request) {
	if c.from != "" {
		req.Header.Set("X-Forwarded-For", c.from)
	}
	if c.device != "" {
		req.AddCookie(&http.Cookie{Name: httpx.DeviceCookie, Value: c.device})
	}
}

// deviceOf returns the device cookie a successful sign-in set, checking
// that scripts cannot read it.
func deviceOf(t testing.TB, r *apitest.Response) string {
	t.Helper()
	for _, c := range r.Cookies() {
		if c.Name == httpx.DeviceCookie {
			if !c.HttpOnly || c.Value == "" || c.Expires.IsZero() {
				t.Errorf("device cookie %+v: want HttpOnly, a value and an expiry", c)
			}
			return c.Value
		}
	}
	t.Fatalf("%s: no device cookie set", what(r))
	return ""
}

// count tallies the statuses of n sign-in failures.
func countStatuses(n int, fn func(i int) *apitest.Response) map[int]int {
	got := map[int]int{}
	for i := range n {
		got[fn(i).StatusCode]++
	}
	return got
}

// M4a: an attacker's wrong passwords lock the account for clients without
// a known device, never the owner on the device she signed in from; the
// attacker stays refused.
func TestAttackerFailuresDoNotLockOutOwnersDevice(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "ada", "member")
	e.MustUser(admin.Key, "bob", "member")
	ada := attempt{device: deviceOf(t, attempt{}.signIn(t, e, "ada", apitest.Password))}
	bobDevice := deviceOf(t, attempt{}.signIn(t, e, "bob", apitest.Password))

	attacker := attempt{}
	got := countStatuses(50, func(i int) *apitest.Response {
		return attacker.signIn(t, e, []string{"ada", "ADA", "ada@example.com"}[i%3], fmt.Sprintf("guess %d", i))
	})
	if got[401] != 10 || got[429] != 40 {
		t.Fatalf("50 wrong passwords: statuses %v, want 10 refused (401) and then 40 limited (429)", got)
	}

	var r *apitest.Response
	auditDelta(t, e, "user:login", 1, func() { r = ada.signIn(t, e, "ada", apitest.Password) })
	wantStatus(t, r, 200)
	if next := deviceOf(t, r); next != ada.device {
		t.Errorf("a known device's token changed on sign-in")
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, sessionOf(r))
	wantStatus(t, ada.signIn(t, e, "ada@example.com", apitest.Password), 200)

	// The lockout holds for everyone else: the attacker, the right
	// password without the device, and another account's device.
	wantProblem(t, attacker.signIn(t, e, "ada", "guess 51"), 429, "rate_limited")
	wantProblem(t, attacker.signIn(t, e, "ada", apitest.Password), 429, "rate_limited")
	wantProblem(t, attempt{device: bobDevice}.signIn(t, e, "ada", apitest.Password), 429, "rate_limited")
	wantProblem(t, attempt{device: "forged-device-token"}.signIn(t, e, "ada", apitest.Password), 429, "rate_limited")
	wantStatus(t, attempt{device: bobDevice}.signIn(t, e, "bob", apitest.Password), 200)
}

// D5: a stolen device cookie is no way around the limits: the device has
// a budget of its own, and spending it leaves the account's other devices
// alone.
func TestKnownDeviceHasItsOwnBudget(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "ada", "member")
	laptop := attempt{device: deviceOf(t, attempt{}.signIn(t, e, "ada", apitest.Password))}
	phone := attempt{device: deviceOf(t, attempt{}.signIn(t, e, "ada", apitest.Password))}
	if laptop.device == phone.device {
		t.Fatal("two sign-ins without a device cookie got the same device token")
	}
	got := countStatuses(12, func(i int) *apitest.Response { return laptop.signIn(t, e, "ada", "wrong") })
	if got[401] != 10 || got[429] != 2 {
		t.Fatalf("12 wrong passwords from one device: %v, want 10 refused and 2 limited", got)
	}
	wantProblem(t, laptop.signIn(t, e, "ada", apitest.Password), 429, "rate_limited")
	wantStatus(t, phone.signIn(t, e, "ada", apitest.Password), 200)
	wantStatus(t, attempt{}.signIn(t, e, "ada", apitest.Password), 200)
	e.Clock.Advance(time.Minute)
	wantStatus(t, laptop.signIn(t, e, "ada", apitest.Password), 200)
}

// M4b: refused API keys from one address get 429 after a while, but a
// valid key from that address always works.
func TestRefusedKeysDoNotLockOutValidKeys(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	client := attempt{}
	got := countStatuses(100, func(i int) *apitest.Response {
		if i%2 == 0 {
			return client.call(t, e, "roster-"+strings.Repeat("x", 48))
		}
		return client.call(t, e, "not a key")
	})
	if got[401] != 60 || got[429] != 40 {
		t.Fatalf("100 bad keys: %v, want 60 refused (401), then 40 limited (429)", got)
	}
	auditDelta(t, e, "", 0, func() {
		wantStatus(t, client.call(t, e, string(admin.Key)), 200)
	})
	wantProblem(t, client.call(t, e, "roster-"+strings.Repeat("y", 48)), 429, "rate_limited")
	e.Must(200, "GET", "/api/v1/viewer", nil, apitest.BasicKey{User: "api", Key: string(admin.Key)})
	e.Clock.Advance(2 * time.Second)
	wantProblem(t, client.call(t, e, "not a key"), 401, "bad_api_key")
}

// #19.4: behind a trusted proxy each client has its own address budgets,
// so one client's failures never refuse another's correct credentials;
// a client cannot escape by prepending addresses to the chain.
func TestTrustedProxyKeepsClientsApart(t *testing.T) {
	e := behindProxy(t, "")
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "carol", "member")
	const spray = 70 // over the address budget of 60, spread under every account's
	for i := range 7 {
		e.MustUser(admin.Key, fmt.Sprintf("user%d", i), "member")
	}
	x, y := attempt{from: "203.0.113.10"}, attempt{from: "198.51.100.20"}
	got := countStatuses(spray, func(i int) *apitest.Response {
		spoof := attempt{from: fmt.Sprintf("10.9.%d.%d, %s", i/250, i%250, x.from)}
		return spoof.signIn(t, e, fmt.Sprintf("user%d", i%7), "wrong")
	})
	if got[429] == 0 {
		t.Fatalf("%d failed sign-ins from client X: %v, never limited", spray, got)
	}
	wantProblem(t, x.signIn(t, e, "carol", apitest.Password), 429, "rate_limited")
	wantStatus(t, y.signIn(t, e, "carol", apitest.Password), 200)

	keys := countStatuses(65, func(int) *apitest.Response { return x.call(t, e, "not a key") })
	if keys[429] == 0 {
		t.Fatalf("65 bad keys from client X: %v, never limited", keys)
	}
	wantStatus(t, x.call(t, e, string(admin.Key)), 200)
	wantProblem(t, y.call(t, e, "not a key"), 401, "bad_api_key")
	wantStatus(t, y.call(t, e, string(admin.Key)), 200)
	// RFC 7239 Forwarded names the client the same way.
	req, _ := newRequest(e, "GET", "/api/v1/viewer")
	req.Header.Set("Authorization", "Bearer not-a-key")
	req.Header.Set("Forwarded", `for=192.0.2.1, for="203.0.113.10:4711";proto=https`)
	wantProblem(t, doRequest(t, e, req), 429, "rate_limited")

	if ip := lastAuditIP(t, e, admin.Key); ip != y.from {
		t.Errorf("audit entry's actor_ip %q, want the forwarded client %s", ip, y.from)
	}
}

// #19.4: without a trusted proxy the forwarding headers are ignored, so a
// client cannot pick a fresh address for each try.
func TestUntrustedPeerCannotSpoofItsAddress(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	got := countStatuses(65, func(i int) *apitest.Response {
		return attempt{from: fmt.Sprintf("192.0.2.%d", i)}.call(t, e, "not a key")
	})
	if got[401] != 60 || got[429] != 5 {
		t.Fatalf("65 bad keys with changing X-Forwarded-For: %v, want 60 refused and then 5 limited", got)
	}
	req, _ := newRequest(e, "GET", "/api/v1/viewer")
	req.Header.Set("Authorization", "Bearer not-a-key")
	req.Header.Set("Forwarded", "for=198.51.100.99")
	wantProblem(t, doRequest(t, e, req), 429, "rate_limited")
	wantStatus(t, attempt{from: "192.0.2.200"}.signIn(t, e, "alice", apitest.Password), 200)
	if ip := lastAuditIP(t, e, admin.Key); ip != "127.0.0.1" {
		t.Errorf("audit entry's actor_ip %q, want the peer 127.0.0.1", ip)
	}
}

// lastAuditIP is the actor address of the newest audit entry.
func lastAuditIP(t testing.TB, e *apitest.Env, admin apitest.Key) string {
	t.Helper()
	var page struct {
		Entries []struct {
			ActorIP string `json:"actor_ip"`
		} `json:"audit_logs"`
	}
	e.Must(200, "GET", "/admin/audit_logs?limit=1000", nil, admin).JSON(t, &page)
	if len(page.Entries) == 0 {
		t.Fatal("no audit entries")
	}
	return page.Entries[len(page.Entries)-1].ActorIP
}

// D1, #19.4: failures are kept in the database, so failures on one
// server lock the account for clients without a known device on another
// server of the same database, and refused keys count across servers.
func TestFailuresAreSharedAcrossServers(t *testing.T) {
	one := apitest.New(t)
	// One clock: the refused-key budget refills a try a second, so two
	// clocks a second apart would read the same budget differently.
	two := apitest.NewWith(t, apitest.Options{DBURL: one.DBURL, Clock: one.Clock})
	admin := one.MustSignup("alice")
	one.MustUser(admin.Key, "bob", "member")
	device := attempt{device: deviceOf(t, attempt{}.signIn(t, two, "bob", apitest.Password))}

	for i := range 10 {
		wantProblem(t, attempt{}.signIn(t, one, "bob", fmt.Sprintf("guess %d", i)), 401, "bad_credentials")
	}
	wantProblem(t, attempt{}.signIn(t, two, "bob", apitest.Password), 429, "rate_limited")
	wantStatus(t, device.signIn(t, two, "bob", apitest.Password), 200)
	wantStatus(t, device.signIn(t, one, "bob", apitest.Password), 200)

	for range 60 {
		wantProblem(t, attempt{}.call(t, one, "not a key"), 401, "bad_api_key")
	}
	wantProblem(t, attempt{}.call(t, two, "not a key"), 429, "rate_limited")
	wantStatus(t, attempt{}.call(t, two, string(admin.Key)), 200)
}

// D5, L1: the account running out of budget is audited once per run of
// failures, admins see until when it is locked, and an admin unlocking it
// (audited) lets the right password in from anywhere at once.
func TestLockoutIsAuditedAndAdminUnlocks(t *testing.T) {
	e := behindProxy(t, "")
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	for i := range 9 {
		wantProblem(t, attempt{}.signIn(t, e, "bob", fmt.Sprintf("guess %d", i)), 401, "bad_credentials")
	}
	if u := getLocked(t, e, admin.Key, "bob"); u.LockedUntil != nil {
		t.Fatalf("locked after 9 failures: %v", u.LockedUntil)
	}
	auditDelta(t, e, "", 2, func() {
		wantProblem(t, attempt{}.signIn(t, e, "bob", "guess 9"), 401, "bad_credentials")
	})
	if n := e.AuditCount("user:lockout"); n != 1 {
		t.Fatalf("%d user:lockout entries after the 10th failure, want 1", n)
	}
	u := getLocked(t, e, admin.Key, "bob")
	if u.LockedUntil == nil || u.LockedUntil.Before(e.Clock.Now()) || u.LockedUntil.After(e.Clock.Now().Add(time.Minute+time.Second)) {
		t.Fatalf("locked_until %v, want within a minute of %v", u.LockedUntil, e.Clock.Now())
	}
	var list struct {
		Users []lockedUser `json:"users"`
	}
	e.Must(200, "GET", "/api/v1/users", nil, admin.Key).JSON(t, &list)
	for _, lu := range list.Users {
		if (lu.LockedUntil != nil) != (lu.Username == "bob") {
			t.Errorf("user list: %s locked_until %v", lu.Username, lu.LockedUntil)
		}
	}
	// Trickling one guess a minute from elsewhere keeps it locked, for
	// every address, without a new entry.
	other := attempt{from: "198.51.100.7"}
	auditDelta(t, e, "user:login_failed", 1, func() {
		wantProblem(t, other.signIn(t, e, "bob", "guess 10"), 429, "rate_limited")
		e.Clock.Advance(time.Minute)
		wantProblem(t, other.signIn(t, e, "bob", "guess 11"), 401, "bad_credentials")
		wantProblem(t, other.signIn(t, e, "bob", apitest.Password), 429, "rate_limited")
		wantProblem(t, attempt{from: "192.0.2.8"}.signIn(t, e, "bob", apitest.Password), 429, "rate_limited")
	})

	auditDelta(t, e, "", 0, func() {
		wantProblem(t, e.Do("POST", "/api/v1/users/bob/unlock", nil, bob.Key), 403, "")
	})
	auditDelta(t, e, "user:unlock", 1, func() { e.Must(200, "POST", "/api/v1/users/bob/unlock", nil, admin.Key) })
	if u := getLocked(t, e, admin.Key, "bob"); u.LockedUntil != nil {
		t.Fatalf("still locked after unlock: %v", u.LockedUntil)
	}
	auditDelta(t, e, "", 0, func() { e.Must(200, "POST", "/api/v1/users/bob/unlock", nil, admin.Key) })
	wantStatus(t, attempt{}.signIn(t, e, "bob", apitest.Password), 200)
}

// Failure budgets that remember nothing are deleted, so the table stays
// bounded.
func TestExpiredFailuresAreDeleted(t *testing.T) {
	e := apitest.New(t)
	e.MustSignup("alice")
	for i := range 3 {
		attempt{}.signIn(t, e, fmt.Sprintf("nobody%d", i), "wrong")
		attempt{}.call(t, e, "not a key")
	}
	deleted := func() int64 {
		var n int64
		err := e.DB.Tx(t.Context(), func(tx *store.Tx) error {
			var err error
			n, err = tx.DeleteExpiredAuthFailures(t.Context())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := deleted(); n != 0 {
		t.Fatalf("deleted %d live budgets", n)
	}
	e.Clock.Advance(2 * time.Hour)
	// Three unknown logins spend three budgets each, sharing the address's;
	// the refused keys spend one.
	if n := deleted(); n != 3*2+1+1 {
		t.Fatalf("deleted %d expired budgets, want 8", n)
	}
}

// lockedUser is a user with its lockout as the API shows it.
type lockedUser struct {
	Username    string     `json:"username"`
	LockedUntil *time.Time `json:"locked_until"`
}

func getLocked(t testing.TB, e *apitest.Env, admin apitest.Key, ref string) lockedUser {
	t.Helper()
	var u lockedUser
	e.Must(200, "GET", "/api/v1/users/"+ref, nil, admin).JSON(t, &u)
	return u
}
