package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// #15 item 7: a user's page shows where and when they are signed in, and
// an organization admin ends one session from it, audited; a member can
// neither see another user's sessions nor end one by posting the form.
func TestUserPageListsAndEndsSessions(t *testing.T) {
	e := apitest.New(t)
	ada, bob := visionTeam(t, e)
	bobWeb := e.MustWebSignIn("bob", password)
	admin := e.MustWebSignIn("ada", password)
	var list struct {
		Sessions []struct{ ID, Method string } `json:"sessions"`
	}
	e.Must(200, "GET", "/api/v1/users/bob/sessions", nil, ada.Key).JSON(t, &list)
	if len(list.Sessions) != 2 {
		t.Fatalf("bob's sessions: %+v", list.Sessions)
	}
	body := string(admin.Get("/org/users/bob").Body)
	table := between(body, `id="user-sessions"`, `</table>`)
	for _, s := range list.Sessions {
		if !strings.Contains(table, `data-session="`+s.ID+`"`) || !strings.Contains(table, "/org/users/"+bob.ID+"/sessions/"+s.ID+"/revoke") {
			t.Errorf("bob's page does not list session %s with its End button: %s", s.ID, table)
		}
	}
	for _, want := range []string{"Go HTTP client", "Password", "from 127.0.0.1"} {
		if !strings.Contains(table, want) {
			t.Errorf("bob's sessions table lacks %q: %s", want, table)
		}
	}

	// bob, a member, posts the End form for his own page and for ada's:
	// refused, and nothing ends.
	adaSessions := string(admin.Get("/org/users/ada").Body)
	adaID := between(adaSessions, `data-session="`, `"`)
	audits := e.AuditCount("")
	if r := bobWeb.Post("/org/users/ada/sessions/"+adaID+"/revoke", url.Values{"from": {"detail"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("bob ends ada's session: %d", r.StatusCode)
	}
	if r := bobWeb.Get("/org/users/" + bob.ID); r.StatusCode != http.StatusForbidden || strings.Contains(string(r.Body), "user-sessions") {
		t.Errorf("bob opens his admin page: %d", r.StatusCode)
	}
	if n := e.AuditCount(""); n != audits {
		t.Errorf("refused posts wrote %d audit entries", n-audits)
	}
	if r := admin.Get("/org/users"); r.StatusCode != 200 {
		t.Fatalf("ada signed out by bob's attempt: %d", r.StatusCode)
	}

	// ada ends the session bob's web client uses: it is signed out at once.
	webSession := ""
	for _, s := range list.Sessions {
		if r := bobWeb.Get("/profile"); r.StatusCode == 200 {
			admin.Post("/org/users/"+bob.ID+"/sessions/"+s.ID+"/revoke", url.Values{"from": {"detail"}})
			if r := bobWeb.Get("/profile"); apitest.SentToSignIn(r) {
				webSession = s.ID
				break
			}
		}
	}
	if webSession == "" {
		t.Fatalf("ending bob's sessions one by one never signed his browser out")
	}
	if n := e.AuditCount("user:revoke_session"); n < 1 {
		t.Errorf("%d user:revoke_session entries", n)
	}
	r := admin.Post("/org/users/"+bob.ID+"/sessions/"+webSession+"/revoke", url.Values{"from": {"detail"}})
	if r.StatusCode != http.StatusNotFound || !strings.Contains(string(r.Body), "no such session") {
		t.Errorf("ending an ended session: %d, want 404 with a reason", r.StatusCode)
	}
}

// In a browser: bob's session in his own browser shows on his page as
// Chrome, and ada ends it with End session after a confirmation; bob's
// next page asks him to sign in again.
func TestBrowserEndUserSession(t *testing.T) {
	env := apitest.New(t)
	adaUser, _ := visionTeam(t, env)
	ada := newTab(t, newBrowser(t), env)
	bobTab := ada.otherProfile()
	bobTab.signIn("bob", password)
	ada.signIn("ada", password)
	var list struct {
		Sessions []struct {
			ID        string `json:"id"`
			UserAgent string `json:"user_agent"`
		} `json:"sessions"`
	}
	env.Must(200, "GET", "/api/v1/users/bob/sessions", nil, adaUser.Key).JSON(t, &list)
	browser := ""
	for _, s := range list.Sessions {
		if strings.Contains(s.UserAgent, "Chrome/") {
			browser = s.ID
		}
	}
	if browser == "" {
		t.Fatalf("bob's browser session is not listed: %+v", list.Sessions)
	}
	row := `#user-sessions tr[data-session="` + browser + `"]`
	ada.visit("/org/users/bob")
	ada.waitText(row, "Chrome on Linux")
	ada.waitText(row, "Password")
	ada.click(row + ` button[data-action="revoke-session"]`)
	ada.confirm("End this session of bob (Chrome on Linux")
	ada.waitText("#flash", "That session of bob has ended")
	ada.waitGone(row)
	ada.waitText("#user-sessions", "Go HTTP client")
	bobTab.visit("/profile")
	bobTab.waitPath("/sign-in")
	ada.visit("/org/users/ada")
	ada.waitText("#user-sessions", "This browser")
}

// #15 item 7: "Copy new invite link" in a pending invite's menu makes a
// fresh link (the old one dies, as the confirmation says), lands on the
// answer's Copy button, and Enter puts the link on the clipboard with an
// announced "Copied" status; where the browser refuses the clipboard the
// link is left selected and the status says how to copy it.
func TestBrowserCopyInviteLink(t *testing.T) {
	env := apitest.New(t)
	ada := env.MustSignup("ada")
	_, oldToken := env.MustInvite(ada.Key, "dave@example.com", "member")
	b := newTab(t, newBrowser(t), env)
	b.signIn("ada", password)
	b.visit("/org/users?status=invited")
	row := `tr[data-user="dave@example.com"]`
	b.click(row + " .row-menu summary")
	b.click(row + ` button[data-action="invite-link"]`)
	b.confirm("Make a new invite link for dave@example.com")
	b.waitText("#flash", "New invite link for dave@example.com")
	b.waitFocus("#flash [data-copy]")
	link := b.value("#flash .copy-value")
	if !strings.Contains(link, "/invite/") || strings.Contains(link, oldToken) {
		t.Fatalf("fresh link %q", link)
	}
	b.waitJSOrFail(`(() => { window.copied = ""; navigator.clipboard.writeText = t => { window.copied = t; return Promise.resolve(); }; return true; })()`)
	b.press("\r")
	b.waitText("#flash .copy-status", "Copied to the clipboard.")
	b.waitText("#flash [data-copy]", "Copied")
	b.waitJSOrFail(`window.copied === ` + js(link))
	b.waitJSOrFail(`document.querySelector("#flash .copy-status").getAttribute("role") === "status"`)
	b.waitFocus("#flash [data-copy]")

	// A browser that refuses the clipboard: the link is selected instead.
	b.waitJSOrFail(`(() => { navigator.clipboard.writeText = () => Promise.reject(new Error("denied")); document.execCommand = () => false; return true; })()`)
	b.press("\r")
	b.waitText("#flash .copy-status", "Could not copy: the text is selected, press Ctrl+C")
	b.waitJSOrFail(`(e => e.selectionStart === 0 && e.selectionEnd === e.value.length && e.value.length > 0)(document.querySelector("#flash .copy-value"))`)

	if r := env.Do("POST", "/api/v1/invites/accept", map[string]string{"token": oldToken, "username": "dave", "password": password}, apitest.Anonymous); r.StatusCode < 400 {
		t.Fatalf("the old link still works: %d", r.StatusCode)
	}
}
