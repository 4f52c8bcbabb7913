package sso_test

// H2: an invite link handed to someone other than the invitee let them set
// a password on the invitee's account and keep it once the real owner
// signed in with SSO. These tests walk that attack and the email proof
// that SSO linking now needs.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/sso/ssotest"
)

const victim = "victim@example.com"

// inviterTeam makes team ml with an admin, a member allowed to invite and
// a holder of a custom role with team:invite, each a local account.
func inviterTeam(t *testing.T, e *ssoEnv) map[string]apitest.User {
	t.Helper()
	adm := e.Admin.Key
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, adm)
	e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "recruiter", "description": "may invite",
		"base": "member", "permissions": []string{"team:invite"}}, adm)
	out := map[string]apitest.User{}
	for _, m := range []struct{ user, role string }{{"tadmin", "admin"}, {"tmember", "member"}, {"trecruit", "recruiter"}} {
		out[m.user] = e.MustUser(adm, m.user, "member")
		e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": m.user, "role": m.role}, adm)
	}
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"members_can_invite": true}}, out["tadmin"].Key)
	return out
}

func TestSSOPreHijackThroughTeamInviteFails(t *testing.T) {
	for _, inviter := range []string{"tadmin", "tmember", "trecruit"} {
		t.Run(inviter, func(t *testing.T) {
			e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: victim, Name: "Vic"}}})
			attacker := inviterTeam(t, e)[inviter]
			audits := len(e.AuditEntries(t, e.Admin.Key, "user:create"))
			r := e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"email": victim}, attacker.Key).Map(t)
			inv, _ := r["invite"].(map[string]any)
			if r["invite_url"] != nil || inv["delivery"] != "awaiting_admin" || !strings.Contains(r["notice"].(string), "organization admin") {
				t.Errorf("%s adding an unknown email without a mail sink: %v; want no link and an invite awaiting an admin", inviter, r)
			}
			if created := e.AuditEntries(t, e.Admin.Key, "user:create"); len(created) != audits+1 || !strings.Contains(created[len(created)-1].Details, "waits for an organization admin") {
				t.Errorf("user:create entries %+v: the waiting invite is not audited", created)
			}
			// The attacker cannot get a link another way either.
			e.Must(403, "POST", "/api/v1/users/"+victim+"/invite/resend", nil, attacker.Key)
			// Had the answer carried a link, the attacker would set a password.
			if link, _ := r["invite_url"].(string); link != "" {
				e.Do("POST", "/api/v1/invites/accept", map[string]string{"token": link[strings.LastIndex(link, "/")+1:],
					"username": "vic", "password": apitest.Password}, apitest.Anonymous)
			}
			// The real owner signs in with SSO and accepts the invite.
			owner := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: victim}))
			if owner.Email != victim || owner.Status != "active" {
				t.Fatalf("owner after sso sign-in: %+v", owner)
			}
			// Nobody holds a password of the owner's account.
			for _, login := range []string{victim, "vic", owner.Username} {
				if got := e.Do("POST", "/api/v1/login", map[string]string{"login": login, "password": apitest.Password}, apitest.Anonymous); got.StatusCode == http.StatusOK {
					t.Errorf("%s signs in to the owner's account with the password %s chose: %s", inviter, inviter, got.Body)
				}
			}
		})
	}
}

func TestOrgAdminStillGetsTeamInviteLink(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: victim}}})
	inviterTeam(t, e)
	r := e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"email": victim}, e.Admin.Key).Map(t)
	link, _ := r["invite_url"].(string)
	if !strings.Contains(link, "/invite/") || r["invite"].(map[string]any)["delivery"] != "manual" || r["notice"] != nil {
		t.Fatalf("organization admin adding an unknown email: %v; want the link", r)
	}
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": link[strings.LastIndex(link, "/")+1:],
		"username": "vic", "password": apitest.Password}, apitest.Anonymous)
	// The admin handed the link over, so the account is proven: SSO links it.
	if u := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: victim})); u.Username != "vic" {
		t.Fatalf("sso sign-in is %+v, want the accepted account vic", u)
	}
}

func TestSSORefusesUnprovenLocalAccountUntilLinkedWhileSignedIn(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "admin@example.com"}}})
	// The first sign-up typed an address nobody proved.
	f := e.signIn(t, ssotest.Login{Email: "admin@example.com"})
	wantRefusal(t, f.Page, http.StatusForbidden, roster.ReasonEmailUnproven, "admin@example.com", "sign in with its password")
	if sessionCookie(f.Response) != nil && sessionCookie(f.Response).Value != "" {
		t.Errorf("the refused sign-in set a session")
	}
	if n := e.userCount(t, "admin"); n != 1 {
		t.Errorf("%d users named admin after the refusal, want 1", n)
	}
	failed := e.AuditEntries(t, e.Admin.Key, "user:login_failed")
	if len(failed) != 1 || failed[0].Interface != "sso" || failed[0].UserAsset == "" || !strings.Contains(failed[0].Details, roster.ReasonEmailUnproven) {
		t.Fatalf("failed sign-in entries %+v", failed)
	}

	// Signed in with the password, the same person links the identity.
	b := ssotest.NewBrowser(t, e.Server.URL)
	u, _ := url.Parse(e.Server.URL)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: "roster_session", Value: string(e.MustLogin("admin", apitest.Password)), Path: "/"}})
	f = b.SignIn("/oidc/login", ssotest.Login{Email: "admin@example.com"})
	if f.StatusCode != http.StatusSeeOther {
		t.Fatalf("sso sign-in while signed in: %d\n%s", f.StatusCode, f.Body)
	}
	admin := e.viewer(t, e.Admin.Session)
	if got := e.viewer(t, apitest.Session(sessionCookie(f.Response).Value)); got.ID != admin.ID {
		t.Fatalf("linked sign-in is %+v, want the admin %s", got, admin.ID)
	}
	// From now on SSO alone signs in, in any browser.
	if got := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "admin@example.com"})); got.ID != admin.ID {
		t.Fatalf("sso sign-in after linking is %+v", got)
	}
}

func TestSSOSignedInAsSomeoneElseDoesNotLinkUnprovenAccount(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "admin@example.com"}}})
	other := e.MustUser(e.Admin.Key, "mallory", "member")
	b := ssotest.NewBrowser(t, e.Server.URL)
	u, _ := url.Parse(e.Server.URL)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: "roster_session", Value: string(other.Session), Path: "/"}})
	f := b.SignIn("/oidc/login", ssotest.Login{Email: "admin@example.com"})
	wantRefusal(t, f.Page, http.StatusForbidden, roster.ReasonEmailUnproven)
}

func TestSSOLinksAccountsCreatedByTrustedPaths(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "ops@example.com"}, {Email: "grace@example.com"}}})
	ops, err := e.App.CreateAdmin(t.Context(), roster.Actor{Via: roster.ViaCLI}, "ops", "ops@example.com", apitest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "ops@example.com"})); got.ID != ops.ID {
		t.Errorf("sso sign-in is %+v, want the command-line admin %s", got, ops.ID)
	}
	scim := e.Must(201, "POST", "/scim/v2/Users", map[string]any{"userName": "grace@example.com",
		"emails": []map[string]any{{"value": "grace@example.com", "primary": true}}}, e.Admin.Key).Map(t)
	if got := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "grace@example.com"})); got.ID != scim["id"] {
		t.Errorf("sso sign-in is %+v, want the SCIM user %v", got, scim["id"])
	}
}
