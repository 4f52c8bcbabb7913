package api_test

// The fixture of the team acceptance tests (issue 3): one server on a fresh
// database with team "ml" (a project of each visibility, runs, a team
// service account, custom roles) and one principal for every column of the
// authorization matrix, plus team "cv" for cross-team checks.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/store"
)

// Matrix columns: who calls. Each is one principal of the fixture.
const (
	colOrgAdmin    = "orgAdmin"    // organization admin, not in ml (acts as its admin, T7)
	colOrgMember   = "orgMember"   // organization member in no team
	colOrgViewer   = "orgViewer"   // organization viewer holding team role member in ml (capped, O5)
	colTeamAdmin   = "teamAdmin"   // ml admin
	colTeamMember  = "teamMember"  // ml member, also a member of the restricted project
	colTeamViewer  = "teamViewer"  // ml viewer
	colTeamSA      = "teamSA"      // ml service account (role service)
	colCustMember  = "custMember"  // ml custom role "member-plus": member + run:delete
	colCustViewer  = "custViewer"  // ml custom role "viewer-plus": viewer + run:create
	colNonMember   = "nonMember"   // organization member in team cv only
	colCVAdmin     = "cvAdmin"     // admin of team cv, not in ml: team A's admin on team B
	colDeactivated = "deactivated" // former ml member, deactivated; their key is kept
	colOrgSA       = "orgSA"       // organization service account
	colAnonymous   = "anonymous"   // no credentials
)

// teamCols is the column order of the matrix.
var teamCols = []string{colOrgAdmin, colOrgMember, colOrgViewer, colTeamAdmin, colTeamMember, colTeamViewer,
	colTeamSA, colCustMember, colCustViewer, colNonMember, colCVAdmin, colDeactivated, colOrgSA, colAnonymous}

// Names in the fixture that some principals must never read (D5). They are
// unusual words so that a match in a body is a leak, not a coincidence.
const (
	fxTeamProject       = "tprj-alpha"   // visibility team
	fxRestrictedProject = "rprj-bravo"   // visibility restricted; tadmin and tmember are its members
	fxPublicProject     = "pprj-charlie" // visibility public, created by bystander
	fxRunName           = "run-delta-7"  // bystander's run in tprj-alpha
	fxPublicRunName     = "run-golf-9"   // bystander's run in pprj-charlie
	fxRestrictedRunName = "run-hotel-3"  // tadmin's run in rprj-bravo
	fxBucket            = "ml-bucket-echo"
	fxWebhook           = "https://hooks.example.com/services/secret-webhook-foxtrot"
	fxTeamSAName        = "ml-bot"
)

// teamOutsiderSecrets are what principals outside ml must not read: its
// private projects and runs, its storage and webhook, its members' names.
// Only bystander, who created the public project and run, may show.
var teamOutsiderSecrets = []string{fxTeamProject, fxRestrictedProject, fxRunName, fxRestrictedRunName, fxBucket,
	"secret-webhook-foxtrot", "tadmin", "tmember", "tviewer", "cmember", "cviewer", "oviewer", fxTeamSAName}

// teamRestrictedSecrets are what those outside the restricted project must not read.
var teamRestrictedSecrets = []string{fxRestrictedProject, fxRestrictedRunName}

// teamFixture is a server with teams ml and cv and a principal per column.
type teamFixture struct {
	t     testing.TB
	e     *apitest.Env
	admin apitest.User            // "oadmin", organization admin, not in ml
	users map[string]apitest.User // by username
	cred  map[string]apitest.Cred // by column
	self  map[string]string       // by column: how /members/{self} names the caller
	n     int                     // counter for unique names

	runID, publicRunID, restrictedRunID string // fxRunName, fxPublicRunName, fxRestrictedRunName
	teamSAID, orgSAID                   string // ml-bot, org-bot
}

// newTeamFixture builds the fixture through the public API.
func newTeamFixture(t testing.TB) *teamFixture {
	t.Helper()
	return buildTeamFixture(t, apitest.New(t))
}

