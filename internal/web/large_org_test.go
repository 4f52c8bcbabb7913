package web_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"roster"
	"roster/internal/apitest"
	"roster/internal/store"
)

// Issue #15: the web interface at scale, by keyboard and on a phone.

// bulkMembers puts n new active users, m0000 to m<n-1>, into team with
// two statements of plain SQL that both engines run, so that a
// 2,000-member team is quick to build even under the race detector.
func bulkMembers(t *testing.T, env *apitest.Env, team string, n int) {
	t.Helper()
	ctx := t.Context()
	now := env.Clock.Now().UnixMicro()
	err := env.DB.Tx(ctx, func(tx *store.Tx) error {
		ada, err := tx.UserByUsername(ctx, roster.DefaultOrgID, "ada")
		if err != nil {
			return err
		}
		tm, _, err := tx.TeamWithMember(ctx, ada.OrgID, team, ada.ID)
		if err != nil {
			return err
		}
		// num is i as four digits: m0000, m0001, ...
		const num = `SUBSTR(CAST(10000 + i AS TEXT), 2)`
		if err := tx.ExecForTest(ctx, fmt.Sprintf(`INSERT INTO users (id, org_id, username, username_key, email, email_key, name,
			role, status, password_hash, sort_key, search, created_at, updated_at, last_active_at, email_proven)
			WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			SELECT 'u_bulk' || %[2]s, ?, 'm' || %[2]s, 'm' || %[2]s, 'm' || %[2]s || '@example.com', 'm' || %[2]s || '@example.com',
				'Member ' || CAST(i AS TEXT), 'member', 'active', '', 'm' || %[2]s,
				'm' || %[2]s || ' member ' || CAST(i AS TEXT) || ' m' || %[2]s || '@example.com', %[3]d, %[3]d, NULL, FALSE FROM n`,
			n-1, num, now), ada.OrgID); err != nil {
			return fmt.Errorf("insert users: %w", err)
		}
		return tx.ExecForTest(ctx, fmt.Sprintf(`INSERT INTO team_members (team_id, principal_id, principal_kind, role, custom_role_id, via_group, created_at)
			SELECT ?, id, 'user', 'member', NULL, FALSE, %d FROM users WHERE id LIKE 'u\_bulk%%' ESCAPE '\'`, now), tm.ID)
	})
	if err != nil {
		t.Fatalf("bulk members: %v", err)
	}
}

// press sends one key to the focused element.
func (b *tab) press(key string) {
	b.t.Helper()
	b.do("press a key", chromedp.KeyEvent(key))
}

