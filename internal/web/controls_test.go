package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/license"
)

// TestBrowserArchiveAndRestoreTeam (T11): an admin archives a team from the
// Teams page after a confirmation, its member loses it, and the admin
// restores it from the archived list. A member posting the same forms is
// refused and changes nothing.
func TestBrowserArchiveAndRestoreTeam(t *testing.T) {
	env := apitest.New(t)
	_, bob := visionTeam(t, env)

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

// TestBrowserEditCustomRole (R3): the custom roles page says how many hold
// each role, edits one in place with its holders named before saving, and
// refuses a taken name beside the field; a member posting the edit form is
// refused and changes nothing.
func TestBrowserEditCustomRole(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "bob", "member")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "editor", "base": "member", "permissions": []string{"project:update"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "auditor", "base": "viewer"}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob", "role": "editor"}, ada.Key)

	bobWeb := env.MustWebSignIn("bob", password)
	if r := bobWeb.Post("/org/roles/editor/edit", url.Values{"name": {"editor"}, "base": {"member"}, "perms": {"run:delete"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("bob editing a role: %d", r.StatusCode)
	}

	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/roles")
	b.waitText("#role-list", "1 holder")
	b.waitText("#role-list", "0 holders")
	b.click(`a[aria-label="Edit editor"]`)
	b.waitText("#role-form-title", "Edit the custom role editor")
	b.waitText("#role-holders-note", "1 member holds this role")
	b.waitJSOrFail(`document.querySelector('#role-form input[value="project:update"]').checked`)
	b.fill("#role-name", "auditor")
	b.click("#save-role-submit")
	b.waitText("#role-form .field-error", "already exists")
	b.fill("#role-name", "editor")
	b.click(`#role-form input[value="run:update"]`)
	b.click("#save-role-submit")
	b.waitText("#roles-section .notice", "Custom role editor saved")
	b.waitText("#role-list", "run:update")
	b.waitText("#role-form-title", "Create a custom role")
	role := string(env.Must(200, "GET", "/api/v1/roles/editor", nil, ada.Key).Body)
	if !strings.Contains(role, "run:update") || strings.Contains(role, "run:delete") {
		t.Fatalf("editor after the edit: %s", role)
	}
	b.screenshot("custom-roles-edit")
}

// TestBrowserPendingInvites (O8): "Pending invites" lists the invited
// users with when each link expires; an invite is revoked from its menu
// after a confirmation. A member posting the revoke is refused.
func TestBrowserPendingInvites(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "bob", "member")
	daveID, _ := env.MustInvite(ada.Key, "dave@example.com", "member")
	env.Clock.Advance(2 * 24 * time.Hour)
	env.MustInvite(ada.Key, "erin@example.com", "viewer")

	bobWeb := env.MustWebSignIn("bob", password)
	if r := bobWeb.Post("/org/users/"+daveID+"/revoke-invite", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("bob revoking an invite: %d", r.StatusCode)
	}

	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users")
	b.click("#nav-invites")
	b.waitGone(`tr[data-user="bob"]`)
	b.waitText(`tr[data-user="dave@example.com"] .invite-expiry`, "Link expires in 5 days")
	b.waitText(`tr[data-user="erin@example.com"] .invite-expiry`, "Link expires in 7 days")
	b.waitJSOrFail(`document.querySelector("#nav-invites").getAttribute("aria-current") === "page"`)

	env.Clock.Advance(6 * 24 * time.Hour)
	b.visit("/org/users?status=invited")
	b.waitText(`tr[data-user="dave@example.com"] .invite-expiry`, "Link expired")
	row := `tr[data-user="erin@example.com"]`
	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="revoke-invite"]`)
	b.confirm("Revoke the invite for erin@example.com?")
	b.waitGone(row)
	b.waitText("#flash", "The invite for erin@example.com was revoked")
	if r := env.Do("GET", "/api/v1/users/erin@example.com", nil, ada.Key); r.StatusCode != http.StatusNotFound {
		t.Fatalf("erin after the revoke: %d", r.StatusCode)
	}
	if n := env.AuditCount("user:revoke_invite"); n != 1 {
		t.Fatalf("%d user:revoke_invite entries", n)
	}
	b.screenshot("pending-invites")
}

// TestBrowserSmallerFixes (#15 items 10 and 11): an out-of-range number of
// days in the audit filter says so instead of leaving stale results; the
// 403 page keeps a signed-in person's menu; the page has a favicon; a flash
// message floats over the page and can be dismissed; the Add user form
// opened as a page closes with its Close button.
func TestBrowserSmallerFixes(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "bob", "member")
	env.MustUser(ada.Key, "carol", "member")
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)

	b.visit("/org/audit")
	b.waitText("#audit-table", "user:login")
	b.fill("#audit-days", "999")
	b.waitText("#audit-results", "give a number of days from 1 to 366")
	b.waitGone("#audit-table")

	b.waitJSOrFail(`(l => !!l && l.href.endsWith("/static/favicon.svg"))(document.querySelector("link[rel=icon]"))`)
	if r := env.Do("GET", "/static/favicon.svg", nil, nil); r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "svg") {
		t.Fatalf("favicon: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}

	b.visit("/org/users")
	row := `tr[data-user="bob"]`
	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="deactivate"]`)
	b.confirm("Deactivate bob?")
	b.waitText("#flash", "bob is deactivated")
	b.waitJSOrFail(`getComputedStyle(document.querySelector("#flash")).position === "fixed"`)
	b.click("#flash [data-dismiss]")
	b.waitGone("#flash .notice")

	b.visit("/org/users")
	b.visit("/org/users/new")
	b.waitText("#invite-form", "Add new user")
	b.click(`#invite-form [data-close-dialog]`)
	b.waitJSOrFail(`location.pathname === "/org/users" && location.search === ""`)

	other := b.otherProfile()
	other.signIn("carol", password)
	other.visit("/org/users")
	other.waitText("h1", "403")
	other.waitGone(".top-signin")
	other.waitText("#avatar-menu", "")
}