func buildTeamFixture(t testing.TB, e *apitest.Env) *teamFixture {
	t.Helper()
	f := &teamFixture{t: t, e: e, users: map[string]apitest.User{}, cred: map[string]apitest.Cred{}, self: map[string]string{}}
	f.admin = e.MustSignup("oadmin")
	f.users["oadmin"] = f.admin
	for _, u := range []struct{ name, role string }{
		{"omember", "member"}, {"oviewer", "viewer"}, {"tadmin", "member"}, {"tmember", "member"}, {"tviewer", "member"},
		{"cmember", "member"}, {"cviewer", "member"}, {"bystander", "member"}, {"nonmember", "member"},
		{"cvadmin", "member"}, {"gone", "member"},
	} {
		f.users[u.name] = e.MustUser(f.admin.Key, u.name, u.role)
	}
	adm := f.admin.Key
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{
		"type": "bucket", "provider": "aws", "bucket": fxBucket, "region": "eu-west-1"}}, adm)
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "cv", "storage": map[string]string{"type": "default"}}, adm)
	e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "member-plus", "description": "member who may delete any run",
		"base": "member", "permissions": []string{"run:delete"}}, adm)
	e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "viewer-plus", "description": "viewer who may log runs",
		"base": "viewer", "permissions": []string{"run:create"}}, adm)
	e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "spare", "base": "member", "permissions": []string{"project:update"}}, adm)
	for _, m := range []struct{ team, user, role string }{
		{"ml", "tadmin", "admin"}, {"ml", "oviewer", "member"}, {"ml", "tmember", "member"}, {"ml", "tviewer", "viewer"},
		{"ml", "cmember", "member-plus"}, {"ml", "cviewer", "viewer-plus"}, {"ml", "bystander", "member"}, {"ml", "gone", "member"},
		{"cv", "cvadmin", "admin"}, {"cv", "nonmember", "member"},
	} {
		e.Must(201, "POST", "/api/v1/teams/"+m.team+"/members", map[string]string{"username": m.user, "role": m.role}, adm)
	}
	// The creator became each team's first admin (T2); oadmin leaves so
	// that the organization admin column is not a team member.
	e.Must(204, "DELETE", "/api/v1/teams/ml/members/oadmin", nil, adm)
	e.Must(204, "DELETE", "/api/v1/teams/cv/members/oadmin", nil, adm)

	tadmin, bystander := f.users["tadmin"].Key, f.users["bystander"].Key
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"alerts": map[string]any{"email_on_finish": true, "webhook_url": fxWebhook}}, tadmin)
	teamSA := e.Must(201, "POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": fxTeamSAName}, tadmin).Map(t)
	orgSA := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "org-bot", "default_team": "cv"}, adm).Map(t)
	f.teamSAID, f.orgSAID = teamSA["id"].(string), orgSA["id"].(string)

	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": fxTeamProject}, tadmin)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": fxRestrictedProject, "visibility": "restricted"}, tadmin)
	e.Must(204, "POST", "/api/v1/teams/ml/projects/"+fxRestrictedProject+"/members", map[string]string{"username": "tmember"}, tadmin)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": fxPublicProject, "visibility": "public"}, bystander)
	f.runID = f.mustRun(bystander, fxTeamProject, fxRunName)
	f.publicRunID = f.mustRun(bystander, fxPublicProject, fxPublicRunName)
	f.restrictedRunID = f.mustRun(tadmin, fxRestrictedProject, fxRestrictedRunName)
	e.Must(200, "POST", "/api/v1/users/gone/deactivate", nil, adm)

	for col, c := range map[string]apitest.Cred{
		colOrgAdmin: adm, colOrgMember: f.users["omember"].Key, colOrgViewer: f.users["oviewer"].Key,
		colTeamAdmin: tadmin, colTeamMember: f.users["tmember"].Key, colTeamViewer: f.users["tviewer"].Key,
		colTeamSA: apitest.Key(teamSA["key"].(string)), colCustMember: f.users["cmember"].Key,
		colCustViewer: f.users["cviewer"].Key, colNonMember: f.users["nonmember"].Key, colCVAdmin: f.users["cvadmin"].Key,
		colDeactivated: f.users["gone"].Key, colOrgSA: apitest.Key(orgSA["key"].(string)), colAnonymous: apitest.Anonymous,
	} {
		f.cred[col] = c
	}
	for col, name := range map[string]string{
		colOrgAdmin: "oadmin", colOrgMember: "omember", colOrgViewer: "oviewer", colTeamAdmin: "tadmin",
		colTeamMember: "tmember", colTeamViewer: "tviewer", colTeamSA: f.teamSAID, colCustMember: "cmember",
		colCustViewer: "cviewer", colNonMember: "nonmember", colCVAdmin: "cvadmin", colDeactivated: "gone",
		colOrgSA: f.orgSAID, colAnonymous: "nobody",
	} {
		f.self[col] = name
	}
	return f
}

// use points the fixture's failures at t until the returned func runs, so
// that subtests sharing a fixture report their own failures.
func (f *teamFixture) use(t testing.TB) func() {
	prevT, prevTB := f.t, f.e.TB
	f.t, f.e.TB = t, t
	return func() { f.t, f.e.TB = prevT, prevTB }
}

// mustRun logs a run and returns its id.
func (f *teamFixture) mustRun(cred apitest.Cred, project, name string) string {
	f.t.Helper()
	r := f.e.Must(201, "POST", "/api/v1/teams/ml/projects/"+project+"/runs",
		map[string]any{"name": name, "config": map[string]any{"lr": 0.1}}, cred)
	return r.Map(f.t)["id"].(string)
}