// waitFocus waits until the focused element matches sel.
func (b *tab) waitFocus(sel string) {
	b.t.Helper()
	expr := fmt.Sprintf(`!!document.activeElement && document.activeElement.matches(%s)`, js(sel))
	if err := b.waitJS(expr); err != nil {
		got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(e => e ? e.outerHTML.slice(0, 160) : "nothing")(document.activeElement)`))
		b.t.Fatalf("focus is not on %s but on %s", sel, got)
	}
}

// number evaluates a JavaScript expression to a number.
func (b *tab) number(expr string) int {
	b.t.Helper()
	b.settled()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return n
}

// phone sets the viewport to a phone's 390 CSS pixels.
func (b *tab) phone() {
	b.t.Helper()
	b.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1)))
}

// noPageOverflow fails when the page is wider than its viewport.
func (b *tab) noPageOverflow(where string) {
	b.t.Helper()
	w := b.number(`document.scrollingElement.scrollWidth`)
	vw := b.number(`window.innerWidth`)
	if w > vw {
		b.t.Fatalf("%s: the page is %d px wide in a %d px viewport", where, w, vw)
	}
}

// orgRole reads a user's organization role through the API.
func orgRole(t *testing.T, env *apitest.Env, admin apitest.Cred, user string) string {
	t.Helper()
	return fmt.Sprint(env.Must(200, "GET", "/api/v1/users/"+user, nil, admin).Map(t)["role"])
}

// teamRole reads a member's team role through the API.
func teamRoleOf(t *testing.T, env *apitest.Env, admin apitest.Cred, team, user string) string {
	t.Helper()
	body := string(env.Must(200, "GET", "/api/v1/teams/"+team+"/members", nil, admin).Body)
	i := strings.Index(body, `"username":"`+user+`"`)
	if i < 0 {
		t.Fatalf("%s is not in %s: %s", user, team, body)
	}
	start := strings.LastIndex(body[:i], "{")
	end := i + strings.Index(body[i:], "}")
	return body[start : end+1]
}

// TestBrowserRolePickersNeedApply: one ArrowDown on a focused role picker
// changes nothing until Apply (WCAG 3.2.2), in the users table and in a
// team's Members tab.
func TestBrowserRolePickersNeedApply(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "bob", "member")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob", "role": "member"}, ada.Key)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)

	b.visit("/org/users")
	row := `tr[data-user="bob"]`
	b.click(row + " [data-edit-role]")
	b.waitFocus(row + " select.role-select")
	b.press(kb.ArrowDown)
	time.Sleep(600 * time.Millisecond)
	b.settled()
	if got := orgRole(t, env, ada.Key, "bob"); got != "member" {
		t.Fatalf("one ArrowDown on the picker saved bob as %s", got)
	}
	b.press(kb.Escape)
	b.waitFocus(row + " [data-edit-role]")
	if v := b.value(row + " select.role-select"); v != "member" {
		t.Fatalf("Escape left the picker at %q", v)
	}
	b.click(row + " [data-edit-role]")
	b.press(kb.ArrowDown)
	b.click(row + ` [data-action="apply-role"]`)
	b.waitText(row+" .role-label", "Viewer")
	if got := orgRole(t, env, ada.Key, "bob"); got != "viewer" {
		t.Fatalf("Apply saved bob as %s", got)
	}

	b.visit("/teams/vision/settings/members")
	mrow := `tr[data-member="bob"]`
	b.do("focus the team role picker", chromedp.Focus(chromedp.CSS(mrow+" select.member-role")))
	b.press(kb.ArrowDown)
	time.Sleep(600 * time.Millisecond)
	b.settled()
	if got := teamRoleOf(t, env, ada.Key, "vision", "bob"); !strings.Contains(got, `"role":"member"`) {
		t.Fatalf("one ArrowDown on the team picker saved %s", got)
	}
	b.click(mrow + ` [data-action="apply-role"]`)
	b.waitText("#members-section .notice", "bob is now Read-only in this team")
}

// TestBrowserBigTeamMembersArePaged: a 2,000-member team's Members tab
// shows a page of members, pages on, searches the whole team, and a role
// change keeps the page it was made on.
func TestBrowserBigTeamMembersArePaged(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "big", "storage": map[string]string{"type": "default"}}, ada.Key)
	bulkMembers(t, env, "big", 2000)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)

	b.visit("/teams/big/settings/members")
	b.waitText("#members-count", "2001")
	if n := b.number(`document.querySelectorAll("#members-table tbody tr").length`); n != 50 {
		t.Fatalf("the Members tab shows %d rows of 2,001, want a page of 50", n)
	}
	if n := b.number(`document.getElementsByTagName("*").length`); n > 3000 {
		t.Fatalf("the Members tab has %d elements", n)
	}
	b.waitText(`#members-table tbody tr:first-child`, "ada")
	if os.Getenv("ROSTER_AXE_JS") != "" {
		if vs := b.axeViolations(axeSource(t)); len(vs) > 0 {
			t.Fatalf("axe-core on the 2,001-member team:\n%s", strings.Join(vs, "\n"))
		}
	}
	b.screenshot("team-settings-members-big")
	b.click("#members-next")
	b.waitText(`#members-table tbody tr:first-child`, "m0049")
	b.waitJSOrFail(`location.search.includes("cursor=")`)

	// A role change on the second page answers with the second page.
	row := `tr[data-member="m0060"]`
	b.pick(row+" select.member-role", "Admin")
	b.click(row + ` [data-action="apply-role"]`)
	b.waitText("#members-section .notice", "m0060 is now Admin in this team")
	b.waitText(`#members-table tbody tr:first-child`, "m0049")
	b.waitFocus(row + ` [data-action="apply-role"]`)
	b.waitGone("#few-admins-warning")

	b.fill("#member-search", "m1999")
	b.waitText("#members-table", "m1999@example.com")
	if n := b.number(`document.querySelectorAll("#members-table tbody tr").length`); n != 1 {
		t.Fatalf("searching m1999 shows %d rows", n)
	}
	b.waitGone("#members-next")
	b.fill("#member-search", "member 199")
	b.waitText("#members-table", "m0199")
	b.waitText("#members-table", "m1999")
	if n := b.number(`document.querySelectorAll("#members-table tbody tr").length`); n != 11 {
		t.Fatalf("searching member 199 shows %d rows, want 11", n)
	}
}

// TestBrowserFocusStaysPut: after a role change, a deactivate and a
// reactivate focus returns to the row's control; the confirm dialog opens
// on Cancel, and Escape returns focus to the menu; the ⋯ menu is a plain
// disclosure, not an ARIA menu without arrow keys.
func TestBrowserFocusStaysPut(t *testing.T) {
	env := apitest.New(t)
	ada, _ := visionTeam(t, env)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users")
	row := `tr[data-user="bob"]`

	if n := b.number(`document.querySelectorAll("[role=menu], [role=menuitem]").length`); n != 0 {
		t.Fatalf("%d elements claim role=menu or menuitem without arrow-key support", n)
	}

	b.click(row + " [data-edit-role]")
	b.pick(row+" select.role-select", "Admin")
	b.click(row + ` [data-action="apply-role"]`)
	b.waitText(row+" .role-label", "Admin")
	b.waitFocus(row + " [data-edit-role]")

	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="deactivate"]`)
	b.waitText("#confirm-dialog", "Deactivate bob?")
	b.waitFocus("#confirm-cancel")
	b.press(kb.Escape)
	b.do("wait for the dialog to close", chromedp.WaitNotVisible(chromedp.CSS("#confirm-dialog")))
	b.waitFocus(row + " .row-menu summary")
	if got := orgRole(t, env, ada.Key, "bob"); got != "admin" {
		t.Fatalf("bob is %s", got)
	}

	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="deactivate"]`)
	b.confirm("Deactivate bob?")
	b.waitText(row, "Deactivated")
	b.waitFocus(row + " .row-menu summary")

	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="reactivate"]`)
	b.confirm("Reactivate bob?")
	b.waitText(row, "Active")
	b.waitFocus(row + " .row-menu summary")

	b.visit("/teams/vision/settings/members")
	mrow := `tr[data-member="bob"]`
	b.click(mrow + ` button[data-action="remove-member"]`)
	b.waitFocus("#confirm-cancel")
	b.press(kb.Escape)
	b.waitFocus(mrow + ` button[data-action="remove-member"]`)
	b.pick(mrow+" select.member-role", "Read-only")
	b.click(mrow + ` [data-action="apply-role"]`)
	b.waitText("#members-section .notice", "bob is now Read-only")
	b.waitFocus(mrow + ` [data-action="apply-role"]`)
}

// TestBrowserTeamHeaderFollowsChanges: a rename or an avatar upload shows
// in the team's header and the tab's title at once.
func TestBrowserTeamHeaderFollowsChanges(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	logo := filepath.Join(t.TempDir(), "logo.png")
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	os.WriteFile(logo, buf.Bytes(), 0o644)
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)

	b.visit("/teams/vision/settings/general")
	b.waitText("#team-title", "vision")
	b.fill("#display-name", "Computer Vision")
	b.click("#general-form button[type=submit]")
	b.waitText("#general-form .notice", "Display name saved")
	b.waitText("#team-title", "Computer Vision")
	b.waitText("#team-header .team-head .avatar", "CV")
	b.waitJSOrFail(`document.title.startsWith("Computer Vision · General")`)

	b.do("choose an image", chromedp.SetUploadFiles(chromedp.CSS("#avatar-file"), []string{logo}))
	b.click("#avatar-form button[type=submit]")
	b.waitText("#avatar-form .notice", "Avatar uploaded")
	b.waitJSOrFail(`(i => !!i && i.complete && i.naturalWidth === 8)(document.querySelector("#team-header img.avatar"))`)
	b.screenshot("team-settings-general")
	b.phone()
	b.noPageOverflow("team settings at 390 px")
	b.screenshot("team-settings-general-390")
}

// TestBrowserLongValuesAndOneRefusal: a long email wraps inside the users
// table, and the last-admin refusal shows once, beside the control, and
// goes away with the next action.
func TestBrowserLongValuesAndOneRefusal(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	long := "a.very.long.address.of.someone.in.the.research.department@ml-platform.subsidiary-of-a-large-example-company.example.com"
	env.MustInvite(ada.Key, long, "member")
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users")
	b.waitText("#users-table", long)

	ar := `tr[data-user="ada"]`
	b.click(ar + " [data-edit-role]")
	b.pick(ar+" select.role-select", "Member")
	b.click(ar + ` [data-action="apply-role"]`)
	b.waitText(ar+" .field-error", "at least one active admin")
	b.settled()
	count := `[...document.querySelectorAll("#main *, #flash *")].filter(e => e.children.length === 0 && e.textContent.includes("at least one active admin")).length`
	if n := b.number(count); n != 1 {
		t.Fatalf("the last-admin refusal shows %d times", n)
	}
	if w, cw := b.number(`document.querySelector("#users-table").scrollWidth`), b.number(`document.querySelector("#users-table").clientWidth`); w > cw {
		t.Fatalf("the users table is %d px wide inside its %d px frame", w, cw)
	}
	b.noPageOverflow("users table with a long email")
	b.screenshot("dashboard-refusal")
	b.click(ar + " [data-edit-role]")
	b.waitGone(ar + " .field-error")
}

// TestBrowserTeamChipsAreCapped: an admin in many teams shows three chips
// and "+N more", not one tab stop per team.
func TestBrowserTeamChipsAreCapped(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	for i := range 12 {
		env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": fmt.Sprintf("team%02d", i), "storage": map[string]string{"type": "default"}}, ada.Key)
	}
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users")
	ar := `tr[data-user="ada"]`
	b.waitText(ar+" .teams-cell", "+9 more")
	stops := fmt.Sprintf(`[...document.querySelectorAll(%s)].filter(e => e.checkVisibility()).length`, js(ar+" .teams-cell a, "+ar+" .teams-cell summary"))
	if n := b.number(stops); n != 4 {
		t.Fatalf("ada's teams cell has %d tab stops, want 3 chips and +9 more", n)
	}
	b.click(ar + " .more-chips summary")
	b.waitText(ar+" .teams-cell", "team11")
}

// TestBrowserPhoneWidth: at 390 px the users table, a team's Members tab
// and its settings tabs fit the screen, the page's heading is on the upper
// part of the first screen; the ⋯ menu and the Add user dialog open in
// view.
func TestBrowserPhoneWidth(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "bob", "member")
	env.MustInvite(ada.Key, "someone.with.a.long.address@research.example.com", "viewer")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob"}, ada.Key)
	b := newTab(t, newBrowser(t), env)
	b.phone()
	b.signIn("ada", password)

	b.visit("/org/users")
	b.waitText("#users-table", "bob")
	b.noPageOverflow("users table")
	// The organization's navigation leaves most of the first screen to
	// the page.
	if top := b.number(`Math.round(document.querySelector(".content h1").getBoundingClientRect().top)`); top > 350 {
		t.Fatalf("the users page's heading starts %d px down an 844 px screen, below the organization's links", top)
	}
	row := `tr[data-user="bob"]`
	b.click(row + " .row-menu summary")
	inView := func(sel string) string {
		return fmt.Sprintf(`(r => r.width > 0 && r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight)(document.querySelector(%s).getBoundingClientRect())`, js(sel))
	}
	b.waitJSOrFail(inView(row + " .menu-items"))
	b.noPageOverflow("users table with a menu open")
	b.screenshot("dashboard-390")
	b.press(kb.Escape)
	b.click("#add-user")
	b.waitJSOrFail(inView("#modal-root dialog"))
	b.screenshot("add-user-390")

	for _, tabPath := range []string{"members", "general", "privacy", "alerts", "service-accounts", "usage"} {
		b.visit("/teams/vision/settings/" + tabPath)
		b.waitText("#team-title", "vision")
		b.noPageOverflow("team settings " + tabPath)
	}
	b.visit("/teams/vision/settings/members")
	if w := b.number(`Math.round(document.querySelector("#member-who").getBoundingClientRect().width)`); w < 300 {
		t.Fatalf("the Members tab's email or username field is %d px wide on a 390 px screen", w)
	}
	b.click(`tr[data-member="bob"] button[data-action="remove-member"]`)
	b.waitJSOrFail(inView("#confirm-dialog"))
	b.screenshot("team-settings-members-390")
}

var (
	memberRowRE  = regexp.MustCompile(`<tr id="member-[^"]+" data-member="([^"]+)"`)
	memberNextRE = regexp.MustCompile(`<a href="([^"]+)"[^>]*id="members-next"`)
)

