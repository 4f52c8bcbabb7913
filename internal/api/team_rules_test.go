package api_test

// The rules of teams, team roles, custom roles, service accounts, projects
// and runs (issue 3) beyond the authorization matrix. Every test builds the
// fixture of team_fixture_test.go: team ml with tadmin (admin), tmember,
// tviewer, cmember (member-plus), cviewer (viewer-plus), oviewer (an
// organization viewer) and bystander, service account ml-bot, projects
// tprj-alpha (team), rprj-bravo (restricted), pprj-charlie (public).

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"roster/internal/apitest"
)

// T5, O9, W3: a member's runs stay in the team with their author after the
// member leaves the team, is deactivated, or is removed from the
// organization; projects keep their creator.
func TestTeamRemovedMembersRunsKeepTheirAuthor(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, tadmin := f.e, f.admin.Key, f.cred[colTeamAdmin]
	f.mustRun(f.users["tmember"].Key, fxTeamProject, "by-tmember")
	f.mustRun(f.users["cmember"].Key, fxTeamProject, "by-cmember")
	f.mustRun(f.users["bystander"].Key, fxTeamProject, "by-bystander")

	e.Must(204, "DELETE", "/api/v1/teams/ml/members/tmember", nil, tadmin)
	e.Must(200, "POST", "/api/v1/users/cmember/deactivate", nil, adm)
	e.Must(204, "DELETE", "/api/v1/users/"+f.users["bystander"].ID, nil, adm)

	if roles := teamMemberRoles(t, e, tadmin, "ml"); roles["tmember"] != "" || roles["bystander"] != "" {
		t.Errorf("removed members still listed: %v", roles)
	}
	runs := teamRuns(t, e, tadmin, fxTeamProject)
	for name, author := range map[string]string{"by-tmember": "tmember", "by-cmember": "cmember",
		"by-bystander": "bystander", fxRunName: "bystander"} {
		if r := runs[name]; r.Author != author || r.Creator != author {
			t.Errorf("run %s: author %q creator %q, want %q: %+v", name, r.Author, r.Creator, author, r)
		}
	}
	r := e.Must(200, "GET", "/api/v1/teams/ml/projects/tprj-alpha/runs/"+f.runID, nil, tadmin).Map(t)
	if r["author"] != "bystander" {
		t.Errorf("run %s read alone: author %v, want bystander", f.runID, r["author"])
	}
	if p := e.Must(200, "GET", "/api/v1/teams/ml/projects/pprj-charlie", nil, tadmin).Map(t); p["created_by"] != "bystander" {
		t.Errorf("project created by a removed user: created_by %v, want bystander", p["created_by"])
	}
	// The member who left lost access to the team's data.
	e.Must(404, "GET", "/api/v1/teams/ml/projects/tprj-alpha/runs", nil, f.users["tmember"].Key)
}

