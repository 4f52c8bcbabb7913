package api_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"roster/internal/apitest"
)

// #19: error messages quote what was sent, but never without bound: a
// 100,000-character field gives an answer of a few hundred bytes.
func TestErrorMessagesAreBounded(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("root")
	long := strings.Repeat("x", 100_000)
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/roles", map[string]any{"name": "r1", "base": "member", "permissions": []string{long}}},
		{"POST", "/api/v1/roles", map[string]any{"name": "r2", "base": long}},
		{"PATCH", "/api/v1/users/root", map[string]string{"role": long}},
		{"POST", "/api/v1/teams", map[string]any{"name": "t1", "storage": map[string]string{"type": long}}},
		{"POST", "/api/v1/users", map[string]string{"email": long + "@example.com"}},
		{"GET", "/api/v1/users/" + long, nil},
	} {
		r := e.Do(c.method, c.path, c.body, admin.Key)
		if r.StatusCode < 400 || r.StatusCode >= 500 {
			t.Errorf("%s %s: status %d, want 4xx", c.method, c.path[:min(len(c.path), 40)], r.StatusCode)
		}
		if len(r.Body) > 2048 || !utf8.Valid(r.Body) {
			t.Errorf("%s %s: a %d-byte answer: %.300s", c.method, c.path[:min(len(c.path), 40)], len(r.Body), r.Body)
		}
	}
}