// TestMembersTabPagesEveryMemberOnce walks a team's Members tab page by
// page: every member once, users in username order, then service
// accounts; a search narrows the whole team; a forged cursor is a 400;
// someone outside a team sees no members.
func TestMembersTabPagesEveryMemberOnce(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	env.MustUser(ada.Key, "zoe", "member")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "big", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/big/service-accounts", map[string]string{"name": "ci-bot"}, ada.Key)
	bulkMembers(t, env, "big", 120)
	web := env.MustWebSignIn("ada", password)

	var seen []string
	pages := 0
	for path := "/teams/big/settings/members"; path != ""; pages++ {
		body := string(web.Get(path).Body)
		for _, m := range memberRowRE.FindAllStringSubmatch(body, -1) {
			seen = append(seen, m[1])
		}
		path = ""
		if m := memberNextRE.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if pages != 3 || len(seen) != 122 || seen[0] != "ada" || seen[1] != "m0000" || seen[120] != "m0119" || seen[121] != "ci-bot" {
		t.Fatalf("%d pages, %d members, first %v, last %v", pages, len(seen), seen[:2], seen[len(seen)-2:])
	}
	for i := 2; i < 121; i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("%s after %s", seen[i], seen[i-1])
		}
	}

	body := string(web.Get("/teams/big/settings/members?q=" + url.QueryEscape("MEMBER 11")).Body)
	if got := memberRowRE.FindAllStringSubmatch(body, -1); len(got) != 11 || got[0][1] != "m0011" {
		t.Fatalf("search for member 11: %v", got)
	}
	if r := web.Get("/teams/big/settings/members?cursor=bm90LWEtY3Vyc29y"); r.StatusCode != 400 {
		t.Fatalf("a forged cursor: %d", r.StatusCode)
	}
	zoe := env.MustWebSignIn("zoe", password)
	if r := zoe.Get("/teams/big/settings/members"); r.StatusCode == 200 || memberRowRE.MatchString(string(r.Body)) {
		t.Fatalf("zoe, outside the team, got %d with members listed", r.StatusCode)
	}
}

