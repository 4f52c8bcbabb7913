package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/api"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth/ldap"
	"roster/internal/auth/ldap/ldaptest"
	"roster/internal/license"
)

// ldapEnv is Roster with LDAP sign-in against a seeded slapd, and a local
// admin who signed up with a password.
type ldapEnv struct {
	*apitest.Env
	Dir   *ldaptest.Server
	Admin apitest.User
}

// newLDAP starts slapd and Roster; cfg.Directory is set to the slapd over
// plain LDAP with the service account unless cfg already has one.
func newLDAP(t *testing.T, cfg app.Config) *ldapEnv {
	t.Helper()
	s := ldaptest.Start(t)
	if cfg.Directory == nil {
		cfg.Directory = mustDirectory(t, s, ldap.Options{Address: s.URL})
	}
	e := apitest.NewWith(t, apitest.Options{Config: cfg})
	return &ldapEnv{Env: e, Dir: s, Admin: e.MustSignup("admin")}
}

func mustDirectory(t *testing.T, s *ldaptest.Server, opt ldap.Options) *ldap.Directory {
	t.Helper()
	opt.BaseDN, opt.BindDN, opt.BindPW, opt.RootCAs, opt.Timeout = ldaptest.BaseDN, ldaptest.BindDN, ldaptest.BindPW, s.RootCAs, 5*time.Second
	d, err := ldap.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// ldapLogin posts an LDAP sign-in to the REST API.
func (e *ldapEnv) ldapLogin(login, password string) *apitest.Response {
	e.TB.Helper()
	return e.Do("POST", "/api/v1/login", map[string]string{"login": login, "password": password, "method": "ldap"}, apitest.Anonymous)
}

// mustLDAP signs in through LDAP and returns the signed-in user and session.
func (e *ldapEnv) mustLDAP(t *testing.T, login string) (api.User, apitest.Session) {
	t.Helper()
	r := e.ldapLogin(login, ldaptest.Password)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("ldap sign-in of %s: %d %s", login, r.StatusCode, r.Body)
	}
	var res api.LoginResponse
	r.JSON(t, &res)
	s := sessionOf(r)
	if s == "" {
		t.Fatalf("ldap sign-in of %s set no session", login)
	}
	for _, c := range r.Cookies() {
		// LDAP sign-ins hand out no device token and must not clear the
		// browser's, which its local sign-ins use.
		if c.Name == "roster_device" {
			t.Fatalf("ldap sign-in of %s set the device cookie %+v", login, c)
		}
	}
	return res.User, s
}

// findAudit is an entry with action through ldap whose details hold
// detail and, when user is set, about that user; it fails when none is.
func (e *ldapEnv) findAudit(t *testing.T, action, detail, user string) api.AuditEntry {
	t.Helper()
	got := e.AuditEntries(t, e.Admin.Key, action)
	for _, a := range got {
		if a.Interface == "ldap" && strings.Contains(a.Details, detail) && (user == "" || a.UserAsset == user) {
			return a
		}
	}
	t.Fatalf("no %s entry through ldap with %q about %q in %+v", action, detail, user, got)
	return api.AuditEntry{}
}

