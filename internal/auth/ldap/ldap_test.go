package ldap_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/auth/ldap"
	"roster/internal/auth/ldap/ldaptest"
)

func directory(t *testing.T, s *ldaptest.Server, addr string, startTLS bool) *ldap.Directory {
	t.Helper()
	d, err := ldap.New(ldap.Options{Address: addr, BaseDN: ldaptest.BaseDN, BindDN: ldaptest.BindDN, BindPW: ldaptest.BindPW,
		StartTLS: startTLS, RootCAs: s.RootCAs, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAuthenticateTransports signs in over plain LDAP, StartTLS and LDAPS,
// by username and by email, and reads the mapped attributes and groups.
func TestAuthenticateTransports(t *testing.T) {
	s := ldaptest.Start(t)
	for _, tc := range []struct {
		name     string
		addr     string
		startTLS bool
	}{{"plain", s.URL, false}, {"starttls", s.URL, true}, {"ldaps", s.TLSURL, false}} {
		t.Run(tc.name, func(t *testing.T) {
			d := directory(t, s, tc.addr, tc.startTLS)
			for _, login := range []string{"ada", "ada@example.org"} {
				e, err := d.Authenticate(context.Background(), login, ldaptest.Password)
				if err != nil {
					t.Fatalf("%s: %v", login, err)
				}
				if e.DN != ldaptest.PersonDN("ada") || e.Username != "ada" || e.Email != "Ada@Example.org" || e.Name != "Ada Lovelace" {
					t.Fatalf("entry %+v", e)
				}
				for _, g := range []string{ldaptest.GroupDN("ml"), "ml", "vision", "staff"} {
					if !slices.Contains(e.Groups, g) {
						t.Fatalf("groups %v lack %s", e.Groups, g)
					}
				}
			}
		})
	}
}

// TestAuthenticateTLSVerified refuses a certificate the pool does not trust.
func TestAuthenticateTLSVerified(t *testing.T) {
	s := ldaptest.Start(t)
	for _, tc := range []struct {
		addr     string
		startTLS bool
	}{{s.URL, true}, {s.TLSURL, false}} {
		d, err := ldap.New(ldap.Options{Address: tc.addr, BaseDN: ldaptest.BaseDN, BindDN: ldaptest.BindDN, BindPW: ldaptest.BindPW, StartTLS: tc.startTLS})
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Authenticate(context.Background(), "ada", ldaptest.Password)
		if roster.ErrorReason(err) != roster.ReasonLDAPUnavailable {
			t.Fatalf("%s: untrusted certificate accepted: %v", tc.addr, err)
		}
	}
}

// TestAuthenticateRefusals: wrong password and unknown login look the
// same; a locked account and an ambiguous address say so; a down
// directory or a refused service account are the operator's problem.
func TestAuthenticateRefusals(t *testing.T) {
	s := ldaptest.Start(t)
	d := directory(t, s, s.URL, false)
	ctx := context.Background()
	for _, tc := range []struct {
		login, password, reason string
	}{
		{"ada", "wrong", roster.ReasonBadCredentials},
		{"ada", "", roster.ReasonBadCredentials},
		{"nobody", ldaptest.Password, roster.ReasonBadCredentials},
		{"*", ldaptest.Password, roster.ReasonBadCredentials},
		{"ada)(uid=*", ldaptest.Password, roster.ReasonBadCredentials},
		{"mallory", ldaptest.Password, roster.ReasonLDAPAccountDisabled},
		{"mallory", "wrong", roster.ReasonBadCredentials},
		{"dup@example.org", ldaptest.Password, roster.ReasonLDAPAmbiguous},
	} {
		_, err := d.Authenticate(ctx, tc.login, tc.password)
		if got := roster.ErrorReason(err); got != tc.reason {
			t.Errorf("%q/%q: reason %s (%v), want %s", tc.login, tc.password, got, err, tc.reason)
		}
	}
	bad, _ := ldap.New(ldap.Options{Address: s.URL, BaseDN: ldaptest.BaseDN, BindDN: ldaptest.BindDN, BindPW: "nope"})
	if _, err := bad.Authenticate(ctx, "ada", ldaptest.Password); roster.ErrorReason(err) != roster.ReasonLDAPUnavailable ||
		!strings.Contains(roster.ErrorMessage(err), "LOCAL_LDAP_BIND_DN") {
		t.Fatalf("refused service account: %v", err)
	}
	s.Stop()
	_, err := d.Authenticate(ctx, "ada", ldaptest.Password)
	if roster.ErrorCode(err) != roster.EUpstream || !strings.Contains(roster.ErrorMessage(err), "Local administrators") {
		t.Fatalf("directory down: %v", err)
	}
}

func TestParseAttributes(t *testing.T) {
	a, err := ldap.ParseAttributes("email=mail,group=gidNumber")
	if err != nil || a.Email != "mail" || a.Group != "gidNumber" || a.Username != "uid" || a.Name != "cn" {
		t.Fatalf("%+v %v", a, err)
	}
	for _, bad := range []string{"email", "email=", "colour=red", "email=m(ail"} {
		if _, err := ldap.ParseAttributes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
