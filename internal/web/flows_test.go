package web_test

import (
	"strings"
	"testing"

	"roster/internal/apitest"
)

const password = apitest.Password

// TestBrowserSignupAndInvite walks the seed's first steps: the first
// person signs up and becomes admin, opens the organization dashboard from
// the avatar menu, adds a user, and that user accepts the invite in a
// second browser profile.
func TestBrowserSignupAndInvite(t *testing.T) {
	env := apitest.New(t)
	admin := newTab(t, newBrowser(t), env)

	admin.visit("/")
	admin.waitPath("/sign-up")
	admin.fill("#name", "Ada Lovelace")
	admin.fill("#username", "ada")
	admin.fill("#email", "ada@example.com")
	admin.fill("#password", "short")
	admin.click("#signup-form button[type=submit]")
	admin.waitText("#signup-form", "password must be between 8")
	admin.fill("#password", password)
	admin.click("#signup-form button[type=submit]")
	admin.waitPath("/org/users")
	admin.waitText("#one-admin-warning", "Only one admin")
	admin.waitText("#users-table", "ada@example.com")

	admin.visit("/")
	admin.click("#avatar-menu summary")
	admin.click("#menu-dashboard")
	admin.waitPath("/org/users")
	admin.waitText("#seats-used", "1")

	admin.click("#add-user")
	admin.fill("#invite-email", "not-an-email")
	admin.click("#invite-submit")
	admin.waitText("#invite-form .field-error", "not a valid email")
	admin.fill("#invite-email", "grace@example.com")
	admin.click("#invite-submit")
	admin.waitText("#invite-form .notice", "Invite created for grace@example.com")
	link := admin.value("#invite-form .copy-value")
	if !strings.Contains(link, "/invite/") {
		t.Fatalf("invite link %q", link)
	}
	admin.waitText(`tr[data-user="grace@example.com"]`, "Invite pending")
	admin.waitText("#seats-used", "2")
	admin.screenshot("dashboard-add-user")

	grace := admin.otherProfile()
	grace.visit(strings.TrimPrefix(link, "http://localhost:8080"))
	grace.waitText("#invite-email", "grace@example.com")
	grace.fill("#name", "Grace Hopper")
	grace.fill("#username", "ada")
	grace.fill("#password", password)
	grace.click("#invite-form button[type=submit]")
	grace.waitText("#invite-form", "username ada is already taken")
	grace.fill("#username", "grace")
	grace.fill("#password", password)
	grace.click("#invite-form button[type=submit]")
	grace.waitPath("/")
	grace.waitText("h1", "Your teams")
	grace.click("#avatar-menu summary")
	grace.waitText("#avatar-menu .menu-head", "Grace Hopper")
	if strings.Contains(grace.text("#avatar-menu .menu-items"), "Organization dashboard") {
		t.Fatal("a member's avatar menu offers the organization dashboard")
	}

	admin.visit("/org/users?query=gra")
	admin.waitText(`tr[data-user="grace"]`, "Active")
	admin.waitText(`tr[data-user="grace"]`, "Member")
}

// TestBrowserUserLifecycle changes a role with the pencil, deactivates,
// reactivates and removes a user from the dashboard's "⋯" menu.
func TestBrowserUserLifecycle(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "bob", "member")
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users")
	b.waitText("#one-admin-warning", "Only one admin")

	// Search as you type, then the pencil.
	b.fill("#user-search", "bo")
	b.waitGone(`tr[data-user="ada"]`)
	row := `tr[data-user="bob"]`
	b.click(row + " [data-edit-role]")
	b.pick(row+" select.role-select", "Admin")
	b.click(row + ` [data-action="apply-role"]`)
	b.waitText(row+" .role-label", "Admin")
	b.waitText("#flash", "bob is now admin")
	b.waitGone("#one-admin-warning")

	// The last-admin rule shows beside the control that caused it.
	b.fill("#user-search", "ada")
	b.waitText(`tr[data-user="ada"]`, "Admin")
	b.fill("#user-search", "")
	b.waitText(`tr[data-user="ada"]`, "Admin")

	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="deactivate"]`)
	b.confirm("Deactivate bob?")
	b.waitText(row, "Deactivated")
	b.waitText("#flash", "bob is deactivated")
	b.waitText("#seats-used", "1")
	b.screenshot("dashboard-deactivated")

	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="reactivate"]`)
	b.confirm("Reactivate bob?")
	b.waitText(row, "Active")
	b.waitText("#seats-used", "2")

	b.pick("#status-filter", "Deactivated")
	b.waitText("#users-table", "No user matches")
	b.pick("#status-filter", "All statuses")
	b.waitText(row, "bob@example.com")

	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="remove"]`)
	b.confirm("Remove bob from the organization?")
	b.waitGone(row)
	b.waitText("#flash", "bob was removed")
	b.waitText("#seats-used", "1")

	// Now ada is the only admin again: demoting her is refused in place.
	ar := `tr[data-user="ada"]`
	b.click(ar + " [data-edit-role]")
	b.pick(ar+" select.role-select", "Member")
	b.click(ar + ` [data-action="apply-role"]`)
	b.waitText(ar+" .field-error", "at least one active admin")
	b.waitText(ar+" .role-label", "Admin")
}
