package api_test

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// teamMatrix is the authorization matrix of issue 3 (R1-R5, O5, T3, T7,
// A1, W1): every team, member, service account, project, run and custom
// role endpoint, called by every kind of principal on team ml.
//
// Columns (see team_fixture_test.go):
//
//	oAdm  organization admin, not in ml           tVwr  ml viewer
//	oMem  organization member in no team          tSA   ml service account
//	oVwr  organization viewer, ml role member     cMem  ml custom role: member + run:delete
//	tAdm  ml admin                                cVwr  ml custom role: viewer + run:create
//	tMem  ml member (and restricted project)      nonM  member of team cv only
//	cvAd  admin of team cv (team A on team B)     deac  deactivated ml member, key kept
//	oSA   organization service account            anon  no credentials
//
// A cell is "ok" (the row's success status) or the status of the refusal.
// Paths and bodies name fresh objects per cell ({target}, {doomed}, ...,
// see teamPlaceholders), made just before the call, so no cell sees another's
// change; teamMatrixHooks archive and restore ml around the rows that
// need it.
var teamMatrix = []struct {
	want string // one cell per column
	ok   int    // the success status
	call string // method and path
	body string // JSON, or <png> for an image
}{
	//oAdm oMem oVwr tAdm tMem tVwr tSA  cMem cVwr nonM cvAd deac oSA  anon    ok  call, body
	// Teams (T1-T11, O6)
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   401", 200, "GET /api/v1/teams", ""},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 201, "POST /api/v1/teams", `{"name":"new-{n}"}`},
	// A team not hidden is visible in the whole organization (T6), to outsiders without storage or webhook.
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   401", 200, "GET /api/v1/teams/ml", ""},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 200, "PATCH /api/v1/teams/ml", `{"display_name":"ML {n}"}`},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/teams/ml", ""},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 200, "POST /api/v1/teams/ml/restore", ""},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 204, "PUT /api/v1/teams/ml/avatar", `<png>`},
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   401", 200, "GET /api/v1/teams/ml/avatar", ""},
	{"ok   403  ok   ok   ok   ok   403  ok   ok   403  403  401  403  401", 200, "GET /api/v1/teams/ml/usage", ""},
	// Alert deliveries show recipients and errors: those who change the alerts (T9).
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 200, "GET /api/v1/teams/ml/alerts/deliveries", ""},
	// Members (T3-T5); {self} is the caller
	{"ok   403  ok   ok   ok   ok   ok   ok   ok   403  403  401  ok   401", 200, "GET /api/v1/teams/ml/members", ""},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 201, "POST /api/v1/teams/ml/members", `{"username":"{cand}"}`},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 201, "POST /api/v1/teams/ml/members", `{"email":"new-{n}@example.com"}`},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 200, "PATCH /api/v1/teams/ml/members/{target}", `{"role":"viewer"}`},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/teams/ml/members/{target}", ""},
	{"404  404  ok   409  ok   ok   403  ok   ok   404  404  401  403  401", 204, "DELETE /api/v1/teams/ml/members/{self}", ""},
	// {cand} is in the organization, not in ml; nobody-N does not exist: only
	// those who may change members learn that (404), the rest get 403.
	{"404  403  403  404  403  403  403  403  403  403  403  401  403  401", 200, "PATCH /api/v1/teams/ml/members/{cand}", `{"role":"viewer"}`},
	{"404  403  403  404  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/teams/ml/members/{cand}", ""},
	{"404  403  403  404  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/teams/ml/members/nobody-{n}", ""},
	// Team service accounts (A1)
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 200, "GET /api/v1/teams/ml/service-accounts", ""},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 201, "POST /api/v1/teams/ml/service-accounts", `{"name":"bot-{n}"}`},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/teams/ml/service-accounts/{tsa}", ""},
	// A missing id, and ml's own service account through another team or the organization route.
	{"404  403  403  404  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/teams/ml/service-accounts/sa_missing", ""},
	{"404  403  403  403  403  403  404  403  403  403  404  401  403  401", 204, "DELETE /api/v1/teams/cv/service-accounts/{tsa}", ""},
	// Organization service accounts (A1)
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 200, "GET /api/v1/service-accounts", ""},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 201, "POST /api/v1/service-accounts", `{"name":"obot-{n}","default_team":"ml"}`},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/service-accounts/{osa}", ""},
	{"404  403  403  403  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/service-accounts/sa_missing", ""},
	{"404  403  403  403  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/service-accounts/{tsa}", ""},
	// Keys of service accounts (issue 14): the team's admins for a team
	// account, outsiders learn nothing; organization admins for an
	// organization account; never the account itself.
	{"ok   404  403  ok   403  403  403  403  403  404  404  401  403  401", 200, "GET /api/v1/service-accounts/{mlbot}/api-keys", ""},
	{"ok   404  403  ok   403  403  403  403  403  404  404  401  403  401", 201, "POST /api/v1/service-accounts/{mlbot}/api-keys", `{"name":"k-{n}"}`},
	{"ok   404  403  ok   403  403  403  403  403  404  404  401  403  401", 200, "PATCH /api/v1/service-accounts/{mlbot}/api-keys/{mlbotkey}", `{"name":"renamed-{n}"}`},
	{"ok   404  403  ok   403  403  403  403  403  404  404  401  403  401", 204, "DELETE /api/v1/service-accounts/{mlbot}/api-keys/{mlbotkey}", ""},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 200, "GET /api/v1/service-accounts/{orgbot}/api-keys", ""},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 201, "POST /api/v1/service-accounts/{orgbot}/api-keys", `{"name":"k-{n}"}`},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 200, "PATCH /api/v1/service-accounts/{orgbot}/api-keys/{orgbotkey}", `{"name":"renamed-{n}"}`},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/service-accounts/{orgbot}/api-keys/{orgbotkey}", ""},
	// Projects (W1): tprj-alpha team, rprj-bravo restricted, pprj-charlie public
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   401", 200, "GET /api/v1/teams/ml/projects", ""},
	{"ok   403  403  ok   ok   403  ok   ok   403  403  403  401  ok   401", 201, "POST /api/v1/teams/ml/projects", `{"name":"new-{n}"}`},
	{"ok   404  ok   ok   ok   ok   ok   ok   ok   404  404  401  ok   401", 200, "GET /api/v1/teams/ml/projects/tprj-alpha", ""},
	{"ok   404  404  ok   ok   404  404  404  404  404  404  401  404  401", 200, "GET /api/v1/teams/ml/projects/rprj-bravo", ""},
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   401", 200, "GET /api/v1/teams/ml/projects/pprj-charlie", ""},
	{"ok   404  403  ok   403  403  403  403  403  404  404  401  403  401", 200, "PATCH /api/v1/teams/ml/projects/tprj-alpha", `{"description":"d{n}"}`},
	{"ok   404  403  ok   403  403  403  403  403  404  404  401  403  401", 204, "DELETE /api/v1/teams/ml/projects/{doomed}", ""},
	{"ok   404  404  ok   403  404  404  404  404  404  404  401  404  401", 204, "POST /api/v1/teams/ml/projects/rprj-bravo/members", `{"username":"bystander"}`},
	{"ok   404  404  ok   403  404  404  404  404  404  404  401  404  401", 204, "DELETE /api/v1/teams/ml/projects/rprj-bravo/members/{pmember}", ""},
	// Runs (W2, R1); {run} and {frun} are bystander's, so run:update, run:stop, run:delete decide
	{"ok   404  ok   ok   ok   ok   ok   ok   ok   404  404  401  ok   401", 200, "GET /api/v1/teams/ml/projects/tprj-alpha/runs", ""},
	{"ok   404  403  ok   ok   403  ok   ok   ok   404  404  401  ok   401", 201, "POST /api/v1/teams/ml/projects/tprj-alpha/runs", `{"name":"r-{n}"}`},
	{"ok   404  ok   ok   ok   ok   ok   ok   ok   404  404  401  ok   401", 200, "GET /api/v1/teams/ml/projects/tprj-alpha/runs/{run}", ""},
	{"ok   404  403  ok   403  403  403  403  403  404  404  401  403  401", 200, "PATCH /api/v1/teams/ml/projects/tprj-alpha/runs/{run}", `{"summary":{"loss":{n}}}`},
	{"ok   404  403  ok   403  403  403  403  403  404  404  401  403  401", 200, "POST /api/v1/teams/ml/projects/tprj-alpha/runs/{frun}/stop", ""},
	{"ok   404  403  ok   403  403  403  ok   403  404  404  401  403  401", 204, "DELETE /api/v1/teams/ml/projects/tprj-alpha/runs/{frun}", ""},
	{"ok   404  404  ok   ok   404  404  404  404  404  404  401  404  401", 200, "GET /api/v1/teams/ml/projects/rprj-bravo/runs", ""},
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   401", 200, "GET /api/v1/teams/ml/projects/pprj-charlie/runs", ""},
	{"ok   403  403  ok   ok   403  ok   ok   ok   403  403  401  ok   401", 201, "POST /api/v1/teams/ml/projects/pprj-charlie/runs", `{"name":"p-{n}"}`},
	{"ok   403  403  ok   403  403  403  403  403  403  403  401  403  401", 200, "PATCH /api/v1/teams/ml/projects/pprj-charlie/runs/{prun}", `{"summary":{"acc":{n}}}`},
	// Permissions and custom roles (R1, R3, R4)
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   ok", 200, "GET /api/v1/permissions", ""},
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   401", 200, "GET /api/v1/roles", ""},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 201, "POST /api/v1/roles", `{"name":"role-{n}","base":"member","permissions":["run:stop"]}`},
	{"ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   401  ok   401", 200, "GET /api/v1/roles/member-plus", ""},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 200, "PUT /api/v1/roles/{role}", `{"name":"{role}","base":"viewer","permissions":["run:stop"]}`},
	{"ok   403  403  403  403  403  403  403  403  403  403  401  403  401", 204, "DELETE /api/v1/roles/{role}", ""},
}