// A first LDAP sign-in provisions an active member with the directory's
// address, audited through ldap; the next one, by email, finds the same
// user. Wrong passwords and unknown logins get the same 401, a locked
// directory account a 403 that says so, and each refusal is audited.
func TestLDAPLoginProvisionsAndRefuses(t *testing.T) {
	e := newLDAP(t, app.Config{})
	u, s := e.mustLDAP(t, "ada")
	// Without GORILLA_USE_IDENTIFIER_CLAIMS the username comes from the
	// address, as for SSO.
	if u.Username != "Ada" || u.Email != "Ada@Example.org" || u.Name != "Ada Lovelace" || u.Role != "member" || u.Status != "active" {
		t.Fatalf("provisioned %+v", u)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, s)
	e.findAudit(t, "user:create", "provisioned through ldap as member", u.ID)
	e.findAudit(t, "user:login", "", u.ID)
	again, _ := e.mustLDAP(t, "ADA@example.org")
	if again.ID != u.ID {
		t.Fatalf("second sign-in is %s, want %s", again.ID, u.ID)
	}

	failed := len(e.AuditEntries(t, e.Admin.Key, "user:login_failed"))
	for _, tc := range []struct{ login, password string }{{"ada", "wrong"}, {"nobody", ldaptest.Password}, {"ada", ""}} {
		r := e.ldapLogin(tc.login, tc.password)
		wantProblem(t, r, http.StatusUnauthorized, roster.ReasonBadCredentials)
		if sessionOf(r) != "" {
			t.Errorf("%s: refused sign-in set a session", tc.login)
		}
	}
	r := e.ldapLogin("mallory", ldaptest.Password)
	if p := wantProblem(t, r, http.StatusForbidden, roster.ReasonLDAPAccountDisabled); !strings.Contains(p.Detail, "directory administrator") {
		t.Errorf("locked account: %s", p.Detail)
	}
	// "ada" with an empty password is refused before the directory.
	if n := len(e.AuditEntries(t, e.Admin.Key, "user:login_failed")) - failed; n != 3 {
		t.Fatalf("%d failed sign-ins audited, want 3", n)
	}
	e.findAudit(t, "user:login_failed", "ldap: bad_credentials as ada", "")
	e.findAudit(t, "user:login_failed", "ldap: bad_credentials as nobody", "")
	e.findAudit(t, "user:login_failed", "ldap: ldap_account_disabled as mallory", "")
	if n := len(e.AuditEntries(t, e.Admin.Key, "user:create")); n != 1 {
		t.Fatalf("%d users created, want only ada", n)
	}
	// Unknown methods are refused with a sentence.
	r = e.Do("POST", "/api/v1/login", map[string]string{"login": "ada", "password": ldaptest.Password, "method": "kerberos"}, apitest.Anonymous)
	wantProblem(t, r, http.StatusBadRequest, roster.ReasonInvalidLoginMethod)
}

// Without LOCAL_LDAP_LOGIN the method is refused, and says what to set.
func TestLDAPLoginOff(t *testing.T) {
	e := apitest.New(t)
	e.MustSignup("admin")
	r := e.Do("POST", "/api/v1/login", map[string]string{"login": "ada", "password": "x", "method": "ldap"}, apitest.Anonymous)
	if p := wantProblem(t, r, http.StatusNotFound, roster.ReasonLDAPNotConfigured); !strings.Contains(p.Detail, "LOCAL_LDAP_LOGIN=true") {
		t.Errorf("detail %q", p.Detail)
	}
}

// A directory that is down is a 502 that tells what to do, and local
// admins still sign in with their Roster password.
func TestLDAPDirectoryDown(t *testing.T) {
	e := newLDAP(t, app.Config{})
	e.Dir.Stop()
	r := e.ldapLogin("ada", ldaptest.Password)
	if p := wantProblem(t, r, http.StatusBadGateway, roster.ReasonLDAPUnavailable); !strings.Contains(p.Detail, "Local administrators can still sign in") {
		t.Errorf("detail %q", p.Detail)
	}
	if r := login(e.Env, "admin", apitest.Password); r.StatusCode != http.StatusOK || sessionOf(r) == "" {
		t.Fatalf("local admin sign-in with the directory down: %d %s", r.StatusCode, r.Body)
	}
}

// StartTLS and LDAPS carry the sign-in with a certificate made in the test.
func TestLDAPLoginOverTLS(t *testing.T) {
	for _, tc := range []struct {
		name     string
		startTLS bool
	}{{"starttls", true}, {"ldaps", false}} {
		t.Run(tc.name, func(t *testing.T) {
			s := ldaptest.Start(t)
			addr := s.URL
			if !tc.startTLS {
				addr = s.TLSURL
			}
			e := apitest.NewWith(t, apitest.Options{Config: app.Config{Directory: mustDirectory(t, s, ldap.Options{Address: addr, StartTLS: tc.startTLS})}})
			e.MustSignup("admin")
			r := e.Do("POST", "/api/v1/login", map[string]string{"login": "grace", "password": ldaptest.Password, "method": "ldap"}, apitest.Anonymous)
			if r.StatusCode != http.StatusOK || sessionOf(r) == "" {
				t.Fatalf("%d %s", r.StatusCode, r.Body)
			}
		})
	}
}

