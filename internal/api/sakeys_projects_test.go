package api_test

// Issue 14, service accounts in restricted projects and W&B's project
// visibility scopes: black-box tests on the team fixture.

import (
	"strings"
	"testing"

	"roster/internal/apitest"
)

// wantCode checks a problem document's status and stable code.
func wantCode(t *testing.T, r *apitest.Response, status int, code string) {
	t.Helper()
	if r.StatusCode != status || !strings.Contains(string(r.Body), `"code":"`+code+`"`) {
		t.Errorf("got %d %s, want %d with code %s", r.StatusCode, r.Body, status, code)
	}
}

// A1, W1: a team's or the organization's service account can be added to a
// restricted project by its admins and then reads it and logs runs to it;
// a team service account of another team cannot be added, and neither
// project members nor other teams' admins may add anyone.
func TestServiceAccountsInRestrictedProjects(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	rp := "/api/v1/teams/ml/projects/" + fxRestrictedProject
	teamSA, orgSA := f.cred[colTeamSA], f.cred[colOrgSA]
	for _, sa := range []apitest.Cred{teamSA, orgSA} {
		e.Must(404, "GET", rp, nil, sa)
		e.Must(404, "POST", rp+"/runs", map[string]any{"name": "early"}, sa)
	}
	// Denials: a project member without project:update, another team's
	// admin, and the service account itself adding itself.
	e.Must(403, "POST", rp+"/members", map[string]string{"username": f.teamSAID}, f.cred[colTeamMember])
	e.Must(404, "POST", rp+"/members", map[string]string{"username": f.orgSAID}, f.cred[colCVAdmin])
	e.Must(404, "POST", rp+"/members", map[string]string{"username": f.orgSAID}, orgSA)
	e.Must(404, "POST", rp+"/members", map[string]string{"username": f.teamSAID}, teamSA)
	cvSA := e.Must(201, "POST", "/api/v1/teams/cv/service-accounts", map[string]string{"name": "cv-bot"}, f.cred[colCVAdmin]).Map(t)
	wantCode(t, e.Do("POST", rp+"/members", map[string]string{"username": cvSA["id"].(string)}, tadmin), 409, "service_account_other_team")
	e.Must(404, "GET", rp, nil, apitest.Key(cvSA["key"].(string)))

	before := e.AuditCount("project:add_member")
	e.Must(204, "POST", rp+"/members", map[string]string{"username": f.teamSAID}, tadmin)
	e.Must(204, "POST", rp+"/members", map[string]string{"username": f.orgSAID}, f.admin.Key)
	if got := e.AuditCount("project:add_member") - before; got != 2 {
		t.Errorf("adding two service accounts wrote %d project:add_member entries, want 2", got)
	}
	for _, sa := range []apitest.Cred{teamSA, orgSA} {
		e.Must(200, "GET", rp, nil, sa)
		e.Must(200, "GET", rp+"/runs/"+f.restrictedRunID, nil, sa)
		e.Must(201, "POST", rp+"/runs", map[string]any{"name": "by-sa"}, sa)
		if list := e.Must(200, "GET", "/api/v1/teams/ml/projects", nil, sa); !strings.Contains(string(list.Body), fxRestrictedProject) {
			t.Errorf("an added service account does not list the restricted project: %s", list.Body)
		}
	}
	// Added service accounts hold their own rights, not more.
	e.Must(403, "PATCH", rp, map[string]string{"description": "sa edit"}, teamSA)
	e.Must(204, "DELETE", rp+"/members/"+f.teamSAID, nil, tadmin)
	e.Must(404, "GET", rp, nil, teamSA)
	e.Must(404, "DELETE", rp+"/members/"+f.teamSAID, nil, tadmin)
	e.Must(200, "GET", rp, nil, orgSA)
}