// TestBrowserSessionEndedInAnotherTab (#15 item 10): a change made in a
// page whose session was signed out in another tab is not lost without a
// word: the sign-in page says it was not saved and, after signing in,
// returns to the page.
func TestBrowserSessionEndedInAnotherTab(t *testing.T) {
	env := apitest.New(t)
	visionTeam(t, env)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/teams/vision/settings/members")

	// Another tab of the same browser signs out, as its Sign out form does.
	b.do("sign out elsewhere", chromedp.Evaluate[chromedp.Void](`fetch("/sign-out", {method: "POST",
		headers: {"Content-Type": "application/x-www-form-urlencoded"},
		body: "csrf=" + encodeURIComponent(document.querySelector("#sign-out").form.csrf.value)})`, chromedp.EvalAwaitPromise))

	row := `tr[data-member="bob"]`
	b.pick(row+" select.member-role", "Admin")
	b.click(row + ` [data-action="apply-role"]`)
	b.waitPath("/sign-in")
	b.waitText("#session-ended", "your last change was not saved")
	b.fill("#login", "ada")
	b.fill("#password", password)
	b.click("#signin-form button[type=submit]")
	b.waitPath("/teams/vision/settings/members")
	b.waitText(row, "bob")
}

// TestBrowserAddUserOffAfterLastSeat (#15 item 11, O15): when the Add user
// dialog takes the last seat, the page's Add user button turns off at
// once and says why.
func TestBrowserAddUserOffAfterLastSeat(t *testing.T) {
	env := licensedEnv(t, 2)
	env.MustSignup("ada")
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users")
	b.click("#add-user")
	b.fill("#invite-email", "bob@example.com")
	b.click("#invite-submit")
	b.waitText("#invite-form .notice", "Invite created for bob@example.com")
	b.waitJSOrFail(`document.querySelector("#add-user").disabled === true`)
	b.waitText("#add-user-reason", "No seat is left")
}

