package license_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"roster/internal/license"
)

// fuzzKey is a fixed signing key, so that the fuzzer's payloads can be
// signed and reach the checks after the signature.
var fuzzKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

func fuzzPub() ed25519.PublicKey { return fuzzKey.Public().(ed25519.PublicKey) }

func sign(payload []byte) string {
	body := base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(fuzzKey, []byte(body)))
}

// FuzzParse parses license documents as they come, and payloads signed
// with the right key: nothing panics, and a license that parses is one the
// rest of Roster can rely on (version 1, this key, at least one seat, an
// expiry date that ends the license at the start of the next day).
func FuzzParse(f *testing.F) {
	good, err := license.Issue(license.License{Licensee: "Acme", Seats: 10, Expires: "2026-12-31",
		Features: []license.Feature{license.SCIM, license.SSO}, IssuedAt: time.Unix(1700000000, 0)}, fuzzKey)
	if err != nil {
		f.Fatal(err)
	}
	kid := license.KeyID(fuzzPub())
	for _, s := range []struct{ doc, payload string }{
		{good, `{"v":1,"kid":"` + kid + `","licensee":"Acme","seats":3,"features":["scim"],"expires":"2030-01-01"}`},
		{"", `{"v":2,"kid":"` + kid + `","seats":3,"expires":"2030-01-01"}`},
		{".", `{"v":1,"kid":"` + kid + `","seats":0,"expires":"2030-01-01"}`},
		{"abc.def", `{"v":1,"kid":"` + kid + `","seats":1,"expires":"2030-02-30"}`},
		{good + "x", `{"v":1,"kid":"other","seats":1,"expires":"2030-01-01"}`},
		{strings.Replace(good, ".", "..", 1), `{"v":1,"kid":"` + kid + `","seats":-5,"features":null,"expires":"9999-12-31"}`},
		{" " + good + "\n", `[]`},
	} {
		f.Add(s.doc, []byte(s.payload))
	}
	f.Fuzz(func(t *testing.T, doc string, payload []byte) {
		license.Verify(doc, fuzzPub(), time.Now())
		license.ParsePublicKey(doc)
		license.ParsePrivateKey(doc)
		license.ParseFeature(doc)
		l, err := license.Parse(sign(payload), fuzzPub())
		if err != nil {
			return
		}
		end := l.ExpiresAt()
		switch {
		case l.Version != 1 || l.KeyID != license.KeyID(fuzzPub()) || l.Seats < 1:
			t.Fatalf("parsed %+v from %q", l, payload)
		case end.IsZero() || end.Format(license.DateLayout) != mustDay(t, l.Expires).AddDate(0, 0, 1).Format(license.DateLayout):
			t.Fatalf("license ending %q ends at %v", l.Expires, end)
		}
		if _, err := license.Verify(sign(payload), fuzzPub(), end.Add(-time.Nanosecond)); err != nil {
			t.Fatalf("license valid until %s refused just before its end: %v", l.Expires, err)
		}
		if _, err := license.Verify(sign(payload), fuzzPub(), end); !errors.Is(err, license.ErrExpired) {
			t.Fatalf("license valid until %s not expired at %v: %v", l.Expires, end, err)
		}
	})
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(license.DateLayout, s)
	if err != nil {
		t.Fatalf("expiry %q: %v", s, err)
	}
	return d
}

// FuzzIssue issues licenses from fuzzed fields: whatever Issue signs,
// Parse reads back unchanged, and a changed byte never yields a license
// (base64 may ignore the last character's spare bits, which changes
// nothing that is read).
func FuzzIssue(f *testing.F) {
	f.Add("Acme", 10, "2026-12-31", "scim,sso", 3)
	f.Add("", 1, "2026-01-01", "", 0)
	f.Add("Ünïcode Ltd", 1<<30, "2999-02-28", "custom_roles,viewer_team_role,service_accounts", 40)
	f.Add("x", 0, "2026-13-01", "bogus", 1)
	f.Fuzz(func(t *testing.T, licensee string, seats int, expires, features string, flip int) {
		in := license.License{Licensee: licensee, Seats: seats, Expires: expires, IssuedAt: time.Unix(1700000000, 0)}
		for _, name := range strings.Split(features, ",") {
			if name != "" {
				in.Features = append(in.Features, license.Feature(name))
			}
		}
		doc, err := license.Issue(in, fuzzKey)
		if err != nil {
			return
		}
		l, err := license.Parse(doc, fuzzPub())
		if err != nil {
			t.Fatalf("issued %q, parse: %v", doc, err)
		}
		if l.Licensee != licensee || l.Seats != seats || l.Expires != expires || !slices.Equal(l.Features, in.Features) && len(in.Features) > 0 {
			t.Fatalf("issued %+v, parsed %+v", in, l)
		}
		if flip < 0 {
			flip = -flip
		}
		i := flip % len(doc)
		changed := doc[:i] + string(doc[i]^0x01) + doc[i+1:]
		if c, err := license.Parse(changed, fuzzPub()); err == nil && !reflect.DeepEqual(c, l) {
			t.Fatalf("license changed at byte %d parses as %+v: %q", i, c, changed)
		}
	})
}
