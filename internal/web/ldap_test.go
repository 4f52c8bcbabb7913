package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth/ldap"
	"roster/internal/auth/ldap/ldaptest"
)

// ldapWeb starts slapd and Roster with LDAP sign-in, and a local admin.
func ldapWeb(t *testing.T) (*apitest.Env, *ldaptest.Server) {
	t.Helper()
	s := ldaptest.Start(t)
	d, err := ldap.New(ldap.Options{Address: s.URL, BaseDN: ldaptest.BaseDN, BindDN: ldaptest.BindDN, BindPW: ldaptest.BindPW, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e := apitest.NewWith(t, apitest.Options{Config: app.Config{Directory: d}})
	e.MustSignup("admin")
	return e, s
}

// The sign-in page offers the LDAP form when LDAP is on; it signs the
// person in and lands on the next page; a wrong password is shown above
// the LDAP form, which keeps the login.
func TestLDAPSignInForm(t *testing.T) {
	e, _ := ldapWeb(t)
	c := e.NewWebClient()
	page := c.Get("/sign-in")
	for _, want := range []string{`id="ldap-form"`, `name="method" value="ldap"`, `id="signin-form"`} {
		if !strings.Contains(string(page.Body), want) {
			t.Fatalf("sign-in page lacks %s", want)
		}
	}
	r := c.Post("/sign-in", url.Values{"method": {"ldap"}, "login": {"grace"}, "password": {"wrong"}})
	body := string(r.Body)
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "wrong username, email or password") || !strings.Contains(body, `value="grace"`) {
		t.Fatalf("wrong password: %d %.600s", r.StatusCode, body)
	}
	r = c.Post("/sign-in", url.Values{"method": {"ldap"}, "login": {"grace"}, "password": {ldaptest.Password}, "next": {"/teams"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/teams" {
		t.Fatalf("ldap sign-in: %d to %q: %.300s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if p := c.Get("/profile"); p.StatusCode != http.StatusOK || !strings.Contains(string(p.Body), "grace@example.org") {
		t.Fatalf("profile after ldap sign-in: %d", p.StatusCode)
	}
}

// Without LDAP the page has no LDAP form.
func TestSignInPageWithoutLDAP(t *testing.T) {
	e := apitest.New(t)
	e.MustSignup("admin")
	if body := string(e.NewWebClient().Get("/sign-in").Body); strings.Contains(body, "ldap-form") {
		t.Fatal("the sign-in page offers LDAP while it is off")
	}
}

// With the directory down the LDAP form answers 502 with a message that
// says what to do, the local form is still there, and the local admin
// signs in with it.
func TestLDAPSignInDirectoryDown(t *testing.T) {
	e, s := ldapWeb(t)
	s.Stop()
	c := e.NewWebClient()
	r := c.Post("/sign-in", url.Values{"method": {"ldap"}, "login": {"grace"}, "password": {ldaptest.Password}})
	body := string(r.Body)
	if r.StatusCode != http.StatusBadGateway || !strings.Contains(body, "LDAP directory cannot be reached") ||
		!strings.Contains(body, "Local administrators can still sign in") || !strings.Contains(body, `id="signin-form"`) {
		t.Fatalf("directory down: %d %.800s", r.StatusCode, body)
	}
	e.MustWebSignIn("admin", apitest.Password)
}

// The team's General tab sets its identity provider groups, one a line,
// for organization admins only; bad lists are refused beside the field.
func TestTeamIDPGroupsForm(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("admin")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "cv", "storage": map[string]string{"type": "default"}}, admin.Key)
	groups := func() []any {
		t.Helper()
		g, _ := e.Must(200, "GET", "/api/v1/teams/cv", nil, admin.Key).Map(t)["idp_groups"].([]any)
		return g
	}
	c := e.MustWebSignIn("admin", apitest.Password)
	r := c.Post("/teams/cv/settings/idp-groups", url.Values{"idp_groups": {"cn=vision,ou=groups,dc=example,dc=org\n\n /ml/vision \n"}})
	if r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), "Identity provider groups saved") {
		t.Fatalf("save: %d %.400s", r.StatusCode, r.Body)
	}
	if g := groups(); len(g) != 2 || !slices.Contains(g, any("cn=vision,ou=groups,dc=example,dc=org")) || !slices.Contains(g, any("/ml/vision")) {
		t.Fatalf("idp_groups %v", g)
	}
	if page := string(c.Get("/teams/cv/settings/general").Body); !strings.Contains(page, "/ml/vision") {
		t.Fatalf("the General tab does not show the groups")
	}
	r = c.Post("/teams/cv/settings/idp-groups", url.Values{"idp_groups": {strings.Repeat("x", 2000)}})
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), `id="idp-groups-form"`) {
		t.Fatalf("overlong group: %d %.400s", r.StatusCode, r.Body)
	}

	// A team admin who is not an organization admin may not change them.
	e.MustUser(admin.Key, "tina", "member")
	e.Must(201, "POST", "/api/v1/teams/cv/members", map[string]string{"username": "tina", "role": "admin"}, admin.Key)
	tina := e.MustWebSignIn("tina", apitest.Password)
	if page := string(tina.Get("/teams/cv/settings/general").Body); !strings.Contains(page, "Only organization admins can change them") {
		t.Fatal("the form does not say who may change the groups")
	}
	if r := tina.Post("/teams/cv/settings/idp-groups", url.Values{"idp_groups": {"evil"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("team admin: %d", r.StatusCode)
	}
	if g := groups(); len(g) != 2 {
		t.Fatalf("a team admin changed idp_groups to %v", g)
	}
	// Clearing the textarea clears the list.
	c.Post("/teams/cv/settings/idp-groups", url.Values{"idp_groups": {""}})
	if g := groups(); len(g) != 0 {
		t.Fatalf("idp_groups %v after clearing", g)
	}
}

// The sign-in link of an organization (/sign-in?org=NAME) carries it to
// the LDAP form, which then signs in to the person's row there: grace,
// invited to corp-b, lands in corp-b as its invited member (#18).
func TestLDAPSignInFormOfAnOrganization(t *testing.T) {
	e, _ := ldapWeb(t)
	b := e.MustOrg("corp-b", "bella")
	invited, _ := e.MustInvite(b.Admin.Key, "grace@example.org", "member")
	c := e.NewWebClient()
	page := string(c.Get("/sign-in?org=corp-b").Body)
	for _, want := range []string{`<input type="hidden" name="org" value="corp-b">`, `Sign in with LDAP to corp-b</button>`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the LDAP form of corp-b's sign-in link lacks %s:\n%.3000s", want, page)
		}
	}
	r := c.Post("/sign-in", url.Values{"method": {"ldap"}, "login": {"grace"}, "password": {ldaptest.Password},
		"org": {"corp-b"}, "org_from_link": {"1"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ldap sign-in to corp-b: %d %.600s", r.StatusCode, r.Body)
	}
	var v struct{ User struct{ ID string } }
	c.Get("/api/v1/viewer").JSON(t, &v)
	if v.User.ID != invited {
		t.Errorf("signed in to corp-b as %s, want its invited %s", v.User.ID, invited)
	}
}
