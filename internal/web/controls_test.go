package web_test

import (
	"net/http"
	"testing"

	"roster/internal/apitest"
)

// TestBrowserArchiveAndRestoreTeam (T11): an admin archives a team from the
// Teams page after a confirmation, its member loses it, and the admin
// restores it from the archived list. A member posting the same forms is
// refused and changes nothing.
func TestBrowserArchiveAndRestoreTeam(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	bob := env.MustUser(ada.Key, "bob", "member")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob"}, ada.Key)

	bobWeb := env.MustWebSignIn("bob", password)
	if r := bobWeb.Post("/org/teams/vision/archive", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("bob archiving: %d", r.StatusCode)
	}
	env.Must(200, "GET", "/api/v1/teams/vision", nil, bob.Key)

	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/teams")
	b.click(`tr[data-team="vision"] button[data-action="archive"]`)
	b.waitFocus("#confirm-cancel")
	b.confirm("Archive the team vision?")
	b.waitText("#teams-section .notice", "Team vision archived")
	b.waitText("#archived-teams", "vision")
	b.waitGone(`#teams-table tr[data-team="vision"]`)
	if r := env.Do("GET", "/api/v1/teams/vision", nil, bob.Key); r.StatusCode == http.StatusOK {
		t.Fatal("bob still reads the archived team")
	}
	if r := bobWeb.Post("/org/teams/vision/restore", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("bob restoring: %d", r.StatusCode)
	}
	b.screenshot("teams-archived")
	b.click(`#archived-teams tr[data-team="vision"] button[data-action="restore"]`)
	b.waitText("#teams-section .notice", "Team vision restored")
	b.waitText(`#teams-table tr[data-team="vision"]`, "vision")
	env.Must(200, "GET", "/api/v1/teams/vision", nil, bob.Key)
}
