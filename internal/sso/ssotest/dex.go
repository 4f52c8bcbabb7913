// Package ssotest runs a real Dex OpenID Connect provider on loopback for
// tests, and drives its sign-in pages the way a browser would.
package ssotest

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Password is every Dex test user's password.
const Password = "dex test password"

// MockEmail is the person Dex's mock connector (id "mock") signs in: it
// needs no password and puts them in the groups ["authors"].
const MockEmail = "kilgore@kilgore.trout"

// User is a person in Dex's password database.
type User struct {
	Email             string
	Username          string // shown by Dex; not a claim
	Name              string // the name claim
	PreferredUsername string // the preferred_username claim
	Unverified        bool   // email_verified false
	Groups            []string
}

// Options configure a Dex instance.
type Options struct {
	RedirectURL string // the client's only redirect URI
	Users       []User
	Mock        bool          // add the mock connector (id "mock") beside the password database
	IDTokenTTL  time.Duration // 24 hours when zero
}

// Dex is one Dex process with one client, "roster".
type Dex struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	tb           testing.TB
	addr         string
	bin          string
	log          syncBuffer
}

// Binary finds the Dex binary: ROSTER_DEX_BIN, else .bin/dex at the module
// root. Without one the test is skipped, unless ROSTER_REQUIRE_DEX is set,
// as in CI, where a missing Dex is a failure.
func Binary(tb testing.TB) string {
	tb.Helper()
	bin := os.Getenv("ROSTER_DEX_BIN")
	if bin == "" {
		bin = filepath.Join(moduleRoot(), ".bin", "dex")
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("ROSTER_REQUIRE_DEX") != "" {
			tb.Fatalf("Dex is required (ROSTER_REQUIRE_DEX) but %s is missing: run scripts/dex.sh", bin)
		}
		tb.Skipf("no Dex at %s: run scripts/dex.sh (or ./scripts/test.sh) to build it", bin)
	}
	return bin
}

// moduleRoot walks up from the working directory to the go.mod.
func moduleRoot() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// New reserves a loopback port for a Dex instance and names its issuer,
// without starting it, so that the client under test can be configured
// first. It skips the test when Dex is not built.
func New(tb testing.TB) *Dex {
	tb.Helper()
	bin := Binary(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("reserve a port for Dex: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return &Dex{Issuer: "http://" + addr + "/dex", ClientID: "roster", ClientSecret: "roster-test-secret",
		tb: tb, addr: addr, bin: bin}
}

var (
	hashOnce sync.Once
	hash     string
)

// passwordHash is the bcrypt hash of Password, computed once.
func passwordHash(tb testing.TB) string {
	hashOnce.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.DefaultCost)
		if err != nil {
			tb.Fatalf("bcrypt: %v", err)
		}
		hash = string(h)
	})
	return hash
}

// config is Dex's configuration file, written as JSON (which is YAML).
func (d *Dex) config(opt Options) map[string]any {
	var users []map[string]any
	for i, u := range opt.Users {
		verified := !u.Unverified
		users = append(users, map[string]any{"email": u.Email, "hash": passwordHash(d.tb), "username": u.Username,
			"name": u.Name, "preferredUsername": u.PreferredUsername, "emailVerified": verified,
			"userID": "user-" + strconv.Itoa(i+1), "groups": u.Groups})
	}
	cfg := map[string]any{
		"issuer":           d.Issuer,
		"storage":          map[string]any{"type": "memory"},
		"web":              map[string]any{"http": d.addr},
		"oauth2":           map[string]any{"skipApprovalScreen": true},
		"enablePasswordDB": true,
		"staticClients": []map[string]any{{"id": d.ClientID, "secret": d.ClientSecret, "name": "Roster",
			"redirectURIs": []string{opt.RedirectURL}}},
		"staticPasswords": users,
	}
	if opt.Mock {
		cfg["connectors"] = []map[string]any{{"type": "mockCallback", "id": "mock", "name": "Example"}}
	}
	if opt.IDTokenTTL > 0 {
		cfg["expiry"] = map[string]any{"idTokens": opt.IDTokenTTL.String()}
	}
	return cfg
}

// Start runs Dex and waits until it answers discovery; it stops when the
// test ends.
func (d *Dex) Start(opt Options) {
	d.tb.Helper()
	data, err := json.MarshalIndent(d.config(opt), "", "  ")
	if err != nil {
		d.tb.Fatalf("encode Dex config: %v", err)
	}
	file := filepath.Join(d.tb.TempDir(), "dex.yaml")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		d.tb.Fatalf("write Dex config: %v", err)
	}
	cmd := exec.Command(d.bin, "serve", file)
	cmd.Stdout, cmd.Stderr = &d.log, &d.log
	if err := cmd.Start(); err != nil {
		d.tb.Fatalf("start Dex: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	d.tb.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if d.tb.Failed() {
			d.tb.Logf("Dex log:\n%s", d.log.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			exited <- err
			d.tb.Fatalf("Dex exited: %v\n%s", err, d.log.String())
		default:
		}
		resp, err := http.Get(d.Issuer + "/.well-known/openid-configuration")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.tb.Fatalf("Dex did not answer discovery within 20s:\n%s", d.log.String())
}

// syncBuffer is a buffer the Dex process and the test may share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