// W&B's Open scope: every member of the organization reads an open project
// and logs runs to it; changing it stays with the team; viewers stay
// read-only (O5); teams that keep projects private refuse it (T6).
func TestOpenProjects(t *testing.T) {
	f := newTeamFixture(t)
	e := f.e
	op := "/api/v1/teams/ml/projects/oprj-india"
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "oprj-india", "visibility": "open"}, f.cred[colTeamAdmin])
	if got := e.Must(200, "GET", op, nil, f.cred[colTeamMember]).Map(t)["visibility"]; got != "open" {
		t.Errorf("visibility %v, want open", got)
	}
	for _, col := range []string{colOrgMember, colNonMember, colOrgSA, colTeamMember} {
		e.Must(200, "GET", op, nil, f.cred[col])
		e.Must(201, "POST", op+"/runs", map[string]any{"name": "open-" + col}, f.cred[col])
	}
	list := e.Must(200, "GET", "/api/v1/teams/ml/projects", nil, f.cred[colOrgMember])
	if !strings.Contains(string(list.Body), "oprj-india") || strings.Contains(string(list.Body), fxTeamProject) {
		t.Errorf("an organization member lists %s, want the open project and no team project", list.Body)
	}
	// Only the team changes the project; outsiders log runs but do not edit it.
	e.Must(403, "PATCH", op, map[string]string{"description": "outsider edit"}, f.cred[colOrgMember])
	e.Must(403, "PATCH", op, map[string]string{"visibility": "team"}, f.cred[colNonMember])
	e.Must(403, "DELETE", op, nil, f.cred[colOrgMember])
	// A viewer reads but cannot log (O5); the deactivated and anonymous get nothing.
	e.Must(200, "GET", op, nil, f.cred[colOrgViewer])
	e.Must(403, "POST", op+"/runs", map[string]any{"name": "viewer"}, f.cred[colOrgViewer])
	e.Must(401, "GET", op, nil, f.cred[colDeactivated])
	e.Must(401, "GET", op, nil, apitest.Anonymous)
	// A team service account acts only in its team (A1).
	cvSA := e.Must(201, "POST", "/api/v1/teams/cv/service-accounts", map[string]string{"name": "cv-bot"}, f.cred[colCVAdmin]).Map(t)
	e.Must(404, "POST", op+"/runs", map[string]any{"name": "cv-bot"}, apitest.Key(cvSA["key"].(string)))
	// Teams that make projects private refuse open ones like public ones.
	e.Must(200, "PATCH", "/api/v1/teams/cv", map[string]any{"settings": map[string]bool{"private_projects": true}}, f.cred[colCVAdmin])
	wantCode(t, e.Do("POST", "/api/v1/teams/cv/projects", map[string]string{"name": "o2", "visibility": "open"}, f.cred[colCVAdmin]), 409, "public_forbidden")
	// Going back to team closes it to the organization.
	e.Must(200, "PATCH", op, map[string]string{"visibility": "team"}, f.cred[colTeamAdmin])
	e.Must(404, "GET", op, nil, f.cred[colOrgMember])
	e.Must(404, "POST", op+"/runs", map[string]any{"name": "late"}, f.cred[colNonMember])
}

// W&B: "the owner of a project, a team admin, or an organization admin can
// set or edit a project's visibility". The creator may, without
// project:update, while they may still create projects; other members may
// not; team and organization admins may on anyone's project.
func TestProjectCreatorChangesVisibility(t *testing.T) {
	f := newTeamFixture(t)
	e, tmember := f.e, f.cred[colTeamMember]
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "mine"}, tmember)
	mine := "/api/v1/teams/ml/projects/mine"
	// Denials first: other members, viewers, another team's admin.
	e.Must(403, "PATCH", mine, map[string]string{"visibility": "public"}, f.cred[colCustMember])
	e.Must(403, "PATCH", mine, map[string]string{"visibility": "public"}, f.cred[colTeamViewer])
	e.Must(404, "PATCH", mine, map[string]string{"visibility": "public"}, f.cred[colCVAdmin])
	// The creator changes visibility, but not the description.
	if got := e.Must(200, "PATCH", mine, map[string]string{"visibility": "restricted"}, tmember).Map(t)["visibility"]; got != "restricted" {
		t.Errorf("visibility %v, want restricted", got)
	}
	e.Must(200, "GET", mine, nil, tmember) // the creator stays in their restricted project
	e.Must(403, "PATCH", mine, map[string]string{"description": "x"}, tmember)
	e.Must(403, "PATCH", mine, map[string]string{"visibility": "open", "description": "x"}, tmember)
	// Team and organization admins change anyone's project.
	e.Must(200, "PATCH", mine, map[string]string{"visibility": "open"}, f.cred[colTeamAdmin])
	e.Must(200, "PATCH", mine, map[string]string{"visibility": "team"}, f.admin.Key)
	// A creator demoted to viewer no longer may.
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "viewer"}, f.cred[colTeamAdmin])
	e.Must(403, "PATCH", mine, map[string]string{"visibility": "public"}, tmember)
}
