package web_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/license"
)

// Browser tests for the parts of #15 that had only form-level tests, or
// none: each walks the page as a person would.

// #15 item 11: a member sees no organization navigation: not on the home
// page, not on the 403 page of an organization page, and not on "Create
// new team", which says it is for admins before anything is typed; where
// members may create teams the form shows without the organization menu.
func TestBrowserMembersSeeNoOrganizationNavigation(t *testing.T) {
	env := apitest.New(t)
	visionTeam(t, env)
	b := newTab(t, newBrowser(t), env)
	b.signIn("bob", password)
	noOrgNav := `document.querySelector(".side-nav") === null && document.querySelector('a[href="/org/users"]') === null`
	b.waitJSOrFail(noOrgNav)
	for _, path := range []string{"/org/users", "/org/teams", "/org/teams/new", "/org/settings", "/org/users/bob"} {
		b.visit(path)
		b.waitText("main h1", "403")
		b.waitJSOrFail(noOrgNav + ` && !!document.querySelector("#avatar-menu")`)
	}
	b.visit("/org/teams/new")
	b.waitText("main", "only organization admins may create teams here")

	open := apitest.NewWith(t, apitest.Options{Config: app.Config{AllowUserTeamCreation: true}})
	visionTeam(t, open)
	m := newTab(t, newBrowser(t), open)
	m.signIn("bob", password)
	m.visit("/org/teams/new")
	m.waitText("main h1", "Create new team")
	m.waitJSOrFail(noOrgNav)
	m.fill("#team-name", "bobs-team")
	m.click(`#team-form button[type="submit"]`)
	m.waitPath("/teams/bobs-team")
}

// #15 item 10: sign-up and invite acceptance show every wrong field at
// once, each beside its field and marked invalid, in the browser.
func TestBrowserSignUpAndInviteShowEveryError(t *testing.T) {
	env := apitest.New(t)
	b := newTab(t, newBrowser(t), env)
	b.visit("/sign-up")
	b.fill("#username", "bad name!")
	b.fill("#email", "nope")
	b.fill("#password", "x")
	b.click(`#signup-form button[type="submit"]`)
	for _, f := range []string{"username", "email", "password"} {
		b.waitJSOrFail(fmt.Sprintf(`(e => !!e && e.getAttribute("aria-invalid") === "true" && !!e.closest(".field").querySelector(".field-error"))(document.getElementById(%s))`, js(f)))
	}
	ada := env.MustSignup("ada")
	_, token := env.MustInvite(ada.Key, "carol@example.com", "member")
	c := b.otherProfile()
	c.visit("/invite/" + token)
	c.fill("#username", "ada")
	c.fill("#password", "x")
	c.click(`#invite-form button[type="submit"]`)
	c.waitText("#invite-form", "username ada is already taken")
	c.waitText("#invite-form", "password must be between")
	if n := c.number(`document.querySelectorAll("#invite-form .field-error").length`); n != 2 {
		t.Errorf("%d field errors on the invite form, want 2", n)
	}
}

// #15 item 11: an option the license lacks is offered disabled, with the
// reason in words, and a taken service-account name is refused beside the
// name field, in the browser.
func TestBrowserUnlicensedOptionAndTakenName(t *testing.T) {
	env := licensedEnv(t, 50, license.SSO, license.ServiceAccounts)
	ada := env.MustSignup("ada")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/teams/ml/settings/members")
	b.waitJSOrFail(`document.querySelector('#member-role option[value="viewer"]').disabled`)
	b.waitText(".license-note", "does not include the Read-only team role")
	b.visit("/teams/ml/settings/service-accounts")
	for range 2 {
		b.fill("#team-sa-name", "nightly")
		b.click(`#team-sa-form button[type="submit"]`)
		b.settled()
	}
	b.waitText("#team-sa-section .field-error", "already has a service account named nightly")
	b.waitJSOrFail(`document.getElementById("team-sa-name").getAttribute("aria-invalid") === "true"`)
	if n := b.number(`document.querySelectorAll("#team-sa-table tbody tr").length`); n != 1 {
		t.Errorf("%d service accounts listed after the refusal, want 1", n)
	}
}

// #15 item 7: the teams list pages in the browser (Next, First) and a
// pending invite is resent from its menu after a confirmation.
func TestBrowserTeamsPagingAndResendInvite(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	for i := range 55 {
		env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": fmt.Sprintf("team-%02d", i), "storage": map[string]string{"type": "default"}}, ada.Key)
	}
	_, oldToken := env.MustInvite(ada.Key, "dave@example.com", "member")
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/teams")
	b.waitText("#teams-total", "55 teams")
	b.click("#teams-next")
	b.waitJSOrFail(`!!document.querySelector('[data-team="team-54"]') && !document.querySelector('[data-team="team-00"]') && location.search.includes("after=team-49")`)
	b.click("#teams-first")
	b.waitJSOrFail(`!!document.querySelector('[data-team="team-00"]') && !document.querySelector('[data-team="team-54"]')`)

	b.visit("/org/users?status=invited")
	row := `tr[data-user="dave@example.com"]`
	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="resend"]`)
	b.confirm("Send dave@example.com a new invite?")
	b.waitText("#flash", "New invite (the old link no longer works) for dave@example.com")
	if r := env.Do("POST", "/api/v1/invites/accept", map[string]string{"token": oldToken, "username": "dave", "password": password}, apitest.Anonymous); r.StatusCode < http.StatusBadRequest {
		t.Fatalf("the old link works after the resend: %d", r.StatusCode)
	}
	if n := env.AuditCount("user:resend_invite"); n != 1 {
		t.Errorf("%d user:resend_invite entries", n)
	}
}

// #15 item 7: a pending invite's row says how far its email got, with the
// mail server's refusal, in the browser and on a phone.
func TestBrowserInviteDeliveryStatus(t *testing.T) {
	env := refusingMailEnv(t)
	ada := env.MustSignup("ada")
	env.Must(201, "POST", "/api/v1/users", map[string]string{"email": "bob@example.com", "role": "member"}, ada.Key)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	row := `tr[data-user="bob@example.com"]`
	b.phone()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.visit("/org/users?status=invited")
		if b.number(fmt.Sprintf(`document.querySelector(%s).innerText.includes("Invite email failed, retrying") ? 1 : 0`, js(row))) == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.waitText(row+" .delivery", "Invite email failed, retrying")
	b.waitText(row+" .delivery-error", "550")
	b.waitText(row+" .invite-expiry", "Link expires in 7 days")
	b.noPageOverflow("pending invites at 390 px")
}
