package api_test

import (
	"strings"
	"testing"

	"roster"
	"roster/internal/apitest"
)

// An invite of a suspended organization is refused saying so, one of a
// deleted organization is an invalid link; and an instance admin who is
// not an admin of the first organization still gets the link of the
// first admin of an organization they create (#18).
func TestInvitesFollowTheirOrganization(t *testing.T) {
	e := apitest.New(t)
	root := e.MustSignup("root")
	cli := roster.Actor{Via: roster.ViaCLI}
	b := e.MustOrg("corp-b", "bella")
	_, pending := e.MustInvite(b.Admin.Key, "pat@example.com", "member")
	accept := map[string]string{"token": pending, "username": "pat", "password": apitest.Password}
	if _, err := e.App.SuspendOrganization(t.Context(), cli, "corp-b"); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, e.Do("POST", "/api/v1/invites/accept", accept, apitest.Anonymous), 401, "organization_suspended")
	if err := e.App.DeleteOrganization(t.Context(), cli, "corp-b"); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, e.Do("POST", "/api/v1/invites/accept", accept, apitest.Anonymous), 404, "invite_invalid")

	ivy := e.MustUser(root.Key, "ivy", "member")
	if _, err := e.App.SetInstanceAdmin(t.Context(), cli, "ivy", true); err != nil {
		t.Fatal(err)
	}
	r := e.Must(201, "POST", "/api/v1/orgs", map[string]string{"name": "corp-c", "admin_email": "cleo@example.com"}, ivy.Key)
	if !strings.Contains(string(r.Body), `"invite_url"`) {
		t.Fatalf("an instance admin's new organization has no invite link for its first admin: %s", r.Body)
	}
}
