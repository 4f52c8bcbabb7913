package api_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
)

// The audit log as W&B documents it (issue #14): the date window, what
// anonymize drops, the ids and response codes entries carry, and the
// reads W&B records.

// auditActions streams the log with params and returns each entry's
// action and team, "team:create ml".
func auditActions(t *testing.T, e *apitest.Env, cred apitest.Cred, params url.Values) []string {
	t.Helper()
	var lines []auditLine
	if params.Has("endDate") { // a range with an end is read in pages
		lines = auditPages(t, e, cred, params, 1000)
	} else {
		lines, _ = auditStream(t, e, cred, params)
	}
	var out []string
	for _, l := range lines {
		out = append(out, strings.TrimSpace(l.Action+" "+l.EntityName))
	}
	return out
}

// W&B: numDays counts backward from startDate, the newest day; numDays=0,
// or none, is startDate alone; neither is today. endDate makes startDate
// the first day instead.
func TestAuditWindowCountsBackFromStartDate(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("ada")
	day0 := e.Clock.Now()
	mkTeam := func(name string) {
		e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": name, "storage": map[string]string{"type": "default"}}, admin.Key)
	}
	mkTeam("t0")
	e.Clock.Advance(24 * time.Hour)
	mkTeam("t1")
	e.Clock.Advance(24 * time.Hour)
	mkTeam("t2")
	date := func(days int) string { return day0.AddDate(0, 0, days).Format("2006-01-02") }
	for _, tc := range []struct {
		params url.Values
		want   []string
	}{
		{url.Values{}, []string{"team:create t2"}}, // today alone
		{url.Values{"startDate": {date(1)}}, []string{"team:create t1"}},
		{url.Values{"startDate": {date(1)}, "numDays": {"0"}}, []string{"team:create t1"}},
		{url.Values{"startDate": {date(2)}, "numDays": {"1"}}, []string{"team:create t1", "team:create t2"}},
		{url.Values{"numDays": {"2"}}, []string{"team:create t0", "team:create t1", "team:create t2"}},
		{url.Values{"startDate": {date(0)}, "numDays": {"30"}}, []string{"team:create t0"}},
		{url.Values{"startDate": {date(0)}, "endDate": {date(1)}}, []string{"team:create t0", "team:create t1"}},
	} {
		tc.params.Set("action", "team:create")
		if got := auditActions(t, e, admin.Key, tc.params); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.params.Encode(), got, tc.want)
		}
	}
}

// W&B counts team and project names as personal data: anonymize=true
// drops them with the emails and addresses, and keeps the ids
// (entity_asset, project_asset), so entries can still be correlated.
func TestAuditAnonymizeDropsTeamAndProjectNames(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("ada")
	team := e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "secret-merger", "storage": map[string]string{"type": "default"}}, admin.Key).Map(t)
	proj := e.Must(201, "POST", "/api/v1/teams/secret-merger/projects", map[string]any{"name": "acquire-initech"}, admin.Key).Map(t)
	plain, _ := auditStream(t, e, admin.Key, auditWindow(e))
	q := auditWindow(e)
	q.Set("anonymize", "true")
	anon, body := auditStream(t, e, admin.Key, q)
	if len(anon) != len(plain) {
		t.Fatalf("%d anonymized entries, %d plain", len(anon), len(plain))
	}
	var sawProject bool
	for i, l := range anon {
		p := plain[i]
		if l.EntityName != "" || l.ProjectName != "" {
			t.Errorf("anonymized entry keeps names: %+v", l)
		}
		if l.EntityAsset != p.EntityAsset || l.ProjectAsset != p.ProjectAsset {
			t.Errorf("anonymized entry lost its ids: %+v vs %+v", l, p)
		}
		if p.Action == "project:create" {
			sawProject = true
			if p.EntityName != "secret-merger" || p.EntityAsset != team["id"] || p.ProjectName != "acquire-initech" || p.ProjectAsset != proj["id"] {
				t.Errorf("plain project:create entry: %+v, want team %v and project %v by name and id", p, team["id"], proj["id"])
			}
		}
	}
	if !sawProject {
		t.Fatalf("no project:create entry in %+v", plain)
	}
	for _, secret := range []string{"secret-merger", "acquire-initech"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("anonymized stream names %q", secret)
		}
	}
}

