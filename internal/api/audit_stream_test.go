//go:build unix

package api_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/store"
)

// seedAudit appends n audit entries dated now, straight into the store.
func seedAudit(t *testing.T, e *apitest.Env, n int) {
	t.Helper()
	for done := 0; done < n; done += 2000 {
		err := e.DB.Tx(t.Context(), func(tx *store.Tx) error {
			for i := done; i < min(n, done+2000); i++ {
				if err := tx.AppendAudit(t.Context(), &roster.AuditEntry{OrgID: roster.DefaultOrgID, Action: roster.ActUserUpdate,
					ActorEmail: "seed@example.com", Via: roster.ViaAPI, Details: fmt.Sprintf("seeded entry %d %s", i, strings.Repeat("x", 200))}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("seed audit: %v", err)
		}
	}
}

// #19: clients that open the audit stream and never read it hold no
// database connection: with 32 of them stalled (twice the pool), other
// requests still answer and /readyz stays ready. The stream itself still
// delivers every entry to a client that reads.
func TestAuditStreamStalledClientsHoldNothing(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("root")
	const entries = 10000 // ~3 MB of NDJSON, more than the sockets buffer
	seedAudit(t, e, entries)

	addr := strings.TrimPrefix(e.Server.URL, "http://")
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("api:"+string(admin.Key)))
	var stalled []net.Conn
	t.Cleanup(func() {
		for _, c := range stalled {
			c.Close()
		}
	})
	// A client that reads nothing, with a small receive window set before
	// connecting, so that each stream blocks after its first pages.
	dialer := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		if err != nil {
			return err
		}
		return serr
	}}
	for range 32 {
		c, err := dialer.DialContext(t.Context(), "tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		stalled = append(stalled, c)
		fmt.Fprintf(c, "GET /admin/audit_logs HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n\r\n", addr, auth)
		// Read the status line only, so the handler is surely writing.
		line, err := bufio.NewReaderSize(c, 16).ReadString('\n')
		if err != nil || !strings.Contains(line, "200") {
			t.Fatalf("stream status line %q: %v", line, err)
		}
	}
	// Give the handlers time to fill the sockets and block in Write.
	time.Sleep(2 * time.Second)

	client := &http.Client{Timeout: 15 * time.Second}
	for _, path := range []string{"/readyz", "/api/v1/viewer", "/api/v1/users?limit=5", "/admin/audit_logs?limit=10"} {
		ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
		req, _ := http.NewRequestWithContext(ctx, "GET", e.Server.URL+path, nil)
		req.Header.Set("Authorization", auth)
		resp, err := client.Do(req)
		cancel()
		if err != nil {
			t.Fatalf("GET %s while 32 streams stall: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s while 32 streams stall: status %d", path, resp.StatusCode)
		}
	}
	// A write still goes through.
	e.Must(201, "POST", "/api/v1/users/me/api-keys", map[string]string{"name": "during-stall"}, admin.Key)

	// A reading client gets every entry exactly once, across pages.
	r := e.Must(200, "GET", "/admin/audit_logs", nil, admin.Key)
	lines := strings.Count(string(r.Body), "\n")
	if lines < entries {
		t.Errorf("the stream gave %d entries, want at least %d", lines, entries)
	}
	seen := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(r.Body)), "\n") {
		if seen[l] {
			t.Fatalf("entry streamed twice: %s", l)
		}
		seen[l] = true
	}
}
