package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
)

// accountsBrowserFixture: root, the instance admin; corp-b shown as Corp
// B; sam, a member of the first organization who joined corp-b with his
// account. It returns corp-b.
func accountsBrowserFixture(t *testing.T, env *apitest.Env) apitest.Org {
	t.Helper()
	root := env.MustSignup("root")
	b := env.MustOrg("corp-b", "bella")
	if _, err := env.App.UpdateOrganization(context.Background(), roster.Actor{Via: roster.ViaCLI}, "corp-b",
		app.OrgInput{Name: "corp-b", DisplayName: "Corp B"}); err != nil {
		t.Fatal(err)
	}
	env.MustJoin(b, env.MustUser(root.Key, "sam", "member"), "member")
	return b
}

// TestBrowserSwitchOrganization walks the switch (#18) as a person does:
// sam opens the avatar menu, which offers Corp B, switches and lands on
// Corp B's home; the menu then offers the first organization, and he
// switches back. The instance admin enters corp-b from the Organizations
// page after its confirmation.
func TestBrowserSwitchOrganization(t *testing.T) {
	env := apitest.New(t)
	b := accountsBrowserFixture(t, env)
	sam := newTab(t, newBrowser(t), env)
	sam.signIn("sam", password)
	sam.waitText("#top-org", "Roster")
	sam.click("#avatar-menu summary")
	sam.waitText("#menu-switch", "Switch organization")
	sam.screenshot("avatar-menu-switch-organization")
	sam.click(`#menu-switch button[data-org="` + b.ID + `"]`)
	sam.waitPath("/")
	sam.waitText("#top-org", "Corp B")
	sam.click("#avatar-menu summary")
	sam.waitGone(`#menu-switch button[data-org="` + b.ID + `"]`)
	sam.click(`#menu-switch button[data-org="` + roster.DefaultOrgID + `"]`)
	sam.waitPath("/")
	sam.waitText("#top-org", "Roster")

	root := sam.otherProfile()
	root.signIn("root", password)
	root.visit("/instance/organizations")
	root.click(`tr[data-org="corp-b"] button[data-action="enter"]`)
	root.confirm("Enter the organization corp-b?")
	root.waitPath("/")
	root.waitText("#top-org", "Corp B")
	root.click("#avatar-menu summary")
	root.waitText("#menu-switch", "Roster")
}

// TestBrowserAccessibilityMemberships runs axe-core (WCAG 2.2 AA) on what
// #18 adds to pages: the avatar menu open with its switch, the invite page
// offering to join with the signed-in account, and the Organizations page
// with Enter and its confirmation, at desktop and phone width.
func TestBrowserAccessibilityMemberships(t *testing.T) {
	src := axeSource(t)
	env := apitest.New(t)
	b := accountsBrowserFixture(t, env)
	env.MustOrg("corp-c", "cleo")
	_, token := env.MustInvite(b.Admin.Key, "root.b@example.com", "member")
	sam := newTab(t, newBrowser(t), env)
	root := sam.otherProfile()
	var failed []string
	check := func(tb *tab, width, what string) {
		for _, v := range tb.axeViolations(src) {
			failed = append(failed, width+" "+what+": "+v)
		}
	}
	sam.signIn("sam", password)
	root.signIn("root", password)
	for _, width := range []string{"desktop", "390px"} {
		if width == "390px" {
			sam.phone()
			root.phone()
		}
		sam.visit("/")
		sam.click("#avatar-menu summary")
		sam.waitText("#menu-switch", "Corp B")
		check(sam, width, "the avatar menu with its switch")

		root.visit("/invite/" + token)
		root.waitText("#join-submit", "Join Corp B with your account root")
		check(root, width, "/invite/{token} signed in")
		root.visit("/instance/organizations")
		root.click(`tr[data-org="corp-c"] button[data-action="enter"]`)
		root.waitText("#confirm-dialog", "Enter the organization corp-c?")
		check(root, width, "/instance/organizations with the Enter confirmation open")
		root.press(kb.Escape)
	}
	if len(failed) > 0 {
		t.Fatalf("axe-core found %d violations:\n%s", len(failed), strings.Join(failed, "\n"))
	}
}