// Failed LDAP passwords spend the sign-in failure budget: after ten the
// login is refused with 429 before the directory is asked, even with the
// right password.
func TestLDAPLoginRateLimited(t *testing.T) {
	e := newLDAP(t, app.Config{})
	for i := 0; i < 10; i++ {
		wantProblem(t, e.ldapLogin("grace", "guess"), http.StatusUnauthorized, roster.ReasonBadCredentials)
	}
	wantProblem(t, e.ldapLogin("grace", ldaptest.Password), http.StatusTooManyRequests, roster.ReasonRateLimited)
	e.Clock.Advance(11 * time.Minute)
	e.mustLDAP(t, "grace")
}

// teamsOf maps the teams among names that username is in to the role.
func teamsOf(t *testing.T, e *apitest.Env, admin apitest.Cred, username string, names ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, team := range names {
		var list struct {
			Members []struct{ Username, Role string } `json:"members"`
		}
		e.Must(200, "GET", "/api/v1/teams/"+url.PathEscape(team)+"/members", nil, admin).JSON(t, &list)
		for _, m := range list.Members {
			if m.Username == username {
				out[team] = m.Role
			}
		}
	}
	return out
}

// GORILLA_LDAP_GROUP_SYNC: each sign-in joins the teams the directory's
// groups name (by team name, or by a group DN in idp_groups) and leaves
// the ones a group no longer names; memberships added by hand stay.
func TestLDAPGroupSync(t *testing.T) {
	e := newLDAP(t, app.Config{LDAPGroupSync: true})
	for _, team := range []string{"ml", "cv", "manual"} {
		e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": team, "storage": map[string]string{"type": "default"}}, e.Admin.Key)
	}
	e.Must(200, "PATCH", "/api/v1/teams/cv", map[string]any{"idp_groups": []string{ldaptest.GroupDN("vision")}}, e.Admin.Key)
	all := []string{"ml", "cv", "manual"}

	u, _ := e.mustLDAP(t, "ada")
	if got := teamsOf(t, e.Env, e.Admin.Key, u.Username, all...); len(got) != 2 || got["ml"] != "member" || got["cv"] != "member" {
		t.Fatalf("after the first sign-in ada is in %v, want ml and cv", got)
	}
	e.Must(201, "POST", "/api/v1/teams/manual/members", map[string]string{"username": u.Username}, e.Admin.Key)
	e.Dir.SetGroupMembers(t, "vision")       // ada leaves vision
	e.Dir.SetGroupMembers(t, "ml", "grace")  // and ml
	e.Dir.SetGroupMembers(t, "staff", "ada") // staff names no team
	e.mustLDAP(t, "ada")
	if got := teamsOf(t, e.Env, e.Admin.Key, u.Username, all...); len(got) != 1 || got["manual"] != "member" {
		t.Fatalf("after leaving the groups ada is in %v, want only manual (added by hand)", got)
	}
	var joins, leaves int
	for _, a := range e.AuditEntries(t, e.Admin.Key, "team:invite_user") {
		if a.Interface == "ldap" && strings.Contains(a.Details, "ldap groups") {
			joins++
		}
	}
	for _, a := range e.AuditEntries(t, e.Admin.Key, "team:uninvite") {
		if a.Interface == "ldap" && strings.Contains(a.Details, "no longer in the ldap groups") {
			leaves++
		}
	}
	if joins != 2 || leaves != 2 {
		t.Fatalf("%d joins and %d leaves audited through ldap, want 2 and 2", joins, leaves)
	}
}

// Without GORILLA_LDAP_GROUP_SYNC the groups change no membership.
func TestLDAPGroupSyncOff(t *testing.T) {
	e := newLDAP(t, app.Config{})
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, e.Admin.Key)
	u, _ := e.mustLDAP(t, "ada")
	if got := teamsOf(t, e.Env, e.Admin.Key, u.Username, "ml"); len(got) != 0 {
		t.Fatalf("ada joined %v without group sync", got)
	}
}

// LOCAL_LDAP_GROUP_ALLOW_LIST admits only members of its groups, by DN or
// by name; others get a 403 that names the setting, audited.
func TestLDAPGroupAllowList(t *testing.T) {
	e := newLDAP(t, app.Config{LDAPGroupAllowList: []string{ldaptest.GroupDN("vision"), "STAFF"}})
	e.mustLDAP(t, "ada")   // vision and staff
	e.mustLDAP(t, "grace") // staff, by name
	r := e.ldapLogin("linus", ldaptest.Password)
	if p := wantProblem(t, r, http.StatusForbidden, roster.ReasonLDAPGroupNotAllowed); !strings.Contains(p.Detail, "LOCAL_LDAP_GROUP_ALLOW_LIST") {
		t.Errorf("detail %q", p.Detail)
	}
	e.findAudit(t, "user:login_failed", "ldap_group_not_allowed", "")
	if n := len(e.AuditEntries(t, e.Admin.Key, "user:create")); n != 2 {
		t.Fatalf("%d users created, want ada and grace", n)
	}
}

