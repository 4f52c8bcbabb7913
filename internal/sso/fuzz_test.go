package sso

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzLocalPath feeds any text to the return_to check of /oidc/login: it
// is refused with the invalid_return_to error, or what is kept, and the
// Location header a redirect to it carries, is a path on this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{
		"", "/", "/teams", "/teams?tab=1", "/oidc/callback", "/logout", "https://evil.example/", "//evil.example/x",
		"/\\evil.example", "javascript:alert(1)", "/\t/evil.example", "/%2F/evil.example", "/.//evil.example",
		"/x:y", "/a/../oidc/login", strings.Repeat("/a", 600),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := localPath(s)
		if err != nil {
			if !errors.Is(err, errReturnTo) {
				t.Fatalf("localPath(%q): %v, want the invalid_return_to error", s, err)
			}
			return
		}
		if got != "/" && got != s {
			t.Fatalf("localPath(%q) = %q: neither the input nor home", s, got)
		}
		if why := notLocal(got); why != "" {
			t.Fatalf("localPath(%q) = %q: %s", s, got, why)
		}
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest(http.MethodGet, "/oidc/callback", nil), got, http.StatusSeeOther)
		if loc := w.Header().Get("Location"); notLocal(loc) != "" {
			t.Fatalf("localPath(%q) = %q redirects to %q: %s", s, got, loc, notLocal(loc))
		}
	})
}

// notLocal says why s is not a local path a browser stays on, or "".
func notLocal(s string) string {
	u, err := url.Parse(s)
	switch {
	case !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//"):
		return "does not start with a single /"
	case strings.Contains(s, "\\"):
		return "holds a backslash"
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "holds a control character or invalid UTF-8"
	case err != nil || u.Scheme != "" || u.Host != "" || u.User != nil:
		return "is not a path"
	}
	return ""
}
