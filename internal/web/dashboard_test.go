package web_test

import (
	"encoding/csv"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
)

// rowUsers are the data-user names of the table's rows, in order.
func rowUsers(body string) []string {
	var out []string
	for _, c := range cells(body, `<tr id="user-`, `>`) {
		out = append(out, between(c, `data-user="`, `"`))
	}
	return out
}

// Issue #14: the users table sorts by every column both ways, says so to
// screen readers (aria-sort), shows the exact last-active time, and
// exports what the filter selects as CSV in the same order.
func TestUsersTableSortsByEveryColumnAndExports(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	for _, u := range []struct{ name, role string }{{"carl", "viewer"}, {"bea", "admin"}, {"dan", "member"}} {
		e.MustUser(ada.Key, u.name, u.role)
		e.Clock.Advance(time.Hour)
	}
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "zed@example.com", "role": "member"}, ada.Key)
	web := e.MustWebSignIn("ada", apitest.Password)
	want := map[string][]string{
		"":              {"ada", "bea", "carl", "dan", "zed@example.com"},
		"role":          {"ada", "bea", "dan", "zed@example.com", "carl"},
		"status":        {"ada", "bea", "carl", "dan", "zed@example.com"},
		"email":         {"ada", "bea", "carl", "dan", "zed@example.com"},
		"last_active":   {"zed@example.com", "carl", "bea", "dan", "ada"},
		"last_active/d": {"ada", "dan", "bea", "carl", "zed@example.com"},
		"/d":            {"zed@example.com", "dan", "carl", "bea", "ada"},
	}
	for key, order := range want {
		sort, dir, _ := strings.Cut(key, "/")
		q := url.Values{}
		if sort != "" {
			q.Set("sort", sort)
		}
		if dir == "d" {
			q.Set("dir", "desc")
		}
		body := string(web.Get("/org/users?" + q.Encode()).Body)
		if got := rowUsers(body); !slices.Equal(got, order) {
			t.Errorf("sort %q: rows %v, want %v", key, got, order)
		}
		col := sort
		if col == "" {
			col = "username"
		}
		head := between(body, `<thead>`, `</thead>`)
		wantAria := map[string]string{"": "ascending", "d": "descending"}[dir]
		if !strings.Contains(head, `aria-sort="`+wantAria+`"><a class="sort-link" href="/org/users?`) ||
			!strings.Contains(between(head, `aria-sort="`+wantAria+`"`, `</th>`), `data-sort="`+col+`"`) {
			t.Errorf("sort %q: header does not mark %s %s: %s", key, col, wantAria, head)
		}
	}
	body := string(web.Get("/org/users").Body)
	if !strings.Contains(body, `<time datetime="`) || !strings.Contains(body, ` UTC">`) {
		t.Errorf("last active has no exact time")
	}

	r := web.Get("/org/users.csv?sort=last_active&dir=desc&status=active")
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil || r.StatusCode != 200 || len(rows) != 5 || rows[0][0] != "username" || rows[1][0] != "ada" || rows[4][0] != "carl" ||
		rows[1][3] != "admin" || rows[1][5] == "" {
		t.Fatalf("users CSV: %d %q %v", r.StatusCode, rows, err)
	}
	e.MustUser(ada.Key, "mia", "member")
	if r := e.MustWebSignIn("mia", apitest.Password).Get("/org/users.csv"); r.StatusCode != 403 || strings.Contains(string(r.Body), "ada@example.com") {
		t.Fatalf("member's users CSV: %d", r.StatusCode)
	}
}

// Issue #14: a list of addresses is invited at once; each address that is
// taken or malformed fails alone, duplicates are invited once, and a
// member cannot use it.
func TestBulkInvite(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	web := e.MustWebSignIn("ada", apitest.Password)
	if r := web.Get("/org/users/bulk"); r.StatusCode != 200 || !strings.Contains(string(r.Body), `id="bulk-emails"`) {
		t.Fatalf("bulk invite form: %d", r.StatusCode)
	}
	r := web.Post("/org/users/bulk", url.Values{"emails": {"one@example.com, two@example.com\nnot-an-address;ada@example.com ONE@example.com"}, "role": {"viewer"}})
	body := string(r.Body)
	if r.StatusCode != 200 || !strings.Contains(body, "2 invited, 2 not") || strings.Count(body, `class="bulk-ok"`) != 2 || strings.Count(body, `class="bulk-failed"`) != 2 {
		t.Fatalf("bulk invite: %d %s", r.StatusCode, body[strings.Index(body, "<main"):])
	}
	if !strings.Contains(body, "/invite/") {
		t.Errorf("without a mail sink the admin gets each link")
	}
	var u map[string]any
	e.Must(200, "GET", "/api/v1/users/two@example.com", nil, ada.Key).JSON(t, &u)
	if u["role"] != "viewer" || u["status"] != "invited" {
		t.Fatalf("bulk-invited user %v", u)
	}
	if r := web.Post("/org/users/bulk", url.Values{"emails": {strings.Repeat("x@example.com ", 201)}}); r.StatusCode != 400 ||
		!strings.Contains(string(r.Body), "at most 200") {
		t.Fatalf("201 addresses: %d", r.StatusCode)
	}
	e.MustUser(ada.Key, "mia", "member")
	mia := e.MustWebSignIn("mia", apitest.Password)
	if r := mia.Post("/org/users/bulk", url.Values{"emails": {"three@example.com"}}); r.StatusCode != 403 {
		t.Fatalf("member's bulk invite: %d", r.StatusCode)
	}
	e.Must(404, "GET", "/api/v1/users/three@example.com", nil, ada.Key)
}

// Issue #14: the Activity view charts users active per day from the audit
// log, with the same numbers as a table; members are refused.
func TestActivityChartsActiveUsers(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	bob := e.MustUser(ada.Key, "bob", "member")
	e.Clock.Advance(24 * time.Hour)
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]any{"name": "p1"}, ada.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]any{"username": "bob"}, ada.Key)
	e.Must(200, "GET", "/api/v1/teams/ml/projects/p1", nil, bob.Key) // project:read, by bob
	web := e.MustWebSignIn("ada", apitest.Password)
	body := string(web.Get("/org/activity").Body)
	today, yesterday := e.Clock.Now().Format("2006-01-02"), e.Clock.Now().AddDate(0, 0, -1).Format("2006-01-02")
	table := between(body, `id="activity-table"`, `</details>`)
	if !strings.Contains(table, "<td>"+yesterday+"</td><td>2</td>") || !strings.Contains(table, "<td>"+today+"</td><td>2</td>") ||
		!strings.Contains(body, `id="activity-chart"`) {
		t.Fatalf("activity for %s and %s: %s", yesterday, today, table)
	}
	if r := e.MustWebSignIn("bob", apitest.Password).Get("/org/activity"); r.StatusCode != 403 {
		t.Fatalf("member's activity: %d", r.StatusCode)
	}
}