// teamMatrixHooks run before and after each cell of some rows.
var teamMatrixHooks = map[string]struct{ before, after func(*teamFixture) }{
	"DELETE /api/v1/teams/ml":       {after: (*teamFixture).restore},
	"POST /api/v1/teams/ml/restore": {before: (*teamFixture).archive, after: (*teamFixture).restore},
	"GET /api/v1/teams/ml/avatar":   {before: (*teamFixture).uploadAvatar},
}

// TestTeamAuthorizationMatrix runs teamMatrix: the rows of a section
// (teams, members, projects, ...) share one fresh fixture and run in table
// order, each cell on its own fresh objects; rows whose calls change the
// callers themselves get a fixture of their own. Refusals are problem
// documents, and no response shows a principal names it may not read
// (D5): another team's projects, runs, members, storage or webhook.
func TestTeamAuthorizationMatrix(t *testing.T) {
	var order []string
	groups := map[string][]int{}
	for i, row := range teamMatrix {
		g := teamSection(row.call)
		if teamMatrixIsolated[row.call] {
			g = row.call
		}
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	for _, g := range order {
		t.Run(g, func(t *testing.T) {
			t.Parallel()
			f := newTeamFixture(t)
			for _, i := range groups[g] {
				row := teamMatrix[i]
				t.Run(row.call+" "+row.body, func(t *testing.T) {
					defer f.use(t)()
					want := strings.Fields(row.want)
					if len(want) != len(teamCols) {
						t.Fatalf("row has %d cells, want %d", len(want), len(teamCols))
					}
					method, path, _ := strings.Cut(row.call, " ")
					hooks := teamMatrixHooks[row.call]
					got := make([]string, len(teamCols))
					for i, col := range teamCols {
						if hooks.before != nil {
							hooks.before(f)
						}
						status := teamMatrixCall(t, f, col, method, path, row.body)
						if hooks.after != nil {
							hooks.after(f)
						}
						got[i] = strconv.Itoa(status)
						if status == row.ok {
							got[i] = "ok"
						}
					}
					if !slices.Equal(got, want) {
						t.Errorf("statuses differ\n      %s\ngot:  %s\nwant: %s", teamCells(teamColAbbrev), teamCells(got), teamCells(want))
					}
				})
			}
		})
	}
}

// teamMatrixIsolated are the rows that change the callers' own standing
// and so get a fixture of their own.
var teamMatrixIsolated = map[string]bool{"DELETE /api/v1/teams/ml/members/{self}": true}

// teamSection names the part of the API a call belongs to.
func teamSection(call string) string {
	_, path, _ := strings.Cut(call, " ")
	p := strings.Split(path, "/")
	switch {
	case len(p) > 7 && p[7] == "runs":
		return "runs"
	case len(p) > 5 && p[3] == "teams" && p[5] != "avatar" && p[5] != "usage" && p[5] != "restore":
		return p[5] // members, service-accounts, projects
	case p[3] == "permissions":
		return "roles"
	}
	return p[3]
}

// teamColAbbrev heads the columns in failure messages.
var teamColAbbrev = []string{"oAdm", "oMem", "oVwr", "tAdm", "tMem", "tVwr", "tSA", "cMem", "cVwr", "nonM", "cvAd", "deac", "oSA", "anon"}

// teamMatrixCall makes one cell's call and checks what every answer must
// hold; it returns the status.
func teamMatrixCall(t *testing.T, f *teamFixture, col, method, pathT, bodyT string) int {
	t.Helper()
	path, body := f.expand(col, pathT, bodyT)
	var payload any
	switch body {
	case "":
	case "<png>":
		payload = teamPNG(16, 16)
	default:
		payload = body
	}
	r := f.e.Do(method, path, payload, f.cred[col])
	if r.StatusCode >= 400 {
		if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("%s %s by %s: status %d with Content-Type %q, want a problem document", method, path, col, r.StatusCode, ct)
		}
		if teamProblemCode(r) == "" {
			t.Errorf("%s %s by %s: problem without a code: %s", method, path, col, r.Body)
		}
	}
	if r.StatusCode >= 500 {
		t.Errorf("%s %s by %s: server error %s", method, path, col, r.Body)
	}
	if l := teamLeaks(col, path+" "+body, r.Body); len(l) > 0 {
		t.Errorf("%s %s by %s (status %d) shows %q: %s", method, path, col, r.StatusCode, l, r.Body)
	}
	return r.StatusCode
}

