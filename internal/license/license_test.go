package license_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"roster/internal/license"
)

func mustKeys(t *testing.T) (pub, priv string) {
	t.Helper()
	pub, priv, err := license.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func mustIssue(t *testing.T, priv string, l license.License) string {
	t.Helper()
	key, err := license.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := license.Issue(l, key)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestVerify(t *testing.T) {
	pub, priv := mustKeys(t)
	otherPub, otherPriv := mustKeys(t)
	base := license.License{Licensee: "Acme", Seats: 10, Features: []license.Feature{license.SCIM, license.SSO}, Expires: "2026-12-31", IssuedAt: now}
	good := mustIssue(t, priv, base)
	expired := base
	expired.Expires = "2026-02-28"
	body, sig, _ := strings.Cut(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(body)
	tampered := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"seats":10`, `"seats":1000`, 1))) + "." + sig

	key, _ := license.ParsePublicKey(pub)
	otherKey, _ := license.ParsePublicKey(otherPub)
	for _, tc := range []struct {
		name string
		doc  string
		key  []byte
		want error
	}{
		{"valid", good, key, nil},
		{"tampered", tampered, key, license.ErrTampered},
		{"wrong key", mustIssue(t, otherPriv, base), key, license.ErrWrongKey},
		{"verified with another key", good, otherKey, license.ErrWrongKey},
		{"expired", mustIssue(t, priv, expired), key, license.ErrExpired},
		{"malformed", "hello", key, license.ErrMalformed},
		{"bad base64", "!!!.???", key, license.ErrMalformed},
		{"no key", good, nil, license.ErrNoPublicKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := license.Verify(tc.doc, tc.key, now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify: err %v, want %v", err, tc.want)
			}
			if tc.want == nil && (l.Licensee != "Acme" || l.Seats != 10 || !l.Has(license.SCIM) || l.Has(license.CustomRoles)) {
				t.Fatalf("license %+v", l)
			}
		})
	}
}

func TestExpiryIsEndOfDay(t *testing.T) {
	pub, priv := mustKeys(t)
	key, _ := license.ParsePublicKey(pub)
	doc := mustIssue(t, priv, license.License{Licensee: "Acme", Seats: 1, Expires: "2026-03-01"})
	if _, err := license.Verify(doc, key, now); err != nil {
		t.Fatalf("valid through its last day: %v", err)
	}
	if _, err := license.Verify(doc, key, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)); !errors.Is(err, license.ErrExpired) {
		t.Fatalf("the day after: %v", err)
	}
}

func TestIssueRefusesBadInput(t *testing.T) {
	_, priv := mustKeys(t)
	key, _ := license.ParsePrivateKey(priv)
	for _, l := range []license.License{
		{Licensee: "", Seats: 1, Expires: "2026-01-01"},
		{Licensee: "A", Seats: 0, Expires: "2026-01-01"},
		{Licensee: "A", Seats: 1, Expires: "01/01/2026"},
		{Licensee: "A", Seats: 1, Expires: "2026-01-01", Features: []license.Feature{"teleport"}},
	} {
		if _, err := license.Issue(l, key); err == nil {
			t.Errorf("Issue(%+v) succeeded", l)
		}
	}
	if _, err := license.ParsePrivateKey("not a key"); err == nil {
		t.Error("ParsePrivateKey accepted garbage")
	}
}