// O5: an organization viewer holding the team admin role reads the team
// but every write is refused, and nothing is audited for the attempts.
func TestTeamOrgViewerAsTeamAdminCannotWrite(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/oviewer", map[string]string{"role": "admin"}, tadmin)
	v := f.users["oviewer"].Key

	var team struct {
		Role        string
		Permissions []string
	}
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/ml", nil, v), &team)
	want := []string{"team:read", "team:read_usage", "project:read", "run:read",
		"artifact:read", "report:read", "sweep:read", "launchagent:read", "launchqueue:read", "registry:read"} // W&B's reads too
	if team.Role != "admin" || !slices.Equal(team.Permissions, want) {
		t.Errorf("viewer as team admin: role %q permissions %v, want admin %v", team.Role, team.Permissions, want)
	}
	before := e.AuditCount("")
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/v1/teams/ml/projects", map[string]string{"name": "viewer-project"}},
		{"POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember"}},
		{"PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"members_can_invite": true}}},
		{"PATCH", "/api/v1/teams/ml", map[string]string{"display_name": "Viewer's team"}},
		{"PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "viewer"}},
		{"DELETE", "/api/v1/teams/ml/members/tmember", nil},
		{"POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "viewer-bot"}},
		{"PUT", "/api/v1/teams/ml/avatar", teamPNG(4, 4)},
		{"POST", "/api/v1/teams/ml/projects/tprj-alpha/runs", map[string]string{"name": "viewer-run"}},
		{"PATCH", "/api/v1/teams/ml/projects/tprj-alpha", map[string]string{"description": "changed"}},
		{"PATCH", "/api/v1/teams/ml/projects/tprj-alpha/runs/" + f.runID, map[string]any{"summary": map[string]int{"x": 1}}},
		{"POST", "/api/v1/teams/ml/projects/tprj-alpha/runs/" + f.runID + "/stop", nil},
		{"DELETE", "/api/v1/teams/ml/projects/tprj-alpha/runs/" + f.runID, nil},
		{"DELETE", "/api/v1/teams/ml/projects/tprj-alpha", nil},
	} {
		teamWantCode(t, e.Do(c.method, c.path, c.body, v), 403, "missing_permission")
	}
	if n := e.AuditCount(""); n != before {
		t.Errorf("refused writes added %d audit entries", n-before)
	}
	e.Must(200, "GET", "/api/v1/teams/ml/members", nil, v)
	e.Must(200, "GET", "/api/v1/teams/ml/projects/tprj-alpha/runs/"+f.runID, nil, v)
	// Capped at viewer, they are no team admin for restricted projects.
	e.Must(404, "GET", "/api/v1/teams/ml/projects/rprj-bravo", nil, v)
}

// R4: deleting a custom role moves every holder, in every team, to the
// role's base role in the same transaction: concurrent readers see either
// the old role on every holder or the base role on every holder, and no
// membership is lost.
func TestTeamDeletingCustomRoleMovesHoldersToBase(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, tadmin := f.e, f.admin.Key, f.cred[colTeamAdmin]
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/tviewer", map[string]string{"role": "viewer-plus"}, tadmin)
	e.Must(200, "PATCH", "/api/v1/teams/cv/members/nonmember", map[string]string{"role": "member-plus"}, f.cred[colCVAdmin])
	mlBefore, cvBefore := teamMemberRoles(t, e, tadmin, "ml"), teamMemberRoles(t, e, adm, "cv")
	f.mustRun(f.users["cviewer"].Key, fxTeamProject, "by-cviewer")
	frun := f.mustRun(f.users["bystander"].Key, fxTeamProject, "to-delete")

	// Readers watch ml's members while the role goes.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var snapshots atomic.Int64
	errs := make(chan string, 100)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := teamSend(e, "GET", "/api/v1/teams/ml/members", nil, tadmin, nil)
				if err != nil || r.StatusCode != 200 {
					errs <- fmt.Sprintf("read members: %v %v", err, r)
					return
				}
				var list struct {
					Members []struct{ Username, Role string }
				}
				if err := json.Unmarshal(r.Body, &list); err != nil {
					errs <- err.Error()
					return
				}
				roles := map[string]string{}
				for _, m := range list.Members {
					roles[m.Username] = m.Role
				}
				snapshots.Add(1)
				pair := roles["cviewer"] + "," + roles["tviewer"]
				if len(list.Members) != len(mlBefore) || pair != "viewer-plus,viewer-plus" && pair != "viewer,viewer" {
					errs <- fmt.Sprintf("half-applied role deletion: %d members, cviewer,tviewer = %s", len(list.Members), pair)
					return
				}
			}
		}()
	}
	auditBefore := len(teamAudit(t, e, "role:delete"))
	for snapshots.Load() < 3 {
		teamMust(t, e, 200, "GET", "/api/v1/teams", nil, adm, nil)
	}
	e.Must(204, "DELETE", "/api/v1/roles/viewer-plus", nil, adm)
	e.Must(204, "DELETE", "/api/v1/roles/member-plus", nil, adm)
	seen := snapshots.Load()
	for snapshots.Load() < seen+3 {
		teamMust(t, e, 200, "GET", "/api/v1/teams", nil, adm, nil)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}

	ml, cv := teamMemberRoles(t, e, tadmin, "ml"), teamMemberRoles(t, e, adm, "cv")
	for team, c := range map[string]struct{ before, after, want map[string]string }{
		"ml": {mlBefore, ml, map[string]string{"cmember": "member", "cviewer": "viewer", "tviewer": "viewer"}},
		"cv": {cvBefore, cv, map[string]string{"nonmember": "member"}},
	} {
		if len(c.after) != len(c.before) {
			t.Errorf("team %s: %d members before, %d after: %v", team, len(c.before), len(c.after), c.after)
		}
		for u, role := range c.want {
			if c.after[u] != role {
				t.Errorf("team %s: %s has role %q after the deletion, want %q", team, u, c.after[u], role)
			}
		}
	}
	entries := teamAudit(t, e, "role:delete")
	if len(entries) != auditBefore+2 {
		t.Fatalf("role:delete entries: %d, want %d", len(entries), auditBefore+2)
	}
	if d := entries[len(entries)-1].Details; !strings.Contains(d, "member-plus") || !strings.Contains(d, "2 holders moved to member") {
		t.Errorf("role:delete details %q, want the role and its 2 holders moved to member", d)
	}
	e.Must(404, "GET", "/api/v1/roles/viewer-plus", nil, adm)
	// The holders now have exactly the base role's rights.
	e.Must(403, "POST", "/api/v1/teams/ml/projects/tprj-alpha/runs", map[string]string{"name": "no-more"}, f.users["cviewer"].Key)
	e.Must(403, "DELETE", "/api/v1/teams/ml/projects/tprj-alpha/runs/"+frun, nil, f.users["cmember"].Key)
}

