package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSafeNext feeds any text to the post-sign-in destination check: what
// it returns, and the Location header a redirect to it carries, is always
// a path on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{
		"", "/", "/teams", "/teams?tab=1#x", "/teams/vision/settings/members", "//evil.example/x", "/\\evil.example",
		"https://evil.example/", "javascript:alert(1)", "/\t/evil.example", "/%2F/evil.example", "/.//evil.example",
		"\\\\evil", "/a/../../b", "/?next=//x", "http:/x", "/x:y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) = %q: neither the input nor home", next, got)
		}
		if why := notLocal(got); why != "" {
			t.Fatalf("safeNext(%q) = %q: %s", next, got, why)
		}
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest(http.MethodGet, "/sign-in", nil), got, http.StatusSeeOther)
		if loc := w.Header().Get("Location"); notLocal(loc) != "" {
			t.Fatalf("safeNext(%q) = %q redirects to %q: %s", next, got, loc, notLocal(loc))
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
