package sso_test

import (
	"net/http"
	"testing"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/sso/ssotest"
)

func TestFirstSSOSignInProvisionsMember(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{
		{Email: "alice@example.com", Name: "Alice Liddell", PreferredUsername: "ally"},
	}})
	f := ssotest.NewBrowser(t, e.Server.URL).SignIn("/oidc/login?return_to=/teams%3Ftab%3D1", ssotest.Login{Email: "alice@example.com"})
	if f.StatusCode != http.StatusSeeOther || f.Header.Get("Location") != "/teams?tab=1" {
		t.Fatalf("callback: %d to %q, want 303 to /teams?tab=1:\n%s", f.StatusCode, f.Header.Get("Location"), f.Body)
	}
	c := sessionCookie(f.Response)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure on http", c)
	}
	for _, c := range f.Cookies() {
		if c.Name == "roster_oidc" && c.MaxAge >= 0 {
			t.Errorf("the sign-in cookie was not cleared: %+v", c)
		}
	}
	u := e.viewer(t, apitest.Session(c.Value))
	// Without identifier claims the username comes from the email.
	if u.Username != "alice" || u.Role != "member" || u.Status != "active" || u.Name != "Alice Liddell" || u.Email != "alice@example.com" {
		t.Fatalf("provisioned user %+v", u)
	}
	created := e.AuditEntries(t, e.Admin.Key, "user:create")
	if len(created) != 1 || created[0].Interface != "sso" || created[0].UserEmail != "alice@example.com" {
		t.Fatalf("user:create entries %+v, want one through sso", created)
	}
	logins := e.AuditEntries(t, e.Admin.Key, "user:login")
	if n := len(logins); n == 0 || logins[n-1].Interface != "sso" || logins[n-1].UserAsset != u.ID {
		t.Fatalf("user:login entries %+v, want the sso sign-in last", logins)
	}

	// The next sign-in finds the same user through the linked identity.
	s := e.mustSignIn(t, ssotest.Login{Email: "alice@example.com"})
	if again := e.viewer(t, s); again.ID != u.ID {
		t.Fatalf("second sign-in is user %s, want %s", again.ID, u.ID)
	}
	if n := len(e.AuditEntries(t, e.Admin.Key, "user:create")); n != 1 {
		t.Fatalf("%d user:create entries after the second sign-in, want 1", n)
	}
}

func TestSSOLinksExistingUserByVerifiedEmail(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "carol@example.com", Name: "Carol"}}})
	carol := e.MustUser(e.Admin.Key, "carol", "viewer")
	s := e.mustSignIn(t, ssotest.Login{Email: "carol@example.com"})
	u := e.viewer(t, s)
	if u.ID != carol.ID || u.Username != "carol" || u.Role != "viewer" {
		t.Fatalf("sso sign-in is %+v, want the local user carol (%s) as viewer", u, carol.ID)
	}
	if n := e.userCount(t, "carol"); n != 1 {
		t.Fatalf("%d users named carol, want 1", n)
	}
}

func TestSSOProvisioningDisabled(t *testing.T) {
	e := newSSO(t, app.Config{DisableSSOProvisioning: true}, ssotest.Options{Users: []ssotest.User{
		{Email: "stranger@example.com"}, {Email: "invitee@example.com", Name: "Ivy Invitee"},
	}})

	f := e.signIn(t, ssotest.Login{Email: "stranger@example.com"})
	wantRefusal(t, f.Page, http.StatusForbidden, "sso_not_provisioned", "ask your administrator")
	if n := e.userCount(t, "stranger"); n != 0 {
		t.Fatalf("a refused stranger left %d user rows", n)
	}
	if got := e.AuditEntries(t, e.Admin.Key, "user:login_failed"); len(got) != 1 || got[0].Interface != "sso" || got[0].UserEmail != "stranger@example.com" {
		t.Fatalf("failed sign-in entries %+v", got)
	}

	// An invited person gets in, accepting the invite with the invited
	// role and the team membership attached to the invite.
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, e.Admin.Key)
	id, _ := e.MustInvite(e.Admin.Key, "invitee@example.com", "viewer")
	e.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"email": "invitee@example.com"}, e.Admin.Key)
	s := e.mustSignIn(t, ssotest.Login{Email: "invitee@example.com"})
	u := e.viewer(t, s)
	if u.ID != id || u.Status != "active" || u.Role != "viewer" || u.Username != "invitee" || u.Name != "Ivy Invitee" {
		t.Fatalf("invited user after sso sign-in: %+v", u)
	}
	var members struct {
		Members []struct{ ID, Role string } `json:"members"`
	}
	e.Must(200, "GET", "/api/v1/teams/vision/members", nil, e.Admin.Key).JSON(t, &members)
	if len(members.Members) != 2 {
		t.Fatalf("vision members %+v, want the admin and the invitee", members.Members)
	}
	// The invite is used up: there is nothing left to resend.
	e.Must(409, "POST", "/api/v1/users/"+id+"/invite/resend", nil, e.Admin.Key)
	if got := e.AuditEntries(t, e.Admin.Key, "user:accept_invite"); len(got) != 1 || got[0].Interface != "sso" {
		t.Fatalf("accept entries %+v", got)
	}
}

func TestSSODeactivatedUserRefused(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "dave@example.com"}, {Email: "erin@example.com"}}})
	e.mustSignIn(t, ssotest.Login{Email: "dave@example.com"})
	e.Must(200, "POST", "/api/v1/users/dave/deactivate", nil, e.Admin.Key)
	f := e.signIn(t, ssotest.Login{Email: "dave@example.com"})
	wantRefusal(t, f.Page, http.StatusForbidden, "deactivated", "deactivated", "reactivate")

	// Also when the deactivated user never used SSO before (S5 by email).
	e.MustUser(e.Admin.Key, "erin", "member")
	e.Must(200, "POST", "/api/v1/users/erin/deactivate", nil, e.Admin.Key)
	f = e.signIn(t, ssotest.Login{Email: "erin@example.com"})
	wantRefusal(t, f.Page, http.StatusForbidden, "deactivated")
	if got := e.AuditEntries(t, e.Admin.Key, "user:login_failed"); len(got) != 2 || got[1].UserEmail != "erin@example.com" {
		t.Fatalf("failed sign-in entries %+v, want dave's and erin's", got)
	}
}

func TestSSOUnverifiedEmailRefused(t *testing.T) {
	e := newSSO(t, app.Config{}, ssotest.Options{Users: []ssotest.User{{Email: "eve@example.com", Unverified: true}}})
	f := e.signIn(t, ssotest.Login{Email: "eve@example.com"})
	wantRefusal(t, f.Page, http.StatusForbidden, "email_unverified", "not verified")
	if n := e.userCount(t, "eve"); n != 0 {
		t.Fatalf("an unverified email made %d users", n)
	}
}

func TestSSOIdentifierClaims(t *testing.T) {
	e := newSSO(t, app.Config{UseIdentifierClaims: true}, ssotest.Options{Users: []ssotest.User{
		{Email: "frank@example.com", Name: "Frank Tank", PreferredUsername: "frank.the.tank"},
	}})
	u := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: "frank@example.com"}))
	if u.Username != "frank-the-tank" || u.Name != "Frank Tank" {
		t.Fatalf("user %+v, want username frank-the-tank and name Frank Tank", u)
	}
}