// R3: editing a custom role changes every holder's rights for the very
// next request.
func TestTeamCustomRoleEditAppliesAtOnce(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, cm := f.e, f.admin.Key, f.users["cmember"].Key
	frun := f.mustRun(f.users["bystander"].Key, fxTeamProject, "to-stop")
	e.Must(403, "POST", "/api/v1/teams/ml/projects/tprj-alpha/runs/"+frun+"/stop", nil, cm)
	e.Must(200, "PUT", "/api/v1/roles/member-plus", map[string]any{"name": "member-plus", "base": "member",
		"permissions": []string{"run:delete", "run:stop"}}, adm)
	e.Must(200, "POST", "/api/v1/teams/ml/projects/tprj-alpha/runs/"+frun+"/stop", nil, cm)
	if cnt := len(teamAudit(t, e, "role:update")); cnt != 1 {
		t.Errorf("role:update entries: %d, want 1", cnt)
	}

	e.Must(200, "PUT", "/api/v1/roles/member-plus", map[string]any{"name": "member-plus", "base": "viewer"}, adm)
	e.Must(403, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "after-edit"}, cm)
	var team struct{ Role string }
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/ml", nil, cm), &team)
	if team.Role != "member-plus" {
		t.Errorf("holder's role after the edit: %q, want member-plus", team.Role)
	}
}

// A5: a run logged with a team service account's key and X-WANDB-USERNAME
// or X-WANDB-USER-EMAIL is credited to that user when they are an active
// member of the team, else to the service account. A user's own key is
// never credited to someone else.
func TestTeamServiceAccountRunCredit(t *testing.T) {
	f := newTeamFixture(t)
	e, sa := f.e, f.cred[colTeamSA]
	for i, c := range []struct {
		what, header, value, author string
	}{
		{"member by username", "X-WANDB-USERNAME", "tmember", "tmember"},
		{"member by username in another case", "X-WANDB-USERNAME", "TMember", "tmember"},
		{"member by email", "X-WANDB-USER-EMAIL", "tmember@example.com", "tmember"},
		{"member by email in another case", "X-WANDB-USER-EMAIL", "TMEMBER@Example.COM", "tmember"},
		{"team viewer", "X-WANDB-USERNAME", "tviewer", "tviewer"},
		{"custom role holder", "X-WANDB-USERNAME", "cviewer", "cviewer"},
		{"organization member outside the team", "X-WANDB-USERNAME", "omember", fxTeamSAName},
		{"member of another team", "X-WANDB-USER-EMAIL", "nonmember@example.com", fxTeamSAName},
		{"deactivated member", "X-WANDB-USERNAME", "gone", fxTeamSAName},
		{"deactivated member by email", "X-WANDB-USER-EMAIL", "gone@example.com", fxTeamSAName},
		{"unknown user", "X-WANDB-USERNAME", "nobody-at-all", fxTeamSAName},
		{"no header", "", "", fxTeamSAName},
	} {
		name := fmt.Sprintf("credit-%d", i)
		h := map[string]string{}
		if c.header != "" {
			h[c.header] = c.value
		}
		r := teamMust(t, e, 201, "POST", "/api/v1/teams/ml/projects/tprj-alpha/runs", map[string]string{"name": name}, sa, h)
		var run teamRun
		teamJSONBody(t, r, &run)
		if run.Author != c.author || run.Creator != fxTeamSAName {
			t.Errorf("%s: author %q creator %q, want author %q creator %s", c.what, run.Author, run.Creator, c.author, fxTeamSAName)
		}
		if listed := teamRuns(t, e, f.cred[colTeamAdmin], fxTeamProject)[name]; listed.Author != c.author {
			t.Errorf("%s: listed with author %q, want %q", c.what, listed.Author, c.author)
		}
	}
	// The credited member owns the run: they may update it themselves.
	r := teamMust(t, e, 201, "POST", "/api/v1/teams/ml/projects/tprj-alpha/runs", map[string]string{"name": "for-tmember"}, sa,
		map[string]string{"X-WANDB-USERNAME": "tmember"})
	var run teamRun
	teamJSONBody(t, r, &run)
	e.Must(200, "PATCH", "/api/v1/teams/ml/projects/tprj-alpha/runs/"+run.ID, map[string]string{"state": "finished"}, f.users["tmember"].Key)
	e.Must(403, "PATCH", "/api/v1/teams/ml/projects/tprj-alpha/runs/"+run.ID, map[string]string{"state": "crashed"}, f.users["cmember"].Key)

	// A user's key logs as that user whatever the header says.
	r = teamMust(t, e, 201, "POST", "/api/v1/teams/ml/projects/tprj-alpha/runs", map[string]string{"name": "own-key"},
		f.users["cmember"].Key, map[string]string{"X-WANDB-USERNAME": "tmember"})
	teamJSONBody(t, r, &run)
	if run.Author != "cmember" || run.Creator != "cmember" {
		t.Errorf("user key with a credit header: author %q creator %q, want cmember", run.Author, run.Creator)
	}
}

