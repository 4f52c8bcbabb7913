package app_test

import (
	"strings"
	"sync"
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth"
)

// passwordChecks counts the argon2 verifications sign-in runs: calls of
// the check with a hash that is one, so work is really done.
type passwordChecks struct {
	mu     sync.Mutex
	argon2 int
	hashes []string
}

func (c *passwordChecks) check(hash, password string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hashes = append(c.hashes, hash)
	if strings.HasPrefix(hash, "$argon2id$") {
		c.argon2++
	}
	return auth.CheckPassword(hash, password)
}

func (c *passwordChecks) take() (int, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, h := c.argon2, c.hashes
	c.argon2, c.hashes = 0, nil
	return n, h
}

// Timing: every failed sign-in that names an account, whether it exists,
// has no password (invited, SCIM or SSO users) or got a wrong password,
// runs exactly one argon2 verification, so its timing tells nothing; the
// answer is the same.
func TestEveryFailedSignInRunsOneArgon2Check(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "bob", "member")
	e.MustUser(admin.Key, "dora", "member")
	e.Must(200, "POST", "/api/v1/users/dora/deactivate", nil, admin.Key)
	e.MustInvite(admin.Key, "ivy@example.com", "member")
	e.Must(201, "POST", "/scim/v2/Users", map[string]any{"userName": "sam@example.com", "active": true}, admin.Key)
	var checks passwordChecks
	app.SetPasswordCheck(e.App, checks.check)

	for _, c := range []struct{ name, login, password string }{
		{"unknown username", "nobody", apitest.Password},
		{"unknown email", "nobody@example.com", apitest.Password},
		{"invited user without password", "ivy@example.com", apitest.Password},
		{"active user without password", "sam@example.com", "anything at all"},
		{"wrong password", "bob", "not the password"},
		{"deactivated user", "dora", "not the password"},
	} {
		_, err := e.App.Login(t.Context(), roster.Actor{IP: "192.0.2.1", Via: roster.ViaAPI}, app.LoginInput{Login: c.login, Password: c.password})
		if roster.ErrorReason(err) != roster.ReasonBadCredentials {
			t.Errorf("%s: %v, want bad_credentials", c.name, err)
		}
		if n, hashes := checks.take(); n != 1 || len(hashes) != 1 {
			t.Errorf("%s: %d argon2 verifications among %d checks (hashes %q), want exactly 1", c.name, n, len(hashes), hashes)
		}
	}
	if _, err := e.App.Login(t.Context(), roster.Actor{IP: "192.0.2.1"}, app.LoginInput{Login: "bob", Password: apitest.Password}); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if n, _ := checks.take(); n != 1 {
		t.Errorf("successful sign-in: %d argon2 verifications, want 1", n)
	}
}
