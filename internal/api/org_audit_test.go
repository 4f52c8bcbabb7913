package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
)

// auditLine is one audit entry as GET /admin/audit_logs shows it (L2).
type auditLine struct {
	Timestamp    string `json:"timestamp"`
	Action       string `json:"action"`
	ActorUserID  string `json:"actor_user_id"`
	ActorEmail   string `json:"actor_email"`
	ActorIP      string `json:"actor_ip"`
	UserAsset    string `json:"user_asset"`
	UserEmail    string `json:"user_email"`
	EntityName   string `json:"entity_name"`
	EntityAsset  string `json:"entity_asset"`
	ProjectName  string `json:"project_name"`
	ProjectAsset string `json:"project_asset"`
	Interface    string `json:"interface"`
	Details      string `json:"details"`
	ResponseCode int    `json:"response_code"`
}

// auditWindow is a date range around the test clock wide enough for every
// entry a test writes, whatever the time of day: from two days after it
// (startDate, the newest day) four days back.
func auditWindow(e *apitest.Env) url.Values {
	return url.Values{"startDate": {e.Clock.Now().AddDate(0, 0, 2).Format("2006-01-02")}, "numDays": {"4"}}
}

// auditStream reads the NDJSON stream with params, checking its shape.
func auditStream(t testing.TB, e *apitest.Env, cred apitest.Cred, params url.Values) ([]auditLine, []byte) {
	t.Helper()
	r := e.Do("GET", "/admin/audit_logs?"+params.Encode(), nil, cred)
	if r.StatusCode != 200 {
		t.Fatalf("%s: status %d: %s", what(r), r.StatusCode, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("%s: Content-Type %q, want application/x-ndjson", what(r), ct)
	}
	var out []auditLine
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l auditLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("%s: line %q: %v", what(r), sc.Text(), err)
		}
		out = append(out, l)
	}
	return out, r.Body
}