// R1: authors may update, stop and delete their own runs while they hold
// run:create; other people's runs need run:update, run:stop or run:delete.
func TestTeamOwnRunRule(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	tm, cm, cv := f.users["tmember"].Key, f.users["cmember"].Key, f.users["cviewer"].Key
	run := func(cred apitest.Cred, name string) string { return f.mustRun(cred, fxTeamProject, name) }
	path := func(id string) string { return "/api/v1/teams/ml/projects/tprj-alpha/runs/" + id }
	summary := map[string]any{"summary": map[string]float64{"loss": 0.5}}

	own := run(tm, "own")
	e.Must(200, "PATCH", path(own), summary, tm)
	e.Must(200, "POST", path(own)+"/stop", nil, tm)
	e.Must(204, "DELETE", path(own), nil, tm)

	other := run(f.users["bystander"].Key, "other")
	for _, cred := range []apitest.Cred{tm, cv} {
		teamWantCode(t, e.Do("PATCH", path(other), summary, cred), 403, "missing_permission")
		teamWantCode(t, e.Do("POST", path(other)+"/stop", nil, cred), 403, "missing_permission")
		teamWantCode(t, e.Do("DELETE", path(other), nil, cred), 403, "missing_permission")
	}
	// member-plus adds run:delete only.
	teamWantCode(t, e.Do("PATCH", path(other), summary, cm), 403, "missing_permission")
	teamWantCode(t, e.Do("POST", path(other)+"/stop", nil, cm), 403, "missing_permission")
	e.Must(204, "DELETE", path(other), nil, cm)

	// Team admins manage every run.
	other = run(f.users["bystander"].Key, "other-2")
	e.Must(200, "PATCH", path(other), summary, tadmin)
	e.Must(200, "POST", path(other)+"/stop", nil, tadmin)
	e.Must(204, "DELETE", path(other), nil, tadmin)

	// viewer-plus (viewer + run:create) owns what it logs.
	mine := run(cv, "viewer-plus-run")
	e.Must(200, "POST", path(mine)+"/stop", nil, cv)

	// Without run:create, one's own runs are out of reach too.
	kept := run(tm, "before-demotion")
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "viewer"}, tadmin)
	teamWantCode(t, e.Do("PATCH", path(kept), summary, tm), 403, "missing_permission")
	teamWantCode(t, e.Do("DELETE", path(kept), nil, tm), 403, "missing_permission")
}

// R5, T3: custom roles are for users, the service role for service
// accounts; unknown roles are refused and read-only means viewer.
func TestTeamRoleAssignmentLimits(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	for _, c := range []struct {
		method, path string
		body         map[string]string
		status       int
		code         string
	}{
		{"PATCH", "/api/v1/teams/ml/members/" + f.teamSAID, map[string]string{"role": "member-plus"}, 404, "not_found"},
		{"PATCH", "/api/v1/teams/ml/members/" + fxTeamSAName, map[string]string{"role": "member-plus"}, 404, "not_found"},
		{"POST", "/api/v1/teams/ml/members", map[string]string{"username": fxTeamSAName, "role": "member-plus"}, 404, "not_found"},
		{"POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember", "role": "service"}, 400, "invalid_role"},
		{"PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "service"}, 400, "invalid_role"},
		{"PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "no-such-role"}, 400, "invalid_role"},
		{"POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember", "role": "owner"}, 400, "invalid_role"},
	} {
		teamWantCode(t, e.Do(c.method, c.path, c.body, tadmin), c.status, c.code)
	}
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember", "role": "read-only"}, tadmin)
	roles := teamMemberRoles(t, e, tadmin, "ml")
	if roles[fxTeamSAName] != "service" || roles["tmember"] != "member" || roles["omember"] != "viewer" {
		t.Errorf("roles after refused assignments: %v", roles)
	}
	var list struct {
		Roles []struct {
			Name        string
			Builtin     bool
			Base        string
			Permissions []struct {
				Name        string
				IsInherited bool `json:"is_inherited"`
			}
		}
	}
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/roles", nil, f.users["tmember"].Key), &list)
	found := map[string]string{}
	for _, r := range list.Roles {
		var ps []string
		for _, p := range r.Permissions {
			if !p.IsInherited {
				ps = append(ps, p.Name)
			}
		}
		found[r.Name] = fmt.Sprintf("builtin=%v base=%s extra=%v", r.Builtin, r.Base, ps)
	}
	for name, want := range map[string]string{
		"admin": "builtin=true base= extra=[]", "service": "builtin=true base= extra=[]",
		"member-plus": "builtin=false base=member extra=[run:delete]", "viewer-plus": "builtin=false base=viewer extra=[run:create]",
	} {
		if found[name] != want {
			t.Errorf("role %s listed as %q, want %q", name, found[name], want)
		}
	}
}

// P4, W1, R3, T4: duplicate names are conflicts, compared without case.
func TestTeamDuplicateNames(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, tadmin := f.e, f.admin.Key, f.cred[colTeamAdmin]
	for _, c := range []struct {
		method, path string
		body         any
		code         string
	}{
		{"POST", "/api/v1/teams", map[string]string{"name": "ml"}, "team_name_taken"},
		{"POST", "/api/v1/teams", map[string]string{"name": "ML"}, "team_name_taken"},
		{"POST", "/api/v1/teams/ml/projects", map[string]string{"name": fxTeamProject}, "project_name_taken"},
		{"POST", "/api/v1/teams/ml/projects", map[string]string{"name": strings.ToUpper(fxPublicProject)}, "project_name_taken"},
		{"POST", "/api/v1/roles", map[string]any{"name": "member-plus", "base": "member"}, "role_name_taken"},
		{"POST", "/api/v1/roles", map[string]any{"name": "Viewer-Plus", "base": "viewer"}, "role_name_taken"},
		{"POST", "/api/v1/roles", map[string]any{"name": "admin", "base": "member"}, "reserved_role_name"},
		{"POST", "/api/v1/roles", map[string]any{"name": "Read-Only", "base": "viewer"}, "reserved_role_name"},
		{"PUT", "/api/v1/roles/spare", map[string]any{"name": "member-plus", "base": "member"}, "role_name_taken"},
		{"POST", "/api/v1/teams/ml/members", map[string]string{"username": "tmember"}, "already_member"},
		{"POST", "/api/v1/teams/ml/members", map[string]string{"email": "TViewer@example.com"}, "already_member"},
	} {
		teamWantCode(t, e.Do(c.method, c.path, c.body, adm), 409, c.code)
	}
	// Project names are unique per team, not per organization.
	e.Must(201, "POST", "/api/v1/teams/cv/projects", map[string]string{"name": fxTeamProject}, f.cred[colCVAdmin])
	if roles := teamMemberRoles(t, e, tadmin, "ml"); roles["tmember"] != "member" || roles["tviewer"] != "viewer" {
		t.Errorf("a refused duplicate add changed roles: %v", roles)
	}
}

