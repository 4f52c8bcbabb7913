package api_test

import (
	"net/http"
	"testing"

	"roster"
	"roster/internal/api"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth/ldap/ldaptest"
)

// An LDAP sign-in that names an organization signs in to the person's row
// there (#18). An invite of that organization is accepted and joins the
// account the directory identity already has, with its role; later
// sign-ins naming it find that row, and those naming none the identity's
// own. An organization the person is not in answers exactly as one that
// does not exist, and a row deactivated in one organization leaves the
// other's sign-in working.
func TestLDAPSignInToAnotherOrganization(t *testing.T) {
	e := newLDAP(t, app.Config{})
	home, _ := e.mustLDAP(t, "ada")
	b := e.MustOrg("corp-b", "bella")
	signIn := func(org string) *apitest.Response {
		return e.Do("POST", "/api/v1/login", map[string]string{"login": "ada", "password": ldaptest.Password,
			"method": "ldap", "organization": org}, apitest.Anonymous)
	}
	notMember := wantProblem(t, signIn("corp-b"), http.StatusNotFound, roster.ReasonNotAMember)
	nowhere := wantProblem(t, signIn("no-such-org"), http.StatusNotFound, roster.ReasonNotAMember)
	if notMember != nowhere {
		t.Errorf("not a member of corp-b: %+v; of an organization that does not exist: %+v", notMember, nowhere)
	}
	if n := len(e.AuditEntries(t, b.Admin.Key, "user:create")); n != 1 {
		t.Errorf("corp-b made %d users, want only its admin: ada's email maps nowhere near it", n)
	}

	invited, _ := e.MustInvite(b.Admin.Key, "ada@example.org", "viewer")
	r := signIn("corp-b")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("ldap sign-in to corp-b with its invite: %d %s", r.StatusCode, r.Body)
	}
	var res api.LoginResponse
	r.JSON(t, &res)
	if res.User.ID != invited || res.User.Role != "viewer" || res.User.Status != "active" {
		t.Fatalf("signed in to corp-b as %+v, want the invited viewer %s, active", res.User, invited)
	}
	var ms api.MembershipList
	e.Must(200, "GET", "/api/v1/memberships", nil, sessionOf(r)).JSON(t, &ms)
	if len(ms.Memberships) != 2 {
		t.Fatalf("ada's memberships after joining corp-b: %+v, want both organizations", ms.Memberships)
	}
	for _, log := range []struct {
		org   string
		admin apitest.Cred
		want  int
	}{{"corp-b", b.Admin.Key, 1}, {"the first organization", e.Admin.Key, 0}} {
		var byLDAP []api.AuditEntry
		for _, a := range e.AuditEntries(t, log.admin, "user:accept_invite") {
			if a.Interface == "ldap" {
				byLDAP = append(byLDAP, a)
			}
		}
		if len(byLDAP) != log.want || log.want == 1 && byLDAP[0].UserAsset != invited {
			t.Errorf("invites accepted through ldap in the log of %s: %+v, want %d about %s", log.org, byLDAP, log.want, invited)
		}
	}
	if again, _ := e.mustLDAP(t, "ada"); again.ID != home.ID {
		t.Errorf("a sign-in naming no organization went to %s, want the identity's own %s", again.ID, home.ID)
	}
	r = signIn("corp-b")
	r.JSON(t, &res)
	if r.StatusCode != http.StatusOK || res.User.ID != invited {
		t.Errorf("second sign-in to corp-b: %d %+v, want %s", r.StatusCode, res.User, invited)
	}

	e.Must(200, "POST", "/api/v1/users/"+invited+"/deactivate", nil, b.Admin.Key)
	wantProblem(t, signIn("corp-b"), http.StatusForbidden, roster.ReasonDeactivated)
	if again, _ := e.mustLDAP(t, "ada"); again.ID != home.ID {
		t.Errorf("after corp-b deactivated its row, the first organization's sign-in went to %s", again.ID)
	}
}