// next returns a fresh number for unique names.
func (f *teamFixture) next() int {
	f.n++
	return f.n
}

// freshUser invites and accepts a new organization member; no key.
func (f *teamFixture) freshUser() string {
	f.t.Helper()
	name := fmt.Sprintf("cand-%d", f.next())
	_, token := f.e.MustInvite(f.admin.Key, name+"@example.com", "member")
	f.e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": name, "password": apitest.Password}, apitest.Anonymous)
	return name
}

// teamPlaceholders are the per-call values a matrix row's path and body may
// name; each is made fresh for every cell, so cells do not see each
// other's changes.
var teamPlaceholders = []struct {
	name string
	make func(f *teamFixture, col string) string
}{
	{"{n}", func(f *teamFixture, _ string) string { return fmt.Sprint(f.next()) }},
	{"{self}", func(f *teamFixture, col string) string { return f.self[col] }},
	{"{run}", func(f *teamFixture, _ string) string { return f.runID }},
	{"{prun}", func(f *teamFixture, _ string) string { return f.publicRunID }},
	{"{cand}", func(f *teamFixture, _ string) string { return f.freshUser() }},
	{"{target}", func(f *teamFixture, _ string) string {
		name := f.freshUser()
		f.e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": name}, f.cred[colTeamAdmin])
		return name
	}},
	{"{tsa}", func(f *teamFixture, _ string) string {
		r := f.e.Must(201, "POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": fmt.Sprintf("old-bot-%d", f.next())}, f.cred[colTeamAdmin])
		return r.Map(f.t)["id"].(string)
	}},
	{"{osa}", func(f *teamFixture, _ string) string {
		r := f.e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": fmt.Sprintf("old-org-bot-%d", f.next()), "default_team": "cv"}, f.admin.Key)
		return r.Map(f.t)["id"].(string)
	}},
	{"{mlbot}", func(f *teamFixture, _ string) string { return f.teamSAID }},
	{"{orgbot}", func(f *teamFixture, _ string) string { return f.orgSAID }},
	{"{mlbotkey}", func(f *teamFixture, _ string) string {
		r := f.e.Must(201, "POST", "/api/v1/service-accounts/"+f.teamSAID+"/api-keys", map[string]string{"name": "spare"}, f.cred[colTeamAdmin])
		return r.Map(f.t)["id"].(string)
	}},
	{"{orgbotkey}", func(f *teamFixture, _ string) string {
		r := f.e.Must(201, "POST", "/api/v1/service-accounts/"+f.orgSAID+"/api-keys", map[string]string{"name": "spare"}, f.admin.Key)
		return r.Map(f.t)["id"].(string)
	}},
	{"{doomed}", func(f *teamFixture, _ string) string {
		name := fmt.Sprintf("doomed-%d", f.next())
		f.e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": name}, f.cred[colTeamAdmin])
		return name
	}},
	{"{frun}", func(f *teamFixture, _ string) string {
		return f.mustRun(f.users["bystander"].Key, fxTeamProject, fmt.Sprintf("fresh-%d", f.next()))
	}},
	{"{pmember}", func(f *teamFixture, _ string) string {
		f.e.Must(204, "POST", "/api/v1/teams/ml/projects/"+fxRestrictedProject+"/members", map[string]string{"username": "bystander"}, f.cred[colTeamAdmin])
		return "bystander"
	}},
	{"{role}", func(f *teamFixture, _ string) string {
		name := fmt.Sprintf("fresh-role-%d", f.next())
		f.e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": name, "base": "viewer", "permissions": []string{"run:create"}}, f.admin.Key)
		return name
	}},
}

// expand replaces the teamPlaceholders of a path and body with fresh values
// for one call by col.
func (f *teamFixture) expand(col, path, body string) (string, string) {
	var pairs []string
	for _, p := range teamPlaceholders {
		if strings.Contains(path, p.name) || strings.Contains(body, p.name) {
			pairs = append(pairs, p.name, p.make(f, col))
		}
	}
	if pairs == nil {
		return path, body
	}
	r := strings.NewReplacer(pairs...)
	return r.Replace(path), r.Replace(body)
}

// archive and restore team ml as the organization admin.
func (f *teamFixture) archive() { f.e.Must(204, "DELETE", "/api/v1/teams/ml", nil, f.admin.Key) }
func (f *teamFixture) restore() { f.e.Must(200, "POST", "/api/v1/teams/ml/restore", nil, f.admin.Key) }

