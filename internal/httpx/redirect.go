package httpx

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLocalPath bounds a redirect destination taken from a request.
const MaxLocalPath = 1024

// IsLocalPath reports whether s, taken from a request (a sign-in's next,
// an SSO return_to), is a path on this site that is safe to redirect to: it
// starts with a single "/", holds no backslash, control character or
// invalid UTF-8, and names no scheme, host or user, so a browser sent there
// never leaves the site. The web and SSO edges both ask it.
func IsLocalPath(s string) bool {
	if s == "" || len(s) > MaxLocalPath || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") ||
		strings.Contains(s, "\\") || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}