// auditPages reads every page with params and limit, following
// next_cursor, and checks each page's shape.
func auditPages(t testing.TB, e *apitest.Env, cred apitest.Cred, params url.Values, limit int) []auditLine {
	t.Helper()
	var out []auditLine
	cursor := ""
	for pages := 0; ; pages++ {
		q := url.Values{}
		for k, v := range params {
			q[k] = v
		}
		q.Set("limit", itoa(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := e.Do("GET", "/admin/audit_logs?"+q.Encode(), nil, cred)
		if r.StatusCode != 200 {
			t.Fatalf("%s: status %d: %s", what(r), r.StatusCode, r.Body)
		}
		var raw map[string]json.RawMessage
		r.JSON(t, &raw)
		for _, k := range []string{"audit_logs", "range_start_time", "range_end_time", "count", "next_cursor"} {
			if _, ok := raw[k]; !ok {
				t.Fatalf("%s: page without %q: %s", what(r), k, r.Body)
			}
		}
		var p struct {
			AuditLogs  []auditLine `json:"audit_logs"`
			Start      string      `json:"range_start_time"`
			End        string      `json:"range_end_time"`
			Count      int         `json:"count"`
			NextCursor string      `json:"next_cursor"`
		}
		r.JSON(t, &p)
		if p.Count != len(p.AuditLogs) || p.Count > limit {
			t.Fatalf("%s: count %d with %d entries, limit %d", what(r), p.Count, len(p.AuditLogs), limit)
		}
		start, err1 := time.Parse(time.RFC3339, p.Start)
		end, err2 := time.Parse(time.RFC3339, p.End)
		if err1 != nil || err2 != nil || !end.After(start) {
			t.Fatalf("%s: range %q to %q", what(r), p.Start, p.End)
		}
		out = append(out, p.AuditLogs...)
		if p.NextCursor == "" {
			return out
		}
		if p.NextCursor == cursor || pages > 10_000 {
			t.Fatalf("%s: next_cursor does not move", what(r))
		}
		cursor = p.NextCursor
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// L1: every change writes exactly one audit entry, with the right action,
// actor, target and interface; refused or empty changes write none.
func TestEveryMutationWritesOneAuditEntry(t *testing.T) {
	base := apitest.New(t)
	e := base // each step's subtest points e at itself
	ctx := context.Background()
	pw := apitest.Password
	var (
		alice, bob        apiUser
		aliceSession      apitest.Session
		aliceKey, bobKey  apitest.Key
		bobSession        apitest.Session
		bobKeyID          string
		bobToken, carolID string
	)
	type step struct {
		name   string
		action string // "" when nothing may be written
		actor  func() string
		target func() string
		via    string
		do     func(t *testing.T)
	}
	id := func(u *apiUser) func() string { return func() string { return u.ID } }
	none := func() string { return "" }
	var dave apiUser
	steps := []step{
		{"sign up", "user:signup", id(&alice), id(&alice), "api", func(t *testing.T) {
			r := e.Must(201, "POST", "/api/v1/signup", map[string]string{"username": "alice", "email": "alice@example.com", "password": pw}, apitest.Anonymous)
			alice = decodeUser(t, r)
		}},
		{"sign in", "user:login", id(&alice), id(&alice), "api", func(t *testing.T) {
			aliceSession = sessionOf(e.Must(200, "POST", "/api/v1/login", map[string]string{"login": "alice", "password": pw}, apitest.Anonymous))
		}},
		{"create API key", "user:create_api_key", id(&alice), id(&alice), "api", func(t *testing.T) {
			aliceKey = apitest.Key(e.Must(201, "POST", "/api/v1/users/me/api-keys", map[string]string{"name": "ci"}, aliceSession).Map(t)["key"].(string))
		}},
		{"failed sign-in, wrong password", "user:login_failed", none, id(&alice), "api", func(t *testing.T) {
			wantProblem(t, login(e, "alice", "wrong password"), 401, "bad_credentials")
		}},
		{"failed sign-in, unknown user", "user:login_failed", none, none, "api", func(t *testing.T) {
			wantProblem(t, login(e, "nobody@example.com", pw), 401, "bad_credentials")
		}},
		{"sign-up when closed", "", nil, nil, "", func(t *testing.T) {
			wantProblem(t, e.Do("POST", "/api/v1/signup", map[string]string{"username": "zed", "email": "zed@example.com", "password": pw}, apitest.Anonymous), 403, "signup_closed")
		}},
		{"invite", "user:create", id(&alice), id(&bob), "api", func(t *testing.T) {
			bob = decodeUser(t, e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "bob@example.com"}, aliceKey))
			bobToken = inviteToken(t, bob.InviteURL)
		}},
		{"invite a taken email", "", nil, nil, "", func(t *testing.T) {
			wantProblem(t, e.Do("POST", "/api/v1/users", map[string]string{"email": "BOB@example.com"}, aliceKey), 409, "email_taken")
		}},
		{"resend invite", "user:resend_invite", id(&alice), id(&bob), "api", func(t *testing.T) {
			bobToken = inviteToken(t, decodeUser(t, e.Must(200, "POST", "/api/v1/users/bob@example.com/invite/resend", nil, aliceKey)).InviteURL)
		}},
		{"accept invite", "user:accept_invite", id(&bob), id(&bob), "api", func(t *testing.T) {
			wantStatus(t, accept(e, bobToken, "bob", ""), 200)
		}},
		{"accept a used invite", "", nil, nil, "", func(t *testing.T) {
			wantProblem(t, accept(e, bobToken, "bob2", ""), 404, "invite_invalid")
		}},
		{"bob signs in", "user:login", id(&bob), id(&bob), "api", func(t *testing.T) {
			bobSession = sessionOf(e.Must(200, "POST", "/api/v1/login", map[string]string{"login": "bob@example.com", "password": pw}, apitest.Anonymous))
		}},
		{"bob creates a key", "user:create_api_key", id(&bob), id(&bob), "api", func(t *testing.T) {
			m := e.Must(201, "POST", "/api/v1/users/me/api-keys", map[string]string{"name": "laptop"}, bobSession).Map(t)
			bobKey, bobKeyID = apitest.Key(m["key"].(string)), m["id"].(string)
		}},
		{"bob creates another key", "user:create_api_key", id(&bob), id(&bob), "api", func(t *testing.T) {
			e.Must(201, "POST", "/api/v1/users/me/api-keys", map[string]string{"name": "spare"}, bobKey)
		}},
		{"bob deletes a key", "user:delete_api_key", id(&bob), id(&bob), "api", func(t *testing.T) {
			e.Must(204, "DELETE", "/api/v1/users/me/api-keys/"+bobKeyID, nil, bobSession)
		}},
		{"bob deletes it again", "", nil, nil, "", func(t *testing.T) {
			wantProblem(t, e.Do("DELETE", "/api/v1/users/me/api-keys/"+bobKeyID, nil, bobSession), 404, "")
		}},
		{"bob renames himself", "user:update", id(&bob), id(&bob), "api", func(t *testing.T) {
			e.Must(200, "PATCH", "/api/v1/users/me", map[string]string{"name": "Bob B"}, bobSession)
		}},
		{"bob changes his password", "user:change_password", id(&bob), id(&bob), "api", func(t *testing.T) {
			e.Must(204, "POST", "/api/v1/users/me/password", map[string]string{"current_password": pw, "new_password": "another long password"}, bobSession)
		}},
		{"bob gives a wrong current password", "", nil, nil, "", func(t *testing.T) {
			r := e.Do("POST", "/api/v1/users/me/password", map[string]string{"current_password": "nope nope", "new_password": "yet another password"}, bobSession)
			if r.StatusCode/100 != 4 {
				t.Errorf("%s: status %d", what(r), r.StatusCode)
			}
		}},
		{"bob, a member, tries to invite", "", nil, nil, "", func(t *testing.T) {
			wantProblem(t, e.Do("POST", "/api/v1/users", map[string]string{"email": "x@example.com"}, bobSession), 403, "not_admin")
		}},
		{"change role", "organization:update_member", id(&alice), id(&bob), "api", func(t *testing.T) {
			e.Must(200, "PATCH", "/api/v1/users/bob", map[string]string{"role": "viewer"}, aliceKey)
		}},
		{"change to the same role", "", nil, nil, "", func(t *testing.T) {
			e.Must(200, "PATCH", "/api/v1/users/bob", map[string]string{"role": "viewer"}, aliceKey)
		}},
		{"demote the last admin", "", nil, nil, "", func(t *testing.T) {
			wantProblem(t, e.Do("PATCH", "/api/v1/users/me", map[string]string{"role": "member"}, aliceKey), 409, "last_admin")
		}},
		{"deactivate", "user:deactivate", id(&alice), id(&bob), "api", func(t *testing.T) {
			e.Must(200, "POST", "/api/v1/users/"+bob.ID+"/deactivate", nil, aliceSession)
		}},
		{"deactivate again", "", nil, nil, "", func(t *testing.T) {
			e.Must(200, "POST", "/api/v1/users/"+bob.ID+"/deactivate", nil, aliceSession)
		}},
		{"deactivated bob signs in", "user:login_failed", none, id(&bob), "api", func(t *testing.T) {
			wantProblem(t, login(e, "bob", "another long password"), 401, "deactivated")
		}},
		{"reactivate", "user:reactivate", id(&alice), id(&bob), "api", func(t *testing.T) {
			e.Must(200, "POST", "/api/v1/users/"+bob.ID+"/reactivate", nil, aliceKey)
		}},
		{"reactivate again", "", nil, nil, "", func(t *testing.T) {
			e.Must(200, "POST", "/api/v1/users/"+bob.ID+"/reactivate", nil, aliceKey)
		}},
		{"invite carol", "user:create", id(&alice), func() string { return carolID }, "api", func(t *testing.T) {
			carolID, _ = e.MustInvite(aliceKey, "carol@example.com", "viewer")
		}},
		{"revoke carol's invite", "user:revoke_invite", id(&alice), func() string { return carolID }, "api", func(t *testing.T) {
			e.Must(204, "DELETE", "/api/v1/users/"+carolID+"/invite", nil, aliceKey)
		}},
		{"remove bob", "user:permanently_delete", id(&alice), id(&bob), "api", func(t *testing.T) {
			e.Must(204, "DELETE", "/api/v1/users/bob", nil, aliceKey)
		}},
		{"remove bob again", "", nil, nil, "", func(t *testing.T) {
			wantProblem(t, e.Do("DELETE", "/api/v1/users/"+bob.ID, nil, aliceKey), 404, "")
		}},
		{"command line creates an admin", "user:create", none, id(&dave), "cli", func(t *testing.T) {
			u, err := e.App.CreateAdmin(ctx, cli, "dave", "dave@example.com", pw)
			if err != nil {
				t.Fatal(err)
			}
			dave = apiUser{ID: u.ID}
		}},
		{"command line resets a password", "user:reset_password", none, id(&dave), "cli", func(t *testing.T) {
			if _, err := e.App.ResetPassword(ctx, cli, "dave", "a brand new password"); err != nil {
				t.Fatal(err)
			}
		}},
		{"command line creates a key", "user:create_api_key", none, id(&dave), "cli", func(t *testing.T) {
			if _, err := e.App.CreateAPIKeyFor(ctx, cli, "dave", "automation"); err != nil {
				t.Fatal(err)
			}
		}},
		{"command line demotes the last-but-one admin", "organization:update_member", none, id(&dave), "cli", func(t *testing.T) {
			if _, err := e.App.ChangeRole(ctx, cli, "dave", roster.OrgMember); err != nil {
				t.Fatal(err)
			}
		}},
		{"command line tries to remove the last admin", "", nil, nil, "", func(t *testing.T) {
			if err := e.App.RemoveUser(ctx, cli, "alice"); roster.ErrorReason(err) != "last_admin" {
				t.Errorf("err = %v, want last_admin", err)
			}
		}},
		{"sign out", "user:logout", id(&alice), id(&alice), "api", func(t *testing.T) {
			e.Must(204, "POST", "/api/v1/logout", nil, aliceSession)
		}},
	}

	var want []step
	for _, s := range steps {
		ok := t.Run(s.name, func(t *testing.T) {
			e = within(base, t)
			defer func() { e = base }()
			n := 1
			if s.action == "" {
				n = 0
			}
			auditDelta(t, e, s.action, n, func() { s.do(t) })
		})
		if !ok {
			t.Fatalf("step %q failed; later steps depend on it", s.name)
		}
		if s.action != "" {
			want = append(want, s)
		}
	}

	// The log holds exactly those entries, in order, with actor, target
	// and interface.
	got, _ := auditStream(t, e, aliceKey, auditWindow(e))
	if len(got) != len(want) {
		t.Fatalf("audit log has %d entries, want %d", len(got), len(want))
	}
	for i, s := range want {
		g := got[i]
		if g.Action != s.action || g.ActorUserID != s.actor() || g.UserAsset != s.target() || g.Interface != s.via {
			t.Errorf("entry %d (%s): %+v; want action %s actor %q target %q via %s",
				i, s.name, g, s.action, s.actor(), s.target(), s.via)
		}
		if _, err := time.Parse(time.RFC3339, g.Timestamp); err != nil {
			t.Errorf("entry %d: timestamp %q is not RFC 3339", i, g.Timestamp)
		}
		if g.Interface == "api" && g.ActorIP == "" {
			t.Errorf("entry %d (%s) has no actor_ip", i, s.name)
		}
	}
	if n := e.AuditCount(""); n != len(want) {
		t.Errorf("AuditCount = %d, want %d", n, len(want))
	}
}

// I2: without limit and endDate the log is an NDJSON stream; with either
// it is a page, and following next_cursor reads every entry exactly once
// in the stream's order, for any page size.
func TestAuditLogStreamAndPages(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	for i := range 6 {
		e.MustUser(admin.Key, "user"+itoa(i), "member")
	}
	// The audit log is read by admins without writing to it.
	all, _ := auditStream(t, e, admin.Key, auditWindow(e))
	if n := e.AuditCount(""); len(all) != n || n < 20 {
		t.Fatalf("stream has %d entries, AuditCount %d", len(all), n)
	}
	defaultRange, _ := auditStream(t, e, admin.Key, url.Values{})
	today := time.Now().UTC().Format("2006-01-02")
	for _, l := range defaultRange {
		if !strings.HasPrefix(l.Timestamp, today) {
			t.Errorf("default range holds an entry of %s, not today %s", l.Timestamp, today)
		}
	}
	for _, limit := range []int{1, 2, 3, 7, len(all) - 1, len(all), len(all) + 1, 1000} {
		t.Run("limit "+itoa(limit), func(t *testing.T) {
			pages := auditPages(t, e, admin.Key, auditWindow(e), limit)
			if !equalLines(pages, all) {
				t.Errorf("pages of %d hold %d entries, stream %d, or a different order", limit, len(pages), len(all))
			}
		})
	}
	// endDate alone asks for a page too; startDate is then the first day.
	q := url.Values{"startDate": {e.Clock.Now().AddDate(0, 0, -2).Format("2006-01-02")},
		"endDate": {e.Clock.Now().AddDate(0, 0, 2).Format("2006-01-02")}}
	r := e.Must(200, "GET", "/admin/audit_logs?"+q.Encode(), nil, admin.Key)
	var p struct {
		AuditLogs []auditLine `json:"audit_logs"`
		Count     int         `json:"count"`
	}
	r.JSON(t, &p)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || p.Count != len(all) {
		t.Errorf("endDate page: %s, count %d, want %d", r.Header.Get("Content-Type"), p.Count, len(all))
	}
	// A range with nothing in it is an empty stream and an empty page.
	empty := url.Values{"startDate": {"2001-01-01"}, "numDays": {"3"}}
	if got, _ := auditStream(t, e, admin.Key, empty); len(got) != 0 {
		t.Errorf("2001 stream: %d entries", len(got))
	}
	if got := auditPages(t, e, admin.Key, empty, 10); len(got) != 0 {
		t.Errorf("2001 pages: %d entries", len(got))
	}
}

// I2, D1: several servers share one database, and their clocks differ, so
// entry times do not always rise with insertion order. Paging must still
// read every entry exactly once.
func TestAuditPagesSurviveClockSkew(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	for i := range 4 {
		e.MustUser(admin.Key, "early"+itoa(i), "member")
		e.Clock.Advance(-10 * time.Minute) // a server whose clock is behind
		e.MustUser(admin.Key, "late"+itoa(i), "viewer")
		e.Clock.Advance(10*time.Minute + time.Second)
	}
	all, _ := auditStream(t, e, admin.Key, auditWindow(e))
	if n := e.AuditCount(""); len(all) != n {
		t.Fatalf("stream has %d entries, AuditCount %d", len(all), n)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Timestamp < all[i-1].Timestamp {
			t.Errorf("stream out of time order at %d: %s after %s", i, all[i].Timestamp, all[i-1].Timestamp)
		}
	}
	for _, limit := range []int{1, 2, 5} {
		pages := auditPages(t, e, admin.Key, auditWindow(e), limit)
		if !equalLines(pages, all) {
			t.Errorf("pages of %d: %d entries, want the stream's %d in its order", limit, len(pages), len(all))
		}
	}
}

// L3: anonymize=true drops personal data: emails, addresses, and the
// sign-in names a failed sign-in recorded.
func TestAuditAnonymized(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	wantProblem(t, login(e, "bob@example.com", "wrong password"), 401, "")
	wantProblem(t, login(e, "carol.secret@example.com", "wrong password"), 401, "")
	e.Must(200, "POST", "/api/v1/users/bob/deactivate", nil, admin.Key)

	plain, _ := auditStream(t, e, admin.Key, auditWindow(e))
	hasEmail := false
	for _, l := range plain {
		hasEmail = hasEmail || l.UserEmail != "" || l.ActorEmail != ""
	}
	if !hasEmail {
		t.Fatalf("the plain log names no email; the test proves nothing")
	}

	q := auditWindow(e)
	q.Set("anonymize", "true")
	anon, body := auditStream(t, e, admin.Key, q)
	qp := auditWindow(e)
	qp.Set("anonymize", "1")
	paged := auditPages(t, e, admin.Key, qp, 4)
	if len(anon) != len(plain) || len(paged) != len(plain) {
		t.Fatalf("anonymized: %d streamed, %d paged; want %d", len(anon), len(paged), len(plain))
	}
	for i, l := range append(anon, paged...) {
		if l.ActorEmail != "" || l.UserEmail != "" || l.ActorIP != "" {
			t.Errorf("anonymized entry %d keeps personal data: %+v", i, l)
		}
		if strings.Contains(l.Details, "@") || strings.Contains(l.Details, "127.0.0.1") {
			t.Errorf("anonymized entry %d keeps personal data in details: %q", i, l.Details)
		}
		if p := plain[i%len(plain)]; l.Action != p.Action || l.Timestamp != p.Timestamp || l.UserAsset != p.UserAsset {
			t.Errorf("anonymized entry %d differs beyond personal data: %+v vs %+v", i, l, p)
		}
	}
	for _, secret := range []string{"@example.com", "127.0.0.1", "carol.secret", bob.Email} {
		if bytes.Contains(body, []byte(secret)) {
			t.Errorf("anonymized stream contains %q", secret)
		}
	}
}

func equalLines(a, b []auditLine) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
