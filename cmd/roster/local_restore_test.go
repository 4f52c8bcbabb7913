package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"

	"roster/internal/store/storetest"
)

// servedRoster is one `roster serve` run of a test.
type servedRoster struct {
	base string
	logs *lockedBuffer
	stop func()
}

// serveUntil runs `roster serve` with env until the test calls stop.
func serveUntil(t *testing.T, env map[string]string) *servedRoster {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), logs, logs)
	}()
	addrRE := regexp.MustCompile(`msg="roster serving" addr=(\S+)`)
	s := &servedRoster{logs: logs}
	for deadline := time.Now().Add(10 * time.Second); s.base == ""; time.Sleep(10 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(logs.String()); m != nil {
			s.base = "http://" + m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", logs.String())
		}
	}
	s.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v", err)
		}
	}
	return s
}

// login signs in with a password and returns the status and a client
// holding the session.
func (s *servedRoster) login(t *testing.T, user, password string) (int, *http.Client) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Post(s.base+"/api/v1/login", "application/json",
		strings.NewReader(`{"login":"`+user+`","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, c
}

func (s *servedRoster) get(t *testing.T, c *http.Client, path string) (int, string) {
	t.Helper()
	resp, err := c.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var restorePasswordRE = regexp.MustCompile(`sign in at /sign-in as local-restore with the temporary password (\S+) `)

// restorePassword reads the temporary password, which must be printed
// exactly once.
func restorePassword(t *testing.T, s *servedRoster) string {
	t.Helper()
	m := restorePasswordRE.FindAllStringSubmatch(s.logs.String(), -1)
	if len(m) != 1 {
		t.Fatalf("temporary password printed %d times, want once:\n%s", len(m), s.logs.String())
	}
	if n := strings.Count(s.logs.String(), m[0][1]); n != 1 {
		t.Fatalf("the temporary password appears %d times in the output, want once", n)
	}
	return m[0][1]
}

// LOCAL_RESTORE=true (W&B: "temporarily set this to true if you're unable
// to access your instance; check the logs for temporary credentials"):
// start-up makes a break-glass admin, prints its password once, a new one
// at each such start; unset, the next start-up deactivates it unless it is
// the last active admin. Each step is audited.
func TestLocalRestoreBreakGlassAdmin(t *testing.T) {
	dbURL := storetest.URL(t)
	env := map[string]string{"ROSTER_DB": dbURL, "ROSTER_ADDR": "127.0.0.1:0", "LOCAL_RESTORE": "true"}
	s := serveUntil(t, env)
	first := restorePassword(t, s)
	status, admin := s.login(t, "local-restore", first)
	if status != 200 {
		t.Fatalf("sign-in with the temporary password: %d\n%s", status, s.logs.String())
	}
	if code, _ := s.get(t, admin, "/api/v1/users"); code != 200 {
		t.Errorf("the break-glass user cannot act as admin: %d", code)
	}
	s.stop()

	// A second start with LOCAL_RESTORE=true makes a new password; the old one dies.
	s = serveUntil(t, env)
	second := restorePassword(t, s)
	if second == first {
		t.Fatal("the temporary password did not change at restart")
	}
	if status, _ := s.login(t, "local-restore", first); status == 200 {
		t.Error("the previous temporary password still signs in")
	}
	status, admin = s.login(t, "local-restore", second)
	if status != 200 {
		t.Fatalf("sign-in with the new temporary password: %d", status)
	}
	s.stop()

	// Unset while it is the only admin: it stays, with a warning (O3).
	delete(env, "LOCAL_RESTORE")
	s = serveUntil(t, env)
	if !strings.Contains(s.logs.String(), "stays active") {
		t.Errorf("no warning that the last admin stays:\n%s", s.logs.String())
	}
	if status, _ := s.login(t, "local-restore", second); status != 200 {
		t.Errorf("the last admin was locked out: %d", status)
	}
	s.stop()

	// Once another admin exists, unsetting deactivates it.
	if out, err := runStdin(t, map[string]string{"ROSTER_DB": dbURL}, "", "admin", "create", "--username", "root",
		"--email", "root@example.com", "--password", "root password"); err != nil {
		t.Fatalf("admin create: %q %v", out, err)
	}
	s = serveUntil(t, env)
	if restorePasswordRE.MatchString(s.logs.String()) {
		t.Error("a temporary password was printed without LOCAL_RESTORE")
	}
	if status, _ := s.login(t, "local-restore", second); status == 200 {
		t.Error("the break-glass admin still signs in after LOCAL_RESTORE was unset")
	}
	status, root := s.login(t, "root", "root password")
	if status != 200 {
		t.Fatalf("root sign-in: %d", status)
	}
	_, body := s.get(t, root, "/admin/audit_logs?limit=1000") // today, under either window rule
	if n := strings.Count(body, `"user:local_restore"`); n != 2 || !strings.Contains(body, "LOCAL_RESTORE unset") {
		t.Errorf("audit holds %d user:local_restore entries (want 2) and the deactivation:\n%.2000s", n, body)
	}
	if strings.Contains(body, first) || strings.Contains(body, second) {
		t.Error("the audit log holds a temporary password")
	}
	s.stop()
}