// uploadAvatar gives ml an avatar.
func (f *teamFixture) uploadAvatar() {
	f.e.Must(204, "PUT", "/api/v1/teams/ml/avatar", teamPNG(8, 8), f.cred[colTeamAdmin])
}

// teamSecretsFor lists what col must never read in ml.
func teamSecretsFor(col string) []string {
	switch col {
	case colOrgMember, colNonMember, colCVAdmin, colDeactivated, colAnonymous:
		return teamOutsiderSecrets
	case colOrgAdmin, colTeamAdmin, colTeamMember:
		return nil
	}
	return teamRestrictedSecrets
}

// teamLeaks returns the secrets of col found in body that the caller did not
// type themselves in the request.
func teamLeaks(col, request string, body []byte) []string {
	var out []string
	typed, _ := url.PathUnescape(request)
	for _, s := range teamSecretsFor(col) {
		if bytes.Contains(body, []byte(s)) && !strings.Contains(typed, s) {
			out = append(out, s)
		}
	}
	return out
}

// teamPNG encodes a w x h PNG.
func teamPNG(w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.NRGBA{uint8(x * 16), uint8(y * 16), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// teamJSONBody decodes a response body into v or fails the test.
func teamJSONBody(t testing.TB, r *apitest.Response, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("%s %s: decode %s: %v", r.Request.Method, r.Request.URL.Path, r.Body, err)
	}
}

// teamProblemCode is the stable code of a problem document, or "".
func teamProblemCode(r *apitest.Response) string {
	var p struct {
		Code string `json:"code"`
	}
	json.Unmarshal(r.Body, &p)
	return p.Code
}

// teamSend makes a request with an API key and extra headers; unlike
// apitest's Do it never touches the test, so goroutines may call it.
func teamSend(e *apitest.Env, method, path string, body any, key apitest.Cred, header map[string]string) (*apitest.Response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.Server.URL+path, rd)
	if err != nil {
		return nil, err
	}
	if k, ok := key.(apitest.Key); ok && k != "" {
		req.Header.Set("Authorization", "Bearer "+string(k))
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return &apitest.Response{Response: resp, Body: data}, err
}

// teamMust is teamSend that fails the test unless the status is want.
func teamMust(t testing.TB, e *apitest.Env, want int, method, path string, body any, key apitest.Cred, header map[string]string) *apitest.Response {
	t.Helper()
	r, err := teamSend(e, method, path, body, key, header)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.StatusCode, want, r.Body)
	}
	return r
}

// teamWantCode reports an error unless r is a problem with status and code.
func teamWantCode(t testing.TB, r *apitest.Response, status int, code string) {
	t.Helper()
	if r.StatusCode != status || teamProblemCode(r) != code {
		t.Errorf("%s %s: status %d code %q, want %d %q: %s", r.Request.Method, r.Request.URL.Path,
			r.StatusCode, teamProblemCode(r), status, code, r.Body)
	}
}

// teamMemberRoles lists a team's members as username -> role name.
func teamMemberRoles(t testing.TB, e *apitest.Env, cred apitest.Cred, team string) map[string]string {
	t.Helper()
	var list struct {
		Members []struct{ Username, Role string }
	}
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/"+team+"/members", nil, cred), &list)
	out := map[string]string{}
	for _, m := range list.Members {
		out[m.Username] = m.Role
	}
	return out
}

// teamRun is a run as the API shows it.
type teamRun struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	State   string `json:"state"`
	Author  string `json:"author"`
	Creator string `json:"creator"`
}

// teamRuns lists a project's runs of team ml by name.
func teamRuns(t testing.TB, e *apitest.Env, cred apitest.Cred, project string) map[string]teamRun {
	t.Helper()
	var list struct{ Runs []teamRun }
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/ml/projects/"+project+"/runs", nil, cred), &list)
	out := map[string]teamRun{}
	for _, r := range list.Runs {
		out[r.Name] = r
	}
	return out
}

// teamNames lists the "name" of each object under key in a response body.
func teamNames(t testing.TB, r *apitest.Response, key string) []string {
	t.Helper()
	var m map[string][]struct{ Name string }
	teamJSONBody(t, r, &m)
	var out []string
	for _, o := range m[key] {
		out = append(out, o.Name)
	}
	return out
}

// teamAudit returns the audit entries with action, oldest first.
func teamAudit(t testing.TB, e *apitest.Env, action string) []*roster.AuditEntry {
	t.Helper()
	var out []*roster.AuditEntry
	f := store.AuditFilter{From: time.Unix(0, 0), To: time.Now().Add(240 * time.Hour)}
	err := e.DB.Read(t.Context(), func(tx *store.Tx) error {
		return tx.ListAudit(t.Context(), roster.DefaultOrgID, f, func(a *roster.AuditEntry) error {
			if a.Action == action {
				out = append(out, a)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	return out
}
