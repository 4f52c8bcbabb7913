package web_test

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"roster/internal/apitest"
)

// TestBrowserTeam creates a team from the left navigation and lands on its
// page, then uses its Members tab: invite a member, change their team role,
// remove them.
func TestBrowserTeam(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "bob", "member")
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users")

	b.click("#create-team")
	b.fill("#team-name", "vision team")
	b.click("#create-team-submit")
	b.waitText("#team-form", "team name must be 1 to 64 characters")
	b.fill("#team-name", "vision")
	b.click(`input[name=storage][value=bucket]`)
	b.fill("#team-bucket", "Not_A_Bucket")
	b.click("#create-team-submit")
	b.waitText("#team-form .field-error", "not a valid aws bucket name")
	b.click(`input[name=storage][value=default]`)
	b.click("#create-team-submit")
	b.waitPath("/teams/vision")
	b.waitText("#team-title", "vision")
	b.waitText("#projects", "No projects yet")

	b.click("#team-settings-tab")
	b.waitPath("/teams/vision/settings/members")
	b.waitText("#few-admins-warning", "Only one admin")
	b.fill("#member-who", "nobody")
	b.click("#member-invite")
	b.waitText("#member-form .field-error", `no user "nobody"`)
	b.fill("#member-who", "bob")
	b.click("#member-invite")
	row := `tr[data-member="bob"]`
	b.waitText(row, "bob@example.com")
	b.waitText("#members-section .notice", "bob joined the team as Member")

	b.pick(row+" select.member-role", "Admin")
	b.click(row + ` [data-action="apply-role"]`)
	b.waitText("#members-section .notice", "bob is now Admin in this team")
	b.waitGone("#few-admins-warning")
	b.pick(row+" select.member-role", "Read-only")
	b.click(row + ` [data-action="apply-role"]`)
	b.waitText("#members-section .notice", "bob is now Read-only in this team")
	b.waitText("#few-admins-warning", "Only one admin")

	b.fill("#member-search", "ad")
	b.waitGone(row)
	b.fill("#member-search", "")
	b.waitText(row, "bob")

	b.click(row + ` button[data-action="remove-member"]`)
	b.confirm("Remove bob from the team?")
	b.waitGone(row)
	b.waitText("#members-section .notice", "Member removed")

	// The last admin cannot leave.
	b.click(`tr[data-member="ada"] button[data-action="remove-member"]`)
	b.confirm("Remove ada from the team?")
	b.waitText(`tr[data-member="ada"] .field-error`, "cannot remove the last admin")
}

// TestBrowserCustomRole creates a custom role with extra permissions and
// gives it to a team member.
func TestBrowserCustomRole(t *testing.T) {
	env := apitest.New(t)
	visionTeam(t, env)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)

	b.visit("/org/roles")
	b.fill("#role-name", "member")
	b.click("#create-role-submit")
	b.waitText("#role-form .field-error", "built-in role name")
	b.fill("#role-name", "editor")
	b.fill("#role-description", "edits any project")
	b.click(`input[name=perms][value="project:update"]`)
	b.click(`input[name=perms][value="run:update"]`)
	b.click("#create-role-submit")
	b.waitText("#roles-section .notice", "Custom role editor created")
	b.waitText("#role-list", "editor")
	b.waitText("#role-list", "project:update")
	b.waitText("#role-list", "run:update")

	b.visit("/teams/vision/settings/members")
	row := `tr[data-member="bob"]`
	b.pick(row+" select.member-role", "editor")
	b.click(row + ` [data-action="apply-role"]`)
	b.waitText("#members-section .notice", "bob is now Editor in this team")
	b.visit("/teams/vision/settings/members")
	if got := b.value(row + " select.member-role"); got != "editor" {
		t.Fatalf("bob's role after reload: %q", got)
	}
}

// TestBrowserTeamSettings uploads an avatar, sets privacy and alerts, and
// creates a team service account, each answered in place, with errors
// beside the field that caused them.
func TestBrowserTeamSettings(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]any{"type": "bucket", "provider": "aws", "bucket": "vision-runs", "region": "eu-west-1"}}, ada.Key)
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "notes.png"), filepath.Join(dir, "logo.png")
	os.WriteFile(bad, []byte("not an image"), 0o644)
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	var buf bytes.Buffer
	png.Encode(&buf, img)
	os.WriteFile(good, buf.Bytes(), 0o644)

	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/teams/vision/settings/general")
	b.waitText("#storage-card", "vision-runs")
	b.waitText("#storage-card", "eu-west-1")
	b.do("choose a file that is no image", chromedp.SetUploadFiles(chromedp.CSS("#avatar-file"), []string{bad}))
	b.click("#avatar-form button[type=submit]")
	b.waitText("#avatar-form .field-error", "must be a PNG, JPEG, GIF or WebP image")
	b.do("choose an image", chromedp.SetUploadFiles(chromedp.CSS("#avatar-file"), []string{good}))
	b.click("#avatar-form button[type=submit]")
	b.waitText("#avatar-form .notice", "Avatar uploaded")
	b.waitJSOrFail(`document.querySelector("#avatar-form img") !== null && document.querySelector("#avatar-form img").naturalWidth === 8`)

	b.visit("/teams/vision/settings/privacy")
	b.click("#sw-members_can_invite")
	b.click("#privacy-form button[type=submit]")
	b.waitText("#privacy-form .notice", "Privacy settings saved")
	b.visit("/teams/vision/settings/privacy")
	b.waitJSOrFail(`document.querySelector("#sw-members_can_invite").checked`)

	b.visit("/teams/vision/settings/alerts")
	b.fill("#al-webhook", "http://hooks.example.com/x")
	b.click("#alerts-form button[type=submit]")
	b.waitText("#alerts-form .field-error", "must be an https:// URL")
	b.fill("#al-webhook", "https://hooks.example.com/x")
	b.click("#al-crash")
	b.click("#alerts-form button[type=submit]")
	b.waitText("#alerts-form .notice", "Alert settings saved")
	b.visit("/teams/vision/settings/alerts")
	b.waitText("#alert-deliveries", "No alerts sent yet")
	b.waitText("#no-mail-sink", "email alerts are not sent")

	b.visit("/teams/vision/settings/service-accounts")
	b.fill("#team-sa-name", "ci-bot")
	b.click("#team-sa-form button[type=submit]")
	b.waitText("#team-sa-section .notice", "Copy its API key now")
	if key := b.value("#team-sa-section .copy-value"); !strings.HasPrefix(key, "roster-") {
		t.Fatalf("service account key %q", key)
	}
	b.waitText("#team-sa-table", "ci-bot")
	b.visit("/teams/vision/settings/service-accounts")
	b.waitGone("#team-sa-section .copy-value")
}