// TestBrowserChartAndSmallTargets (#15 item 12): the usage chart's values
// are a table a keyboard and a screen reader reach; on a phone the
// privacy switches and other checkboxes are at least 24 px.
func TestBrowserChartAndSmallTargets(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/projects", map[string]string{"name": "detector"}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/projects/detector/runs", map[string]string{"name": "run-1", "state": "finished"}, ada.Key)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/teams/vision/settings/usage")
	b.click("#runs-table summary")
	today := env.Clock.Now().UTC().Format("2006-01-02")
	b.waitText("#runs-table", today+"\t1")
	if n := b.number(`document.querySelectorAll("#runs-table tbody tr").length`); n != 30 {
		t.Fatalf("the runs table has %d days", n)
	}
	b.phone()
	b.visit("/teams/vision/settings/privacy")
	small := `[...document.querySelectorAll("input[type=checkbox], input[type=radio]")].filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24 }).length`
	if n := b.number(small); n != 0 {
		t.Fatalf("%d checkboxes smaller than 24 px on a phone", n)
	}
}

// TestBrowserProfileNameAndPassword (#15 item 7, U3, S1): the profile
// changes the display name, with the page head following, and the
// password, refusing a wrong current one and a short new one beside their
// fields; the change signs out the other sessions.
func TestBrowserProfileNameAndPassword(t *testing.T) {
	env := apitest.New(t)
	env.MustSignup("ada")
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	elsewhere := b.otherProfile()
	elsewhere.signIn("ada", password)

	b.visit("/profile")
	b.fill("#profile-name", "Ada Lovelace")
	b.click("#name-save")
	b.waitText("#name-form .notice", "Name saved")
	b.waitText("#profile-head h1", "Ada Lovelace")

	b.fill("#current-password", "not my password")
	b.fill("#new-password", "a brand new secret")
	b.click("#password-save")
	b.waitText("#password-form .field-error", "the current password is wrong")
	b.fill("#current-password", password)
	b.fill("#new-password", "short")
	b.click("#password-save")
	b.waitText("#password-form .field-error", "password must be between")
	b.fill("#current-password", password)
	b.fill("#new-password", "a brand new secret")
	b.click("#password-save")
	b.waitText("#password-form .notice", "Password changed")
	env.MustLogin("ada", "a brand new secret")

	elsewhere.visit("/profile")
	elsewhere.waitPath("/sign-in")
	b.visit("/profile")
	b.waitPath("/profile")
}

// licensedEnv starts a server under a license for seats with features.
func licensedEnv(t *testing.T, seats int, features ...license.Feature) *apitest.Env {
	t.Helper()
	pub, priv, err := license.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := license.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := license.Issue(license.License{Licensee: "Acme", Seats: seats, Features: features,
		Expires: time.Now().AddDate(1, 0, 0).Format(license.DateLayout), IssuedAt: time.Now()}, key)
	if err != nil {
		t.Fatal(err)
	}
	return apitest.NewWith(t, apitest.Options{Config: app.Config{License: doc, LicenseKey: pub}})
}

// TestUnlicensedFeatureRefusalNamesIt (#15 item 11, O14): a feature the
// license lacks is refused in words a person knows, beside the control.
func TestUnlicensedFeatureRefusalNamesIt(t *testing.T) {
	env := licensedEnv(t, 10, license.CustomRoles)
	_, bob := visionTeam(t, env)
	web := env.MustWebSignIn("ada", password)
	web.HTMX = true
	r := web.Post("/teams/vision/settings/members/"+bob.ID+"/role", url.Values{"role": {"viewer"}})
	body := string(r.Body)
	if r.StatusCode != http.StatusForbidden || !strings.Contains(body, "does not include the Read-only team role") {
		t.Fatalf("%d %s", r.StatusCode, body)
	}
}
