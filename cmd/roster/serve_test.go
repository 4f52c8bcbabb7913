package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"roster/internal/mail/mailtest"
	"roster/internal/store/storetest"
)

// lockedBuffer collects the server's log across goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeSendsInviteMail runs `roster serve` with a mail sink and checks
// that its mail worker delivers an invite, then stops with the context.
func TestServeSendsInviteMail(t *testing.T) {
	smtpSrv := mailtest.Start(t, mailtest.Options{})
	env := map[string]string{
		"ROSTER_DB": storetest.URL(t), "ROSTER_ADDR": "127.0.0.1:0",
		"HOST": "https://roster.example.com", "GORILLA_EMAIL_SINK": smtpSrv.URL(), "GORILLA_EMAIL_FROM_ADDRESS": "roster@example.com",
	}
	ctx, cancel := context.WithCancel(t.Context())
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &logs, &logs)
	}()
	addrRE := regexp.MustCompile(`msg="roster serving" addr=(\S+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(logs.String()); m != nil {
			base = "http://" + m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", logs.String())
		}
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	post := func(path, body string, want int) {
		t.Helper()
		resp, err := client.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		if resp.StatusCode != want {
			t.Fatalf("POST %s: %d, want %d: %v", path, resp.StatusCode, want, m)
		}
		if _, ok := m["invite_url"]; ok {
			t.Fatalf("POST %s shows the invite link although a mail sink is configured", path)
		}
	}
	post("/api/v1/signup", `{"username":"alice","email":"alice@example.com","password":"password123"}`, 201)
	post("/api/v1/login", `{"login":"alice","password":"password123"}`, 200)
	post("/api/v1/users", `{"email":"bob@example.com"}`, 201)
	got := smtpSrv.Wait(1, 10*time.Second)[0]
	if got.To[0] != "bob@example.com" || !strings.Contains(got.Text, "https://roster.example.com/invite/") {
		t.Fatalf("mail %v:\n%s", got, got.Text)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop with its context")
	}
}