// A first LDAP sign-in takes a seat: with every seat taken the person is
// refused with 409 and no user is made; seat holders still get in.
func TestLDAPSeatLimit(t *testing.T) {
	sg := newSigner(t)
	doc, pub := sg.issue(t, 2, time.Now().AddDate(1, 0, 0), license.SSO), sg.pub
	e := newLDAP(t, app.Config{License: doc, LicenseKey: pub})
	e.mustLDAP(t, "ada")
	wantProblem(t, e.ldapLogin("grace", ldaptest.Password), http.StatusConflict, roster.ReasonSeatLimitReached)
	if n := len(e.AuditEntries(t, e.Admin.Key, "user:create")); n != 1 {
		t.Fatalf("%d users created, want 1", n)
	}
	e.mustLDAP(t, "ada")
}

// DISABLE_SSO_PROVISIONING also covers LDAP: strangers are refused with a
// page that says to ask for an invite; invited people get in.
func TestLDAPProvisioningDisabled(t *testing.T) {
	e := newLDAP(t, app.Config{DisableSSOProvisioning: true})
	wantProblem(t, e.ldapLogin("ada", ldaptest.Password), http.StatusForbidden, roster.ReasonSSONotProvisioned)
	e.MustInvite(e.Admin.Key, "grace@example.org", "viewer")
	u, _ := e.mustLDAP(t, "grace")
	if u.Role != "viewer" || u.Status != "active" {
		t.Fatalf("invited grace signed in as %+v", u)
	}
}

// No escalation: an LDAP sign-in links to an existing account only when
// its address was proven, keeps that account's role, and gives new
// accounts the member role. A directory entry that claims the signed-up
// admin's unproven address is refused and gets no session.
func TestLDAPNoEscalation(t *testing.T) {
	e := newLDAP(t, app.Config{})
	e.Dir.AddPerson(t, "eve", "admin@example.com", "Eve")
	r := e.ldapLogin("eve", ldaptest.Password)
	wantProblem(t, r, http.StatusForbidden, roster.ReasonEmailUnproven)
	if sessionOf(r) != "" {
		t.Fatal("the refused sign-in set a session")
	}
	e.findAudit(t, "user:login_failed", "ldap: email_unproven", e.Admin.ID)

	// carol accepted an invite (which proves her address) as viewer; her
	// directory entry's address differs in case only.
	carol := e.MustUser(e.Admin.Key, "carol", "viewer")
	e.Dir.AddPerson(t, "carol.d", "Carol@Example.com", "Carol D")
	u, _ := e.mustLDAP(t, "carol.d")
	if u.ID != carol.ID || u.Role != "viewer" {
		t.Fatalf("carol's ldap sign-in is %+v, want her account %s as viewer", u, carol.ID)
	}
	e.MustUser(e.Admin.Key, "dana", "admin")
	e.Dir.AddPerson(t, "dana", "dana@example.com", "Dana")
	if u, _ := e.mustLDAP(t, "dana"); u.Role != "admin" {
		t.Fatalf("dana is %s after ldap, want admin kept", u.Role)
	}
	if u, _ := e.mustLDAP(t, "linus"); u.Role != "member" {
		t.Fatalf("a new ldap user is %s, want member", u.Role)
	}
}

// A Roster account deactivated by an admin stays out, whatever the
// directory says, and the refusal is audited through ldap.
func TestLDAPDeactivatedUserRefused(t *testing.T) {
	e := newLDAP(t, app.Config{})
	u, _ := e.mustLDAP(t, "grace")
	e.Must(200, "POST", "/api/v1/users/"+u.ID+"/deactivate", nil, e.Admin.Key)
	r := e.ldapLogin("grace", ldaptest.Password)
	wantProblem(t, r, http.StatusForbidden, roster.ReasonDeactivated)
	if sessionOf(r) != "" {
		t.Fatal("a deactivated user got a session")
	}
	e.findAudit(t, "user:login_failed", "ldap: deactivated", u.ID)
}
