package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"roster/internal/httpx"
)

// FuzzLocalPath feeds any text to the redirect destination check of the
// web and SSO edges: what it accepts, and the Location header a redirect to
// it carries, is always a path on this site.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{
		"", "/", "/teams", "/teams?tab=1#x", "/teams/vision/settings/members", "//evil.example/x", "/\\evil.example",
		"https://evil.example/", "javascript:alert(1)", "/\t/evil.example", "/%2F/evil.example", "/.//evil.example",
		"\\\\evil", "/a/../../b", "/?next=//x", "http:/x", "/x:y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		if !httpx.IsLocalPath(next) {
			return
		}
		got := next
		if why := notLocal(got); why != "" {
			t.Fatalf("IsLocalPath(%q) accepts it: %s", next, why)
		}
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest(http.MethodGet, "/sign-in", nil), got, http.StatusSeeOther)
		if loc := w.Header().Get("Location"); notLocal(loc) != "" {
			t.Fatalf("IsLocalPath(%q) accepts it, and a redirect goes to %q: %s", next, loc, notLocal(loc))
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