// T5: a team keeps at least one admin; the last one can neither leave, be
// removed nor be demoted (409 last_team_admin) until a second admin exists.
// Deactivated admins do not count.
func TestTeamLastAdminCannotLeave(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, tadmin := f.e, f.admin.Key, f.cred[colTeamAdmin]
	for _, c := range []struct {
		method, path string
		body         any
		cred         apitest.Cred
	}{
		{"DELETE", "/api/v1/teams/ml/members/tadmin", nil, tadmin},
		{"DELETE", "/api/v1/teams/ml/members/tadmin", nil, adm},
		{"DELETE", "/api/v1/teams/ml/members/" + f.users["tadmin"].ID, nil, adm},
		{"PATCH", "/api/v1/teams/ml/members/tadmin", map[string]string{"role": "member"}, tadmin},
		{"PATCH", "/api/v1/teams/ml/members/tadmin", map[string]string{"role": "viewer"}, adm},
		{"PATCH", "/api/v1/teams/ml/members/tadmin", map[string]string{"role": "member-plus"}, adm},
	} {
		teamWantCode(t, e.Do(c.method, c.path, c.body, c.cred), 409, "last_team_admin")
	}
	// A deactivated second admin is no admin.
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "admin"}, tadmin)
	e.Must(200, "POST", "/api/v1/users/tmember/deactivate", nil, adm)
	teamWantCode(t, e.Do("DELETE", "/api/v1/teams/ml/members/tadmin", nil, adm), 409, "last_team_admin")
	e.Must(200, "POST", "/api/v1/users/tmember/reactivate", nil, adm)

	e.Must(200, "PATCH", "/api/v1/teams/ml/members/tadmin", map[string]string{"role": "member"}, tadmin)
	teamWantCode(t, e.Do("DELETE", "/api/v1/teams/ml/members/tmember", nil, adm), 409, "last_team_admin")
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/bystander", map[string]string{"role": "admin"}, f.users["tmember"].Key)
	e.Must(204, "DELETE", "/api/v1/teams/ml/members/tmember", nil, f.users["tmember"].Key)
	roles := teamMemberRoles(t, e, adm, "ml")
	if roles["bystander"] != "admin" || roles["tadmin"] != "member" || roles["tmember"] != "" {
		t.Errorf("roles: %v", roles)
	}
}

// T3, T4: with "members can invite" on, members add people, as member or
// viewer only; viewers, and organization viewers, still cannot.
func TestTeamMembersCanInvite(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin, tm := f.e, f.cred[colTeamAdmin], f.users["tmember"].Key
	teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember"}, tm), 403, "missing_permission")
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"members_can_invite": true}}, tadmin)

	before := e.AuditCount("team:invite_user")
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember"}, tm)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "nonmember", "role": "viewer"}, f.users["cmember"].Key)
	r := e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"email": "fresh-face@example.com"}, tm).Map(t)
	if r["invited"] != true || r["status"] != "invited" {
		t.Errorf("adding an unknown email: %v, want an invited user", r)
	}
	if n := e.AuditCount("team:invite_user") - before; n != 3 {
		t.Errorf("team:invite_user entries: %d, want 3", n)
	}
	for _, c := range []struct {
		cred apitest.Cred
		body map[string]string
	}{
		{tm, map[string]string{"username": "cvadmin", "role": "admin"}},
		{tm, map[string]string{"username": "cvadmin", "role": "member-plus"}},
		{f.users["tviewer"].Key, map[string]string{"username": "cvadmin"}},
		{f.users["oviewer"].Key, map[string]string{"username": "cvadmin"}},
		{f.cred[colTeamSA], map[string]string{"username": "cvadmin"}},
	} {
		teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", c.body, c.cred), 403, "missing_permission")
	}
	// Inviting is not managing: members still cannot remove or re-role.
	teamWantCode(t, e.Do("DELETE", "/api/v1/teams/ml/members/omember", nil, tm), 403, "missing_permission")
	teamWantCode(t, e.Do("PATCH", "/api/v1/teams/ml/members/omember", map[string]string{"role": "viewer"}, tm), 403, "missing_permission")
	roles := teamMemberRoles(t, e, tadmin, "ml")
	if roles["omember"] != "member" || roles["nonmember"] != "viewer" || roles["cvadmin"] != "" {
		t.Errorf("roles: %v", roles)
	}
}

