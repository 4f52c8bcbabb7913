package web_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// Issue #14: the audit page shows the newest entries first whatever the
// range holds, pages through the rest, filters by exact action and
// actor, and exports the filtered range as CSV; a member gets none of it.
func TestAuditPageNewestFirstPagedFilteredAndExported(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	bob := e.MustUser(ada.Key, "bob", "admin")
	// More than 1,000 entries in the range: the old page showed the oldest.
	for i := range 1100 {
		e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": fmt.Sprintf("t%04d", i), "storage": map[string]string{"type": "default"}}, ada.Key)
	}
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "-cmd", "display_name": "Formula", "storage": map[string]string{"type": "default"}}, bob.Key)
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "newest", "storage": map[string]string{"type": "default"}}, ada.Key)
	web := e.MustWebSignIn("ada", apitest.Password)

	body := string(web.Get("/org/audit").Body)
	first := strings.Index(body, "<tbody>")
	if first < 0 || !strings.Contains(body[first:first+600], "<td>newest</td>") {
		t.Fatalf("the first row is not the newest entry: %.600s", body[max(first, 0):])
	}
	if !strings.Contains(body, `id="audit-older"`) {
		t.Fatalf("no link to older entries")
	}
	// Walk every page: each team:create appears once, newest first.
	seen, pages := map[string]bool{}, 0
	prev := ""
	for path := "/org/audit?action=team:create"; path != ""; pages++ {
		b := string(web.Get(path).Body)
		for _, name := range cells(b, `<td>`, `</td>`) {
			if strings.HasPrefix(name, "t0") || strings.HasPrefix(name, "t1") {
				if seen[name] {
					t.Fatalf("%s shown twice on page %d (%s): %s", name, pages, path, between(b, `class="pager"`, `</p>`))
				}
				if prev != "" && name > prev {
					t.Fatalf("%s after %s: not newest first", name, prev)
				}
				seen[name], prev = true, name
			}
		}
		path = ""
		if q := between(b, `id="audit-older" rel="next" href="/org/audit?`, `"`); q != "" {
			path = "/org/audit?" + strings.ReplaceAll(q, "&amp;", "&")
		}
	}
	if len(seen) != 1100 || pages < 6 {
		t.Fatalf("%d teams over %d pages, want 1100 over at least 6", len(seen), pages)
	}

	byBob := string(web.Get("/org/audit?actor=BOB@example.com&action=team:create").Body)
	if !strings.Contains(byBob, "<td>-cmd</td>") || strings.Contains(byBob, "<td>t0001</td>") || strings.Contains(byBob, "<td>newest</td>") {
		t.Fatalf("actor filter: %.2000s", byBob[strings.Index(byBob, "<tbody>"):])
	}
	if fam := string(web.Get("/org/audit?action=user:").Body); strings.Contains(fam, "<code>team:create</code>") || !strings.Contains(fam, "<code>user:signup</code>") {
		t.Fatalf("family filter shows other actions")
	}

	r := web.Get("/org/audit.csv?action=team:create&actor=bob@example.com")
	if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV export: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "timestamp" || rows[1][1] != "team:create" || rows[1][5] != "'-cmd" {
		t.Fatalf("CSV export rows %q, %v; want the header and bob's team, its formula quoted", rows, err)
	}
	all, _ := csv.NewReader(strings.NewReader(string(web.Get("/org/audit.csv?action=team:create").Body))).ReadAll()
	if len(all) != 1103 || all[1][5] != "newest" {
		t.Fatalf("full CSV export: %d rows, first %q", len(all), all[1])
	}

	e.MustUser(ada.Key, "carol", "member")
	mc := e.MustWebSignIn("carol", apitest.Password)
	if r := mc.Get("/org/audit.csv"); r.StatusCode != 403 || strings.Contains(string(r.Body), "team:create") {
		t.Fatalf("member's CSV export: %d", r.StatusCode)
	}
}

// between is the text of s after the first start up to end.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return s[:j]
}

// cells are the texts between every start and the end after it.
func cells(s, start, end string) []string {
	var out []string
	for {
		i := strings.Index(s, start)
		if i < 0 {
			return out
		}
		s = s[i+len(start):]
		j := strings.Index(s, end)
		if j < 0 {
			return out
		}
		out, s = append(out, s[:j]), s[j:]
	}
}
