package roster_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"roster"
)

// clean reports whether an accepted value can be stored and shown as it
// is: valid UTF-8 without NUL.
func clean(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// FuzzValidators runs the domain's name and address rules on any text:
// none panics, every refusal is an invalid error, an accepted value is
// clean and is accepted again as itself, and the names derived from free
// text follow the username rule.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{
		"ada", "ada@example.com", " Grace@Example.COM ", "root@localhost", "a@b", "Ada <ada@example.com>",
		"ML Engineers", "vision", "a--b", "-x-", "", " ", "\x00", "a\x00b@example.com", "\xff@example.com", "a\x00b", "\xffab",
		"bjensen@example.com", "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com", "test.user@okta.local",
		"\"quoted local\"@example.com", "x@[127.0.0.1]", strings.Repeat("a", 65), strings.Repeat("é", 129),
		"Ünïcode Tëam", "\u202etxt", "line\nbreak", "tab\there",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		refused := func(what string, err error) bool {
			t.Helper()
			if err != nil && roster.ErrorCode(err) != roster.EInvalid {
				t.Fatalf("%s(%q): error of code %q: %v", what, s, roster.ErrorCode(err), err)
			}
			return err != nil
		}
		if e, err := roster.NormalizeEmail(s); !refused("NormalizeEmail", err) {
			again, err := roster.NormalizeEmail(e)
			if err != nil || again != e || !clean(e) || len(e) > 254 || strings.ContainsAny(e, "\r\n") {
				t.Fatalf("NormalizeEmail(%q) = %q, which normalizes to %q (%v)", s, e, again, err)
			}
		}
		for _, v := range []struct {
			name string
			fn   func(string) error
		}{
			{"ValidateUsername", roster.ValidateUsername}, {"ValidateTeamName", roster.ValidateTeamName},
			{"ValidateSCIMUserName", roster.ValidateSCIMUserName},
			{"ValidateName", roster.ValidateName}, {"ValidateDisplayName", roster.ValidateDisplayName},
			{"ValidateKeyName", roster.ValidateKeyName},
		} {
			if refused(v.name, v.fn(s)) {
				continue
			}
			if !clean(s) {
				t.Fatalf("%s accepts %q, which is not clean text", v.name, s)
			}
		}
		derived(t, s)
	})
}

// derived checks the names made from free text (P4): they follow the
// username rule, deriving again changes nothing, and a numeric suffix
// keeps them valid.
func derived(t *testing.T, s string) {
	t.Helper()
	for _, d := range []struct {
		name string
		fn   func(string) string
	}{
		{"UsernameFromSCIM", roster.UsernameFromSCIM}, {"TeamNameFromDisplay", roster.TeamNameFromDisplay},
		{"UsernameFrom", roster.UsernameFrom},
	} {
		n := d.fn(s)
		if n == "" && d.name == "UsernameFrom" {
			continue // "nothing usable is left"; callers pick a fallback
		}
		if err := roster.ValidateUsername(n); err != nil {
			t.Fatalf("%s(%q) = %q: %v", d.name, s, n, err)
		}
		if again := d.fn(n); again != n {
			t.Fatalf("%s(%q) = %q, and again %q", d.name, s, n, again)
		}
		if err := roster.ValidateUsername(roster.WithSuffix(n, 1000)); err != nil {
			t.Fatalf("WithSuffix(%q) = %q: %v", n, roster.WithSuffix(n, 1000), err)
		}
	}
}