// W&B's schema: API-originated entries carry the status the request was
// answered with (response_code), a failed sign-in its 401, and entries
// of other interfaces none.
func TestAuditEntriesCarryResponseCodes(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("ada")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, admin.Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"display_name": "ML"}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]any{"name": "p1"}, admin.Key)
	e.Must(204, "DELETE", "/api/v1/teams/ml/projects/p1", nil, admin.Key)
	wantProblem(t, login(e, "ada", "wrong password"), 401, "bad_credentials")
	web := e.MustWebSignIn("ada", apitest.Password)
	if r := web.Post("/sign-out", nil); r.StatusCode >= 400 {
		t.Fatalf("web sign-out: %d", r.StatusCode)
	}
	want := map[string]int{"team:create": 201, "team:update": 200, "project:create": 201, "project:delete": 204,
		"user:login_failed": 401}
	lines, _ := auditStream(t, e, admin.Key, auditWindow(e))
	seen := map[string]bool{}
	for _, l := range lines {
		if code, ok := want[l.Action]; ok {
			seen[l.Action] = true
			if l.ResponseCode != code || l.Interface != "api" {
				t.Errorf("%s entry: response_code %d via %s, want %d via api", l.Action, l.ResponseCode, l.Interface, code)
			}
		}
		if l.Interface == "ui" && l.ResponseCode != 0 {
			t.Errorf("web entry %s carries response_code %d", l.Action, l.ResponseCode)
		}
		if l.Action == "project:delete" && (l.ProjectAsset == "" || l.EntityAsset == "") {
			t.Errorf("project:delete entry without ids: %+v", l)
		}
	}
	if len(seen) != len(want) || !slices.ContainsFunc(lines, func(l auditLine) bool { return l.Interface == "ui" }) {
		t.Fatalf("entries %v of %v, and a web one, expected in %+v", seen, want, lines)
	}
}

// W&B records reads: an admin opening someone's profile (user:read) and
// anyone opening a project (project:read). Opening one's own profile and
// listing are not recorded.
func TestAuditRecordsUserAndProjectReads(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("ada")
	bob := e.MustUser(admin.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]any{"username": "bob", "role": "member"}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]any{"name": "p1"}, admin.Key)

	before := e.AuditCount("user:read")
	e.Must(200, "GET", "/api/v1/users/bob", nil, admin.Key)
	e.Must(200, "GET", "/api/v1/users/bob", nil, bob.Key) // bob's own profile
	e.Must(200, "GET", "/api/v1/users?limit=10", nil, admin.Key)
	if n := e.AuditCount("user:read") - before; n != 1 {
		t.Fatalf("%d user:read entries, want 1 (the admin opening bob)", n)
	}
	wantProblem(t, e.Do("GET", "/api/v1/users/ada", nil, bob.Key), 403, "")
	if n := e.AuditCount("user:read") - before; n != 1 {
		t.Fatalf("a refused read was recorded: %d entries", n)
	}
	e.Must(200, "GET", "/api/v1/teams/ml/projects/p1", nil, bob.Key)
	e.Must(200, "GET", "/api/v1/teams/ml/projects", nil, bob.Key)
	q := auditWindow(e)
	q.Set("action", "project:read")
	lines, _ := auditStream(t, e, admin.Key, q)
	if len(lines) != 1 || lines[0].ActorEmail != bob.Email || lines[0].ProjectName != "p1" || lines[0].EntityName != "ml" ||
		lines[0].ResponseCode != 200 {
		t.Fatalf("project:read entries %+v, want bob opening ml/p1 once", lines)
	}
	q = auditWindow(e)
	q.Set("action", "user:read")
	q.Set("actor", "ADA@example.com")
	if lines, _ := auditStream(t, e, admin.Key, q); len(lines) != 1 || lines[0].UserEmail != bob.Email {
		t.Fatalf("user:read by ada: %+v", lines)
	}
}
