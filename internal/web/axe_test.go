package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"roster/internal/apitest"
)

// axeSource is axe-core's script, from scripts/axe.sh; without it the
// accessibility checks skip locally and fail on CI.
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ROSTER_AXE_JS")
	if path == "" {
		if os.Getenv("ROSTER_REQUIRE_AXE") != "" || os.Getenv("CI") == "true" {
			t.Fatal("axe-core is missing; source scripts/axe.sh")
		}
		t.Skip("axe-core not found; source scripts/axe.sh to fetch it")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read axe-core: %v", err)
	}
	return string(src)
}

// axeRun checks the page against WCAG 2.2 A and AA, with the experimental
// label-content-name-mismatch rule on, and reports each violation as one
// line: rule, nodes and the first nodes' selectors.
const axeRun = `axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]},
  rules: {"label-content-name-mismatch": {enabled: true}, "target-size": {enabled: true}},
  resultTypes: ["violations"]
}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, n: v.nodes.length,
  nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\n").slice(1, 2).join(""))}))))`

// axeViolations injects axe-core into the page and runs it.
func (b *tab) axeViolations(src string) []string {
	b.t.Helper()
	b.settled()
	ctx, cancel := context.WithTimeout(b.ctx, 3*step)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined" || (() => { `+src+`; return true })()`)); err != nil {
		b.t.Fatalf("inject axe-core: %v", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core: %v", err)
	}
	var vs []struct {
		ID    string   `json:"id"`
		N     int      `json:"n"`
		Nodes []string `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatalf("axe-core's answer: %v", err)
	}
	var lines []string
	for _, v := range vs {
		lines = append(lines, fmt.Sprintf("%s (%d): %s", v.ID, v.N, strings.Join(v.Nodes, " | ")))
	}
	return lines
}

// TestBrowserAccessibility runs axe-core (WCAG 2.2 AA) on every main page
// at desktop width, and on the pages whose layout changes most at phone
// width, with the users table's menus and dialogs open at both: no
// violation is allowed.
func TestBrowserAccessibility(t *testing.T) {
	src := axeSource(t)
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	bob := env.MustUser(ada.Key, "bob", "member")
	env.MustUser(ada.Key, "erin", "viewer")
	env.MustInvite(ada.Key, "dave@example.com", "member")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob", "role": "admin"}, ada.Key)
	env.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "editor", "description": "edits any project", "base": "member", "permissions": []string{"project:update"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/projects", map[string]string{"name": "detector", "description": "object detector"}, bob.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/projects/detector/runs", map[string]string{"name": "run-1", "state": "finished"}, bob.Key)
	env.Must(201, "POST", "/api/v1/service-accounts", map[string]any{"name": "ci-bot", "default_team": "vision"}, ada.Key)

	b := newTab(t, newBrowser(t), env)
	pages := []string{"/", "/org/users", "/org/teams", "/org/roles", "/org/roles?edit=editor", "/org/service-accounts", "/org/api-keys", "/org/activity",
		"/org/audit", "/org/settings", "/org/users/bulk", "/profile", "/teams/vision", "/teams/vision/settings/members",
		"/teams/vision/settings/general", "/teams/vision/settings/privacy", "/teams/vision/settings/alerts",
		"/teams/vision/settings/service-accounts", "/teams/vision/settings/usage", "/org/users/bob"}
	phonePages := map[string]bool{"/org/users": true, "/org/audit": true, "/org/roles?edit=editor": true, "/profile": true,
		"/teams/vision/settings/members": true, "/teams/vision/settings/general": true, "/teams/vision/settings/usage": true,
		"/org/users/bob": true, "/org/teams": true}
	var failed []string
	check := func(width, path string) {
		for _, v := range b.axeViolations(src) {
			failed = append(failed, width+" "+path+": "+v)
		}
	}
	b.visit("/sign-in")
	check("desktop", "/sign-in")
	b.signIn("ada", password)
	for _, width := range []string{"desktop", "390px"} {
		if width == "390px" {
			b.phone()
		}
		for _, p := range pages {
			if width == "390px" && !phonePages[p] {
				continue // the same markup; at phone width what changes is the layout of these
			}
			b.visit(p)
			check(width, p)
		}
		// The open controls of the users table: the role picker, the ⋯
		// menu, the Add user dialog and a confirmation.
		b.visit("/org/users")
		row := `tr[data-user="bob"]`
		b.click(row + " [data-edit-role]")
		check(width, "/org/users with the role picker open")
		b.press(kb.Escape)
		b.click(row + " .row-menu summary")
		check(width, "/org/users with a menu open")
		b.click(row + ` button[data-action="deactivate"]`)
		b.waitText("#confirm-dialog", "Deactivate bob?")
		check(width, "/org/users with a confirmation open")
		b.press(kb.Escape)
		b.click("#add-user")
		b.waitText("#modal-root dialog", "Add user")
		check(width, "/org/users with the Add user dialog open")
		b.press(kb.Escape)
	}
	if len(failed) > 0 {
		t.Fatalf("axe-core found %d violations:\n%s", len(failed), strings.Join(failed, "\n"))
	}
}

// TestBrowserAccessibilityLargeOrg runs axe-core (WCAG 2.2 AA) on every
// main page of a 2,000-user organization of 200 teams, one of 2,001
// members, at desktop width, and the pages that list the most at phone
// width: no violation is allowed. The pages do not depend on the engine,
// so the suite runs it once (scoredOnce).
func TestBrowserAccessibilityLargeOrg(t *testing.T) {
	scoredOnce(t)
	src := axeSource(t)
	env := apitest.New(t)
	largeOrg(t, env)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	phonePages := map[string]bool{"/org/users": true, "/org/users/ada": true, "/org/teams": true, "/org/audit": true,
		"/teams/big": true, "/teams/big/settings/members": true}
	var failed []string
	for _, width := range []string{"desktop", "390px"} {
		if width == "390px" {
			b.phone()
		}
		for _, p := range mainPages("big", "ada") {
			if width == "390px" && !phonePages[p] {
				continue // the same markup as at desktop width; these change layout the most
			}
			b.visit(p)
			for _, v := range b.axeViolations(src) {
				failed = append(failed, width+" "+p+": "+v)
			}
		}
	}
	if len(failed) > 0 {
		t.Fatalf("axe-core found %d violations:\n%s", len(failed), strings.Join(failed, "\n"))
	}
}
