package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"roster/internal/apitest"
)

// S1: sign-in takes a username or an email in any case; every failure is
// the same 401 that does not tell which part was wrong, sets no cookie,
// and is audited.
func TestLogin(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "Bob", "member")
	e.MustInvite(admin.Key, "ivy@example.com", "member")

	for _, name := range []string{"Bob", "bob", "BOB", "bob@example.com", "BOB@EXAMPLE.COM", " bob "} {
		t.Run("ok "+name, func(t *testing.T) {
			var r *apitest.Response
			auditDelta(t, e, "user:login", 1, func() { r = login(e, name, apitest.Password) })
			if !wantStatus(t, r, 200) {
				return
			}
			s := sessionOf(r)
			if s == "" {
				t.Fatalf("no session cookie")
			}
			for _, c := range r.Cookies() {
				if c.Name == "roster_session" && (!c.HttpOnly || c.Path != "/") {
					t.Errorf("session cookie %+v: want HttpOnly, Path /", c)
				}
			}
			var v struct {
				User apiUser `json:"user"`
				Auth string  `json:"auth"`
			}
			within(e, t).Must(200, "GET", "/api/v1/viewer", nil, s).JSON(t, &v)
			if v.User.Username != "Bob" || v.Auth != "session" {
				t.Errorf("viewer: %+v", v)
			}
		})
	}

	var detail string
	for _, c := range []struct {
		name, login, password string
		audited               bool // empty fields are not a sign-in attempt worth an entry
	}{
		{"wrong password", "bob", "not the password", true},
		{"password of another user", "bob", "wrong" + apitest.Password, true},
		{"password in other case", "bob", "CORRECT HORSE BATTERY", true},
		{"unknown username", "nobody", apitest.Password, true},
		{"unknown email", "nobody@example.com", apitest.Password, true},
		{"invited user without password", "ivy@example.com", apitest.Password, true},
		{"empty login", "", apitest.Password, false},
		{"empty password", "bob", "", false},
	} {
		t.Run("refused "+c.name, func(t *testing.T) {
			var r *apitest.Response
			if c.audited {
				auditDelta(t, e, "user:login_failed", 1, func() { r = login(e, c.login, c.password) })
			} else {
				r = login(e, c.login, c.password)
			}
			p := wantProblem(t, r, 401, "bad_credentials")
			if detail == "" {
				detail = p.Detail
			} else if p.Detail != detail {
				t.Errorf("detail %q differs from %q: it tells failures apart", p.Detail, detail)
			}
			if sessionOf(r) != "" {
				t.Errorf("refused sign-in set a session cookie")
			}
		})
	}
}

// D5: failed sign-ins are rate-limited per account: after ten failures the
// account is refused with 429 to clients without a known device, even with
// the right password, while other accounts still sign in (the owner's own
// devices are covered by TestAttackerFailuresDoNotLockOutOwnersDevice).
func TestLoginRateLimitPerAccount(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "bob", "member")
	for i := range 10 {
		name := []string{"bob", "BOB", "bob@example.com"}[i%3]
		wantProblem(t, login(e, name, fmt.Sprintf("wrong password %d", i)), 401, "bad_credentials")
	}
	auditDelta(t, e, "user:login", 0, func() {
		wantProblem(t, login(e, "bob", apitest.Password), 429, "rate_limited")
	})
	wantStatus(t, login(e, "alice", apitest.Password), 200)
	e.Must(200, "GET", "/api/v1/viewer", nil, admin.Key)
}

// D5: failed sign-ins are rate-limited per client address too, across
// accounts: spreading guesses over many accounts does not escape it, and
// clients at that address without a known device are refused.
func TestLoginRateLimitPerAddress(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	const accounts = 9 // each stays under its own limit of ten
	for i := range accounts {
		newUser(t, e, admin.Key, fmt.Sprintf("user%d", i), fmt.Sprintf("user%d@example.com", i), "", "member")
	}
	limited := 0
	for i := range accounts * 9 {
		r := login(e, fmt.Sprintf("user%d", i%accounts), "wrong password")
		switch r.StatusCode {
		case 401:
		case 429:
			wantProblem(t, r, 429, "rate_limited")
			limited++
		default:
			t.Fatalf("%s: status %d: %s", what(r), r.StatusCode, r.Body)
		}
	}
	if limited == 0 {
		t.Errorf("%d failed sign-ins from one address in a row were never rate-limited", accounts*9)
	}
	wantProblem(t, login(e, "alice", apitest.Password), 429, "rate_limited")
	e.Must(200, "GET", "/api/v1/viewer", nil, admin.Key)
}