// TestBrowserAuditNewestPastAThousand: with 1,101 entries in the range the
// audit page opens on the newest, pages to older ones and filters as you
// type. The entries go straight into the store, so the test stays quick.
func TestBrowserAuditNewestPastAThousand(t *testing.T) {
	env := apitest.New(t)
	env.MustSignup("ada")
	ctx := t.Context()
	err := env.DB.Tx(ctx, func(tx *store.Tx) error {
		ada, err := tx.UserByUsername(ctx, roster.DefaultOrgID, "ada")
		if err != nil {
			return err
		}
		for i := range 1101 {
			name := fmt.Sprintf("t%04d", i)
			if i == 1100 {
				name = "newest"
			}
			if err := tx.AppendAudit(ctx, &roster.AuditEntry{OrgID: ada.OrgID, Action: "team:create", ActorUserID: ada.ID,
				ActorEmail: ada.Email, EntityName: name, Via: roster.ViaAPI}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/audit?action=team:create")
	b.waitText("#audit-table tbody tr:first-child", "newest")
	b.click("#audit-older")
	b.waitText("#audit-table tbody tr:first-child", "t0900")
	b.click("#audit-newest")
	b.waitText("#audit-table tbody tr:first-child", "newest")
	b.fill("#audit-who", "t0005")
	b.waitText("#audit-table tbody tr:first-child", "t0005")
	if n := b.number(`document.querySelectorAll("#audit-table tbody tr").length`); n != 1 {
		t.Fatalf("filtering t0005 shows %d rows", n)
	}
	b.screenshot("audit-log-filtered")
}
