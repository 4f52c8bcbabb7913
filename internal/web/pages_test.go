package web_test

import (
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"testing"
)

var (
	userRowRE = regexp.MustCompile(`<tr id="user-[^"]+" data-user="([^"]+)"`)
	nextRE    = regexp.MustCompile(`<a href="([^"]+)"[^>]*id="next-page"`)
)

// TestUserListPagesAndFragments pages through the dashboard's user list,
// filters it, and checks that htmx asks get only the table fragment.
func TestUserListPagesAndFragments(t *testing.T) {
	f := newFixture(t) // ada, bob and carol (invited)
	for i := range 22 {
		f.env.MustInvite(f.ada.Key, fmt.Sprintf("u%02d@example.com", i), "viewer")
	}
	get := func(path string, header map[string]string) string {
		t.Helper()
		resp := f.request(t, "GET", path, nil, header)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		return string(body)
	}
	first := get("/org/users", nil)
	if n := len(userRowRE.FindAllString(first, -1)); n != 20 {
		t.Fatalf("first page has %d users, want 20", n)
	}
	m := nextRE.FindStringSubmatch(first)
	if m == nil {
		t.Fatal("first page has no next page link")
	}
	second := get(html.UnescapeString(m[1]), nil)
	if n := len(userRowRE.FindAllString(second, -1)); n != 5 {
		t.Fatalf("second page has %d users, want 5", n)
	}
	if !strings.Contains(second, "First page") || nextRE.MatchString(second) {
		t.Fatal("the last page should link back to the first and not onward")
	}

	viewers := get("/org/users?role=viewer&status=invited&query=u1", nil)
	if got := userRowRE.FindAllStringSubmatch(viewers, -1); len(got) != 10 || got[0][1] != "u10@example.com" {
		t.Fatalf("filtered list: %v", got)
	}

	frag := get("/org/users?query=bob", map[string]string{"HX-Request": "true", "HX-Target": "users-table"})
	if !strings.HasPrefix(strings.TrimSpace(frag), `<section id="users-table"`) || strings.Contains(frag, "<html") {
		t.Fatalf("htmx ask got more than the table: %.300s", frag)
	}
	if got := userRowRE.FindAllStringSubmatch(frag, -1); len(got) != 1 || got[0][1] != "bob" {
		t.Fatalf("search for bob: %v", got)
	}
}
