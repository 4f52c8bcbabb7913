package web_test

import (
	"io"
	"regexp"
	"testing"
)

var daveRowRE = regexp.MustCompile(`(?s)<tr id="user-[^"]+" data-user="dave@example.com".*?</tr>`)

// H2: without a mail sink, a team admin's invite of a new address has no
// link; the dashboard shows it waiting for an admin until a resend.
func TestDashboardShowsInviteAwaitingAdmin(t *testing.T) {
	f := newFixture(t)
	lead := f.env.MustUser(f.ada.Key, "lead", "member")
	f.env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "lead", "role": "admin"}, f.ada.Key)
	f.env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"email": "dave@example.com"}, lead.Key)
	row := func() string {
		t.Helper()
		resp := f.request(t, "GET", "/org/users?query=dave", nil, nil)
		body, _ := io.ReadAll(resp.Body)
		return daveRowRE.FindString(string(body))
	}
	if r := row(); !regexp.MustCompile(`Invite awaiting an admin`).MatchString(r) || !regexp.MustCompile(`Resend invite`).MatchString(r) {
		t.Fatalf("dave's row does not show the invite awaiting an admin with a resend:\n%s", r)
	}
	f.env.Must(200, "POST", "/api/v1/users/dave@example.com/invite/resend", nil, f.ada.Key)
	if r := row(); !regexp.MustCompile(`Invite pending`).MatchString(r) {
		t.Fatalf("dave's row after the admin's resend:\n%s", r)
	}
}