// W1: restricted projects are readable by their members and team admins
// only; public projects by everyone in the organization, writable by the
// team alone.
func TestTeamProjectVisibility(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	by := f.users["bystander"].Key
	rp := "/api/v1/teams/ml/projects/" + fxRestrictedProject
	e.Must(404, "GET", rp, nil, by)
	if names := teamNames(t, e.Must(200, "GET", "/api/v1/teams/ml/projects", nil, by), "projects"); slices.Contains(names, fxRestrictedProject) {
		t.Errorf("a team member outside the restricted project lists it: %v", names)
	}
	e.Must(204, "POST", rp+"/members", map[string]string{"username": "bystander"}, tadmin)
	e.Must(200, "GET", rp+"/runs/"+f.restrictedRunID, nil, by)
	e.Must(201, "POST", rp+"/runs", map[string]string{"name": "inside"}, by)
	if names := teamNames(t, e.Must(200, "GET", "/api/v1/teams/ml/projects", nil, by), "projects"); !slices.Contains(names, fxRestrictedProject) {
		t.Errorf("a project member does not list the restricted project: %v", names)
	}
	e.Must(204, "DELETE", rp+"/members/bystander", nil, tadmin)
	e.Must(404, "GET", rp, nil, by)
	// Only team members can be project members.
	e.Must(404, "POST", rp+"/members", map[string]string{"username": "omember"}, tadmin)
	// A project made restricted by a member starts with them inside.
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "mine", "visibility": "restricted"}, by)
	e.Must(200, "GET", "/api/v1/teams/ml/projects/mine", nil, by)
	e.Must(404, "GET", "/api/v1/teams/ml/projects/mine", nil, f.users["tmember"].Key)
	e.Must(200, "GET", "/api/v1/teams/ml/projects/mine", nil, tadmin)

	// Public: any organization member reads, including viewers; nobody
	// outside the team writes.
	pp := "/api/v1/teams/ml/projects/" + fxPublicProject
	for _, u := range []string{"omember", "nonmember", "cvadmin"} {
		k := f.users[u].Key
		e.Must(200, "GET", pp+"/runs/"+f.publicRunID, nil, k)
		if names := teamNames(t, e.Must(200, "GET", "/api/v1/teams/ml/projects", nil, k), "projects"); !slices.Equal(names, []string{fxPublicProject}) {
			t.Errorf("%s lists %v, want only the public project", u, names)
		}
		teamWantCode(t, e.Do("POST", pp+"/runs", map[string]string{"name": "outsider"}, k), 403, "missing_permission")
		teamWantCode(t, e.Do("PATCH", pp, map[string]string{"description": "x"}, k), 403, "missing_permission")
	}
	// A project turned public is readable at once; turned back, it is gone.
	e.Must(200, "PATCH", "/api/v1/teams/ml/projects/"+fxTeamProject, map[string]string{"visibility": "public"}, tadmin)
	e.Must(200, "GET", "/api/v1/teams/ml/projects/"+fxTeamProject, nil, f.users["omember"].Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml/projects/"+fxTeamProject, map[string]string{"visibility": "team"}, tadmin)
	e.Must(404, "GET", "/api/v1/teams/ml/projects/"+fxTeamProject, nil, f.users["omember"].Key)
}