// teamCells lays cells out like the table.
func teamCells(cells []string) string {
	var b strings.Builder
	for _, c := range cells {
		fmt.Fprintf(&b, "%-5s", c)
	}
	return strings.TrimSpace(b.String())
}

// TestTeamMatrixCoversEveryTeamRoute keeps the matrix complete: every
// route of the OpenAPI document under teams, roles, permissions and
// service accounts has a row.
func TestTeamMatrixCoversEveryTeamRoute(t *testing.T) {
	e := apitest.New(t)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/openapi.json", nil, apitest.Anonymous), &doc)
	covered := map[string]bool{}
	for _, row := range teamMatrix {
		method, path, _ := strings.Cut(row.call, " ")
		covered[method+" "+teamRoutePattern(path)] = true
	}
	var missing []string
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/api/v1/teams") && !strings.HasPrefix(path, "/api/v1/roles") &&
			!strings.HasPrefix(path, "/api/v1/permissions") && !strings.HasPrefix(path, "/api/v1/service-accounts") {
			continue
		}
		for method := range ops {
			if key := strings.ToUpper(method) + " " + path; !covered[key] {
				missing = append(missing, key)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes without a matrix row: %v", missing)
	}
}

// teamRoutePattern turns a matrix path into its route pattern.
func teamRoutePattern(path string) string {
	p := strings.Split(path, "/") // "", "api", "v1", collection, ...
	if len(p) < 5 {
		return path
	}
	switch p[3] {
	case "roles":
		p[4] = "{role}"
	case "service-accounts":
		p[4] = "{id}"
		if len(p) > 6 {
			p[6] = "{key}"
		}
	case "teams":
		p[4] = "{team}"
		if len(p) > 6 {
			if v, ok := map[string]string{"members": "{user}", "service-accounts": "{id}", "projects": "{project}"}[p[5]]; ok {
				p[6] = v
			}
		}
		if len(p) > 8 {
			p[8] = map[string]string{"members": "{user}", "runs": "{id}"}[p[7]]
		}
	}
	return strings.Join(p, "/")
}