// S1: sign-out ends that session at once and only that one.
func TestLogout(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	other := e.MustLogin("alice", apitest.Password)
	var r *apitest.Response
	auditDelta(t, e, "user:logout", 1, func() {
		r = e.Must(204, "POST", "/api/v1/logout", nil, admin.Session)
	})
	cleared := false
	for _, c := range r.Cookies() {
		cleared = cleared || c.Name == "roster_session" && c.MaxAge < 0
	}
	if !cleared {
		t.Errorf("sign-out did not clear the cookie")
	}
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, admin.Session), 401, "")
	wantProblem(t, e.Do("POST", "/api/v1/logout", nil, admin.Session), 401, "")
	e.Must(200, "GET", "/api/v1/viewer", nil, other)
	e.Must(200, "GET", "/api/v1/viewer", nil, admin.Key)
}

// S1: changing one's password ends every other session at once, keeps the
// current one and the API keys, and the old password stops working.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	other := e.MustLogin("bob", apitest.Password)
	third := e.MustLogin("bob@example.com", apitest.Password)
	const next = "an entirely new password"

	auditDelta(t, e, "", 0, func() {
		r := e.Do("POST", "/api/v1/users/me/password", map[string]string{"current_password": "wrong password", "new_password": next}, bob.Session)
		if r.StatusCode != 401 && r.StatusCode != 403 {
			t.Errorf("%s: status %d, want 401 or 403: %s", what(r), r.StatusCode, r.Body)
		}
		wantProblem(t, r, r.StatusCode, "")
	})
	e.Must(200, "GET", "/api/v1/viewer", nil, other)

	auditDelta(t, e, "user:change_password", 1, func() {
		e.Must(204, "POST", "/api/v1/users/me/password", map[string]string{"current_password": apitest.Password, "new_password": next}, bob.Session)
	})
	e.Must(200, "GET", "/api/v1/viewer", nil, bob.Session)
	e.Must(200, "GET", "/api/v1/viewer", nil, bob.Key)
	for _, s := range []apitest.Session{other, third} {
		wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, s), 401, "")
	}
	wantProblem(t, login(e, "bob", apitest.Password), 401, "bad_credentials")
	wantStatus(t, login(e, "bob", next), 200)

	// Changing it with an API key ends every session: there is no current one.
	e.Must(204, "POST", "/api/v1/users/me/password", map[string]string{"current_password": next, "new_password": apitest.Password}, bob.Key)
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, bob.Session), 401, "")
}

// O4, S1: the command line's password reset ends every session.
func TestResetPasswordEndsSessions(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	auditDelta(t, e, "user:reset_password", 1, func() {
		if _, err := e.App.ResetPassword(context.Background(), cli, "bob", "reset by the operator"); err != nil {
			t.Fatal(err)
		}
	})
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, bob.Session), 401, "")
	e.Must(200, "GET", "/api/v1/viewer", nil, bob.Key)
	wantProblem(t, login(e, "bob", apitest.Password), 401, "")
	wantStatus(t, login(e, "bob", "reset by the operator"), 200)
}

// S1: sessions live SESSION_LENGTH (720 hours by default); API keys do not
// expire with them.
func TestSessionsExpire(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.Clock.Advance(720*time.Hour - time.Minute)
	e.Must(200, "GET", "/api/v1/viewer", nil, admin.Session)
	e.Clock.Advance(time.Minute + time.Second)
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, admin.Session), 401, "")
	e.Must(200, "GET", "/api/v1/viewer", nil, admin.Key)
}
