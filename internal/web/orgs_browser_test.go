package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"roster"
	"roster/internal/apitest"
)

// TestBrowserOrganizations walks instance administration (#18) as people
// do: the instance admin opens Organizations from the avatar menu, creates
// corp-b with a first admin and copies the invite link; bella accepts it
// in her own browser and lands in corp-b. The instance admin renames
// corp-b to bravo and suspends it: bella's open session ends on a sign-in
// page that says why, and her sign-in is refused with the organization's
// message. Once resumed, she signs in with the organization field, and
// through a ?org= link. A scratch organization is deleted after its
// confirmation.
func TestBrowserOrganizations(t *testing.T) {
	env := apitest.New(t)
	env.MustSignup("root")
	b := newTab(t, newBrowser(t), env)
	b.signIn("root", password)
	b.click("#avatar-menu summary")
	b.click("#menu-organizations")
	b.waitPath("/instance/organizations")
	b.waitText(`tr[data-org="Roster"]`, "First")

	b.fill("#org-name", "corp-b")
	b.fill("#org-display-name", "Corp B")
	b.fill("#org-admin-email", "bella@example.com")
	b.click("#org-create-submit")
	b.waitText("#orgs-section .notice", "Organization corp-b created; its first admin is invited: bella@example.com")
	link := b.value("#orgs-section .copy-value")
	if !strings.Contains(link, "/invite/") {
		t.Fatalf("the invite link to copy is %q", link)
	}
	b.waitText(`tr[data-org="corp-b"]`, "Corp B")

	bella := b.otherProfile()
	bella.visit(link[strings.Index(link, "/invite/"):])
	bella.fill("#username", "bella")
	bella.fill("#password", password)
	bella.click("#invite-form button[type=submit]")
	bella.waitPath("/")
	bella.waitText("#top-org", "Corp B") // the display name, as invite mails give it

	row := `tr[data-org="corp-b"]`
	b.waitText(row+` td[data-label="Users"]`, "1")
	b.click(row + " .org-rename summary")
	b.fill(row+` input[name="name"]`, "bravo")
	b.fill(row+` input[name="display_name"]`, "Bravo Corp")
	b.click(row + ` button[data-action="rename"]`)
	b.waitText("#orgs-section .notice", "Organization renamed: bravo (Bravo Corp)")
	row = `tr[data-org="bravo"]`
	b.click(row + ` button[data-action="suspend"]`)
	b.confirm("Suspend the organization bravo?")
	b.waitText(row+` td[data-label="Status"]`, "Suspended")
	b.screenshot("instance-organizations-suspended")

	bella.visit("/profile")
	bella.waitPath("/sign-in")
	bella.waitText("#org-suspended", "Your organization is suspended, so you were signed out")
	bella.screenshot("sign-in-session-suspended")
	bella.fill("#org", "bravo")
	bella.fill("#login", "bella")
	bella.fill("#password", password)
	bella.click("#signin-form button[type=submit]")
	bella.waitText("#signin-form", "your organization is suspended; ask your instance admin to resume it")
	bella.screenshot("sign-in-organization-suspended")

	b.click(row + ` button[data-action="resume"]`)
	b.confirm("Resume the organization bravo?")
	b.waitText(row+` td[data-label="Status"]`, "Active")

	bella.fill("#password", password)
	bella.click("#signin-form button[type=submit]")
	bella.waitPath("/profile") // back to the page her ended session asked for
	bella.waitText("#top-org", "Bravo Corp")
	bella.click("#avatar-menu summary")
	bella.waitText("#menu-org", "Organization: Bravo Corp")
	bella.waitGone("#menu-organizations")

	// The same sign-in from a link that names the organization.
	again := b.otherProfile()
	again.visit("/sign-in?org=bravo")
	again.waitText("#org-chosen", "Organization: bravo")
	if visible := again.number(`document.getElementById("org").checkVisibility() ? 1 : 0`); visible != 0 {
		t.Errorf("the organization field shows although the link named it")
	}
	again.screenshot("sign-in-organization")
	again.fill("#login", "bella")
	again.fill("#password", password)
	again.click("#signin-form button[type=submit]")
	again.waitPath("/")
	again.waitText("#top-org", "Bravo Corp")

	b.fill("#org-name", "scratch")
	b.fill("#org-admin-email", "")
	b.click("#org-create-submit")
	b.waitText("#orgs-section .notice", "Organization scratch created. It has no members yet.")
	b.click(`tr[data-org="scratch"] button[data-action="delete"]`)
	b.confirm("Delete the organization scratch?")
	b.waitText("#orgs-section .notice", "Organization scratch deleted")
	b.waitGone(`tr[data-org="scratch"]`)
	if st := orgStatus(t, env, "bravo"); st != roster.OrgActive {
		t.Errorf("bravo is %q at the end", st)
	}

	for _, width := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 800}} {
		b.do("viewport "+width.name, chromedp.EmulateViewport(width.w, width.h, chromedp.EmulateScale(1)))
		b.visit("/instance/organizations")
		b.settled()
		b.screenshot("instance-organizations-" + width.name)
		again.do("viewport "+width.name, chromedp.EmulateViewport(width.w, width.h, chromedp.EmulateScale(1)))
	}
}

// TestBrowserAccessibilityOrganizations runs axe-core (WCAG 2.2 AA) on
// the Organizations page (with the rename panel and a confirmation open)
// and on the sign-in page with its organization field, folded by a link
// and after a suspended organization's refusal, at desktop and phone
// width: no violation is allowed.
func TestBrowserAccessibilityOrganizations(t *testing.T) {
	src := axeSource(t)
	env := apitest.New(t)
	env.MustSignup("root")
	o := env.MustOrg("corp-b", "bella")
	env.MustUserIn(o, "bob", "member")
	if _, err := env.App.SuspendOrganization(context.Background(), roster.Actor{Via: roster.ViaCLI}, "corp-b"); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, newBrowser(t), env)
	visitor := b.otherProfile()
	var failed []string
	check := func(tb *tab, width, what string) {
		for _, v := range tb.axeViolations(src) {
			failed = append(failed, width+" "+what+": "+v)
		}
	}
	b.signIn("root", password)
	for _, width := range []string{"desktop", "390px"} {
		if width == "390px" {
			b.phone()
			visitor.phone()
		}
		b.visit("/instance/organizations")
		check(b, width, "/instance/organizations")
		row := `tr[data-org="corp-b"]`
		b.click(row + " .org-rename summary")
		check(b, width, "/instance/organizations with the rename panel open")
		b.press(kb.Escape)
		b.click(row + ` button[data-action="delete"]`)
		b.waitText("#confirm-dialog", "Delete the organization corp-b?")
		check(b, width, "/instance/organizations with a confirmation open")
		b.press(kb.Escape)

		visitor.visit("/sign-in")
		check(visitor, width, "/sign-in")
		visitor.visit("/sign-in?org=corp-b")
		check(visitor, width, "/sign-in?org=corp-b")
		visitor.click("#org-choice summary")
		check(visitor, width, "/sign-in?org=corp-b with the field unfolded")
		visitor.fill("#login", "bob")
		visitor.fill("#password", password)
		visitor.click("#signin-form button[type=submit]")
		visitor.waitText("#signin-form", "your organization is suspended")
		check(visitor, width, "/sign-in refused for a suspended organization")
		visitor.visit("/sign-in?suspended=1")
		check(visitor, width, "/sign-in?suspended=1")
	}
	if len(failed) > 0 {
		t.Fatalf("axe-core found %d violations:\n%s", len(failed), strings.Join(failed, "\n"))
	}
}