// L1, L2: each change of teams, members, roles, service accounts, projects
// and runs writes one audit entry naming the team; refusals write none.
func TestTeamMutationsAreAudited(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, tadmin := f.e, f.admin.Key, f.cred[colTeamAdmin]
	steps := []struct {
		action       string
		status       int
		method, path string
		body         any
		cred         apitest.Cred
		team         string
	}{
		{"team:create", 201, "POST", "/api/v1/teams", map[string]string{"name": "audited"}, adm, "audited"},
		{"team:invite_user", 201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember"}, tadmin, "ml"},
		{"team:update_member", 200, "PATCH", "/api/v1/teams/ml/members/omember", map[string]string{"role": "viewer"}, tadmin, "ml"},
		{"team:uninvite", 204, "DELETE", "/api/v1/teams/ml/members/omember", nil, tadmin, "ml"},
		{"team:update", 200, "PATCH", "/api/v1/teams/ml", map[string]string{"display_name": "Machine Learning"}, tadmin, "ml"},
		{"team:create_service_account", 201, "POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "ci"}, tadmin, "ml"},
		{"organization:create_service_account", 201, "POST", "/api/v1/service-accounts", map[string]string{"name": "sync", "default_team": "ml"}, adm, "ml"},
		{"role:create", 201, "POST", "/api/v1/roles", map[string]any{"name": "auditor", "base": "viewer", "permissions": []string{"team:read_usage"}}, adm, ""},
		{"role:update", 200, "PUT", "/api/v1/roles/auditor", map[string]any{"name": "auditor", "base": "member"}, adm, ""},
		{"role:delete", 204, "DELETE", "/api/v1/roles/auditor", nil, adm, ""},
		{"project:create", 201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "logged"}, tadmin, "ml"},
		{"project:update", 200, "PATCH", "/api/v1/teams/ml/projects/logged", map[string]string{"description": "x"}, tadmin, "ml"},
		{"project:add_member", 204, "POST", "/api/v1/teams/ml/projects/logged/members", map[string]string{"username": "tviewer"}, tadmin, "ml"},
		{"run:create", 201, "POST", "/api/v1/teams/ml/projects/logged/runs", map[string]string{"name": "r"}, tadmin, "ml"},
		{"project:delete", 204, "DELETE", "/api/v1/teams/ml/projects/logged", nil, tadmin, "ml"},
		{"team:delete", 204, "DELETE", "/api/v1/teams/audited", nil, adm, "audited"},
		{"team:restore", 200, "POST", "/api/v1/teams/audited/restore", nil, adm, "audited"},
	}
	for _, s := range steps {
		before := len(teamAudit(t, e, s.action))
		e.Must(s.status, s.method, s.path, s.body, s.cred)
		entries := teamAudit(t, e, s.action)
		if len(entries) != before+1 {
			t.Errorf("%s %s: %d new %s entries, want 1", s.method, s.path, len(entries)-before, s.action)
			continue
		}
		if last := entries[len(entries)-1]; last.EntityName != s.team || last.Via != "api" || last.ActorUserID == "" {
			t.Errorf("%s entry: entity_name %q via %q actor %q, want team %q via api", s.action, last.EntityName, last.Via, last.ActorUserID, s.team)
		}
	}
	if entries := teamAudit(t, e, "team:invite_user"); len(entries) > 0 {
		if last := entries[len(entries)-1]; last.UserEmail != "omember@example.com" || last.UserAsset != f.users["omember"].ID {
			t.Errorf("team:invite_user target: %q %q, want omember", last.UserAsset, last.UserEmail)
		}
	}
	before := e.AuditCount("")
	e.Must(403, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "cvadmin"}, f.users["tmember"].Key)
	e.Must(403, "POST", "/api/v1/roles", map[string]any{"name": "nope", "base": "member"}, tadmin)
	e.Must(409, "DELETE", "/api/v1/teams/ml/members/tadmin", nil, tadmin)
	if n := e.AuditCount(""); n != before {
		t.Errorf("refused changes added %d audit entries", n-before)
	}
}

// T5 under concurrency: two admins demoting or removing each other at the
// same moment never leave the team without an admin.
func TestTeamAdminsRacingToLeaveNoAdmins(t *testing.T) {
	f := newTeamFixture(t)
	e, adm := f.e, f.admin.Key
	a, b := f.users["tadmin"], f.users["tmember"]
	for round := range 16 {
		e.Must(200, "PATCH", "/api/v1/teams/ml/members/tadmin", map[string]string{"role": "admin"}, adm)
		e.Must(200, "PATCH", "/api/v1/teams/ml/members/tmember", map[string]string{"role": "admin"}, adm)
		method, body := "PATCH", any(map[string]string{"role": "member"})
		if round%2 == 1 {
			method, body = "DELETE", nil
		}
		start := make(chan struct{})
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, c := range []struct {
			key    apitest.Key
			target string
		}{{a.Key, "tmember"}, {b.Key, "tadmin"}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r, err := teamSend(e, method, "/api/v1/teams/ml/members/"+c.target, body, c.key, nil)
				if err == nil {
					statuses[i] = r.StatusCode
				}
			}()
		}
		close(start)
		wg.Wait()
		roles := teamMemberRoles(t, e, adm, "ml")
		admins := 0
		for _, r := range roles {
			if r == "admin" {
				admins++
			}
		}
		slices.Sort(statuses)
		// The loser is refused: no longer an admin (403), or last admin (409).
		won := statuses[0] == 200 || statuses[0] == 204
		if admins != 1 || !won || statuses[1] != 403 && statuses[1] != 409 {
			t.Fatalf("round %d (%s each other): statuses %v, %d admins left: %v", round, method, statuses, admins, roles)
		}
		// Put back whoever was removed.
		for _, u := range []string{"tadmin", "tmember"} {
			if roles[u] == "" {
				e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": u}, adm)
			}
		}
	}
}

// A1: a team service account acts only in its own team: other teams do not
// exist for it (not listed, not readable, their names, privacy and projects
// included), and it changes nothing there.
func TestTeamServiceAccountActsOnlyInItsTeam(t *testing.T) {
	f := newTeamFixture(t)
	e, sa, cvadmin := f.e, f.cred[colTeamSA], f.users["cvadmin"].Key
	e.Must(201, "POST", "/api/v1/teams/cv/projects", map[string]string{"name": "cv-open", "visibility": "public"}, cvadmin)
	e.Must(201, "POST", "/api/v1/teams/cv/projects", map[string]string{"name": "cv-team"}, cvadmin)
	if names := teamNames(t, e.Must(200, "GET", "/api/v1/teams", nil, sa), "teams"); !slices.Equal(names, []string{"ml"}) {
		t.Errorf("ml's service account lists teams %v, want only ml", names)
	}
	for _, c := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/api/v1/teams/cv", nil, 404},
		{"GET", "/api/v1/teams/cv/projects", nil, 404},
		{"GET", "/api/v1/teams/cv/members", nil, 404},
		{"GET", "/api/v1/teams/cv/projects/cv-open", nil, 404},
		{"GET", "/api/v1/teams/cv/projects/cv-team/runs", nil, 404},
		{"POST", "/api/v1/teams/cv/projects", map[string]string{"name": "intruder"}, 404},
		{"POST", "/api/v1/teams/cv/projects/cv-open/runs", map[string]string{"name": "intruder"}, 404},
		{"POST", "/api/v1/teams/cv/members", map[string]string{"username": "omember"}, 404},
	} {
		if r := e.Do(c.method, c.path, c.body, sa); r.StatusCode != c.status {
			t.Errorf("%s %s by ml's service account: status %d, want %d: %s", c.method, c.path, r.StatusCode, c.status, r.Body)
		}
	}
	// The organization service account acts in both, restricted projects aside.
	osa := f.cred[colOrgSA]
	e.Must(201, "POST", "/api/v1/teams/cv/projects/cv-team/runs", map[string]string{"name": "org-wide"}, osa)
	e.Must(201, "POST", "/api/v1/teams/ml/projects/tprj-alpha/runs", map[string]string{"name": "org-wide"}, osa)
	e.Must(404, "POST", "/api/v1/teams/ml/projects/rprj-bravo/runs", map[string]string{"name": "org-wide"}, osa)
}

// T4: adding an email with nobody behind it invites the person to the
// organization with the team membership attached; accepting the invite
// makes them an active member with that role.
func TestTeamAddingUnknownEmailInvites(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	before := e.AuditCount("")
	r := e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"email": "Newcomer@Example.com", "role": "viewer-plus"}, tadmin).Map(t)
	if r["invited"] != true || r["status"] != "invited" || r["role"] != "viewer-plus" || r["invite_url"] != nil {
		t.Fatalf("adding an unknown email: %v", r)
	}
	// Without a mail sink the link goes to organization admins only (H2).
	url, _ := e.Must(200, "POST", "/api/v1/users/Newcomer@Example.com/invite/resend", nil, f.admin.Key).Map(t)["invite_url"].(string)
	if url == "" {
		t.Fatalf("an organization admin's resend shows no link")
	}
	if e.AuditCount("") <= before {
		t.Errorf("no audit entry for the invite")
	}
	var list struct {
		Members []struct{ Email, Role, Status string }
	}
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/ml/members", nil, tadmin), &list)
	if !slices.ContainsFunc(list.Members, func(m struct{ Email, Role, Status string }) bool {
		return m.Email == "Newcomer@Example.com" && m.Role == "viewer-plus" && m.Status == "invited"
	}) {
		t.Errorf("the pending member is not listed as invited: %+v", list.Members)
	}
	token := url[strings.LastIndex(url, "/")+1:]
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": "newcomer", "password": apitest.Password}, apitest.Anonymous)
	key := e.MustKey(e.MustLogin("newcomer", apitest.Password))
	var team struct{ Role string }
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/ml", nil, key), &team)
	if team.Role != "viewer-plus" {
		t.Errorf("role after accepting: %q, want viewer-plus", team.Role)
	}
	e.Must(201, "POST", "/api/v1/teams/ml/projects/tprj-alpha/runs", map[string]string{"name": "first"}, key)
	if roles := teamMemberRoles(t, e, tadmin, "ml"); roles["newcomer"] != "viewer-plus" {
		t.Errorf("members after accepting: %v", roles)
	}
}

// P4, T9, W2: a team is found by its display name too; alert webhooks are
// https only; a run that is not running cannot be stopped.
func TestTeamDisplayNameAlertsAndStop(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]string{"display_name": "Machine Learning"}, tadmin)
	if r := e.Must(200, "GET", "/api/v1/teams/Machine%20Learning", nil, tadmin).Map(t); r["name"] != "ml" {
		t.Errorf("team by display name: %v", r)
	}
	e.Must(200, "GET", "/api/v1/teams/machine%20learning/projects/tprj-alpha", nil, tadmin)
	for _, hook := range []string{"http://hooks.example.com/x", "javascript:alert(1)", "https://", "ftp://example.com/x"} {
		teamWantCode(t, e.Do("PATCH", "/api/v1/teams/ml", map[string]any{"alerts": map[string]any{"webhook_url": hook}}, tadmin), 400, "invalid_webhook")
	}
	r := e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"alerts": map[string]any{"email_on_crash": true,
		"webhook_url": "https://chat.example.com/hooks/abc"}}, tadmin).Map(t)
	if fmt.Sprint(r["alerts"]) != "map[email_on_crash:true email_on_finish:false webhook_url:https://chat.example.com/hooks/abc]" {
		t.Errorf("alerts: %v", r["alerts"])
	}
	p := "/api/v1/teams/ml/projects/tprj-alpha/runs/" + f.runID
	e.Must(200, "POST", p+"/stop", nil, tadmin)
	teamWantCode(t, e.Do("POST", p+"/stop", nil, tadmin), 409, "run_not_running")
	var run teamRun
	teamJSONBody(t, e.Must(200, "GET", p, nil, tadmin), &run)
	if run.State != "stopped" {
		t.Errorf("run state after stop: %q", run.State)
	}
}
