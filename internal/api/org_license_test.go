package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/license"
	"roster/internal/store/storetest"
)

// licensePage is GET /api/v1/license as the admin key sees it.
func licensePage(t *testing.T, e *apitest.Env, key apitest.Cred) map[string]any {
	t.Helper()
	return e.Must(200, "GET", "/api/v1/license", nil, key).Map(t)
}

// orgRows is GET /api/v1/orgs by name.
func orgRows(t *testing.T, e *apitest.Env, key apitest.Cred) map[string]map[string]any {
	t.Helper()
	var list struct {
		Organizations []map[string]any `json:"organizations"`
	}
	e.Must(200, "GET", "/api/v1/orgs", nil, key).JSON(t, &list)
	out := map[string]map[string]any{}
	for _, o := range list.Organizations {
		out[o["name"].(string)] = o
	}
	return out
}

// LICENSE may hold several documents, separated by whitespace or commas;
// at most one for the instance and one per organization name (in any
// case), else the service does not start. A document that fails to verify
// is reported and ignored, as a single one was.
func TestSeveralLicenseDocuments(t *testing.T) {
	s := newSigner(t)
	inst, inst2 := s.issue(t, 5, nextYear), s.issue(t, 6, nextYear)
	b, b2 := s.issueFor(t, "corp-b", 2, nextYear), s.issueFor(t, "CORP-B", 3, nextYear)
	c := s.issueFor(t, "corp-c", 2, nextYear)
	other := newSigner(t).issue(t, 9, nextYear)
	start := func(setting string) (*app.Service, error) {
		db := storetest.MustOpen(t)
		return app.New(t.Context(), db, app.Config{License: setting, LicenseKey: s.pub}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	for _, tc := range []struct {
		setting, err string
	}{
		{inst + "\n" + inst2, "LICENSE: documents 1 and 2 are both instance licenses"},
		{b + "," + c + ", " + b2, "LICENSE: documents 1 and 3 are both licenses of organization CORP-B"},
	} {
		if _, err := start(tc.setting); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("LICENSE with duplicates: %v, want %q", err, tc.err)
		}
	}
	svc, err := start(" " + b + ",\n\t" + inst + " , " + c + " " + other + "\n")
	if err != nil {
		t.Fatal(err)
	}
	all := svc.LicenseStatuses(time.Now())
	if len(all) != 4 || all[0].Status != app.LicenseValid || all[0].Scope != app.ScopeOrganization ||
		all[0].License.Organization != "corp-b" || all[1].Scope != app.ScopeInstance || all[1].License.Seats != 5 ||
		all[3].Status != app.LicenseInvalid || !strings.Contains(all[3].Reason, "different key") {
		t.Fatalf("statuses %+v", all)
	}
	if st := svc.LicenseStatusAt(time.Now()); st.Status != app.LicenseValid || st.License.Seats != 5 {
		t.Fatalf("instance status %+v", st)
	}
	// Without an instance license, the broken document is the instance's
	// status: it may have been meant for it.
	svc, err = start(b + " " + other)
	if err != nil {
		t.Fatal(err)
	}
	if st := svc.LicenseStatusAt(time.Now()); st.Status != app.LicenseInvalid || !strings.HasPrefix(st.Reason, "document 2: ") {
		t.Fatalf("instance status with a broken document %+v", st)
	}
	// One document: as before, byte for byte.
	svc, err = start(other)
	if err != nil {
		t.Fatal(err)
	}
	if st := svc.LicenseStatusAt(time.Now()); st.Status != app.LicenseInvalid || st.Reason != license.ErrWrongKey.Error() {
		t.Fatalf("one broken document %+v", st)
	}
}

// A license naming an organization governs it alone: its seats and
// features; the instance license governs every other organization, and
// each sees its own on the license page. Members see none of it, and an
// admin sees only their organization's seats.
func TestOrgLicenseGovernsOnlyItsOrg(t *testing.T) {
	s := newSigner(t)
	e := withLicense(t, s.issue(t, 3, nextYear)+"\n"+s.issueFor(t, "corp-b", 2, nextYear, license.CustomRoles), s.pub)
	root := e.MustSignup("root")
	member := e.MustUser(root.Key, "member", "member")
	b := e.MustOrg("corp-b", "birch")

	// corp-b: its own 2 seats, whatever the first organization holds.
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "b1@example.com"}, b.Admin.Key)
	r := e.Do("POST", "/api/v1/users", map[string]string{"email": "b2@example.com"}, b.Admin.Key)
	if r.StatusCode != 409 || !strings.Contains(string(r.Body), "seat limit reached (2 of 2 used)") {
		t.Fatalf("third seat in corp-b: %d %s", r.StatusCode, r.Body)
	}
	// The first organization: the instance's 3, not counting corp-b's.
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "a1@example.com"}, root.Key)
	if r := e.Do("POST", "/api/v1/users", map[string]string{"email": "a2@example.com"}, root.Key); r.StatusCode != 409 {
		t.Fatalf("fourth seat in the first organization: %d %s", r.StatusCode, r.Body)
	}
	// Features: corp-b's license lists custom roles, the instance's none.
	role := map[string]any{"name": "Auditor", "permissions": []string{"team:read"}}
	if r := e.Do("POST", "/api/v1/roles", role, root.Key); r.StatusCode != 403 || !strings.Contains(string(r.Body), "feature_not_licensed") {
		t.Fatalf("custom role under the instance license: %d %s", r.StatusCode, r.Body)
	}
	if err := e.App.RequireFeature(t.Context(), b.ID, "custom_roles"); err != nil {
		t.Fatalf("custom roles in corp-b: %v", err)
	}
	if err := e.App.RequireFeature(t.Context(), roster.DefaultOrgID, "custom_roles"); roster.ErrorReason(err) != "feature_not_licensed" {
		t.Fatalf("custom roles in the first organization: %v", err)
	}

	pa, pb := licensePage(t, e, root.Key), licensePage(t, e, b.Admin.Key)
	sa, sb := pa["seats"].(map[string]any), pb["seats"].(map[string]any)
	if pa["scope"] != "instance" || pa["organization"] != nil || sa["limit"] != 3.0 || sa["used"] != 3.0 || sa["available"] != 0.0 {
		t.Errorf("first organization's license page: %v", pa)
	}
	if pb["scope"] != "organization" || pb["organization"] != "corp-b" || sb["limit"] != 2.0 || sb["used"] != 2.0 ||
		fmt.Sprint(pb["features"]) != "[custom_roles]" {
		t.Errorf("corp-b's license page: %v", pb)
	}
	if r := e.Do("GET", "/api/v1/license", nil, member.Key); r.StatusCode != 403 {
		t.Errorf("a member reads the license page: %d %s", r.StatusCode, r.Body)
	}
	if r := e.Do("GET", "/api/v1/orgs", nil, b.Admin.Key); r.StatusCode != 403 && r.StatusCode != 404 {
		t.Errorf("an organization admin lists the organizations: %d %s", r.StatusCode, r.Body)
	}
	rows := orgRows(t, e, root.Key)
	if o := rows["corp-b"]; o["seats_used"] != 2.0 || o["seat_limit"] != 2.0 || o["license"] != "organization" {
		t.Errorf("corp-b in the organization list: %v", o)
	}
	if o := rows["Roster"]; o == nil {
		t.Fatalf("organization list %v", rows)
	} else if o["seats_used"] != 3.0 || o["seat_limit"] != 3.0 || o["license"] != "instance" {
		t.Errorf("the first organization in the organization list: %v", o)
	}
}

// The instance license's seats are the total of every organization it
// governs, not each one's: a new organization under a full license has
// none left (its first admin's invite is refused); a deleted
// organization's seats come back.
func TestInstanceLicenseSeatsAddUp(t *testing.T) {
	s := newSigner(t)
	e := withLicense(t, s.issue(t, 4, nextYear), s.pub)
	root := e.MustSignup("root")
	e.MustUser(root.Key, "member", "member")
	b := e.MustOrg("corp-b", "birch")
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "b1@example.com"}, b.Admin.Key)
	if n := instanceSeats(t, e); n != 4 {
		t.Fatalf("pool %d, want 4", n)
	}
	for _, k := range []apitest.Cred{root.Key, b.Admin.Key} {
		r := e.Do("POST", "/api/v1/users", map[string]string{"email": "more@example.com"}, k)
		if r.StatusCode != 409 || !strings.Contains(string(r.Body), "seat_limit_reached") {
			t.Fatalf("fifth seat: %d %s", r.StatusCode, r.Body)
		}
	}
	// corp-b's admin sees corp-b's use and the shared limit, not what is
	// left of it, which would tell the first organization's count; nor
	// does the refusal. The instance admin sees what is left.
	p := licensePage(t, e, b.Admin.Key)
	if seats := p["seats"].(map[string]any); p["scope"] != "instance" || seats["used"] != 2.0 || seats["limit"] != 4.0 || seats["available"] != nil {
		t.Fatalf("corp-b's license page: %v", p)
	}
	if r := e.Do("POST", "/api/v1/users", map[string]string{"email": "more@example.com"}, b.Admin.Key); strings.Contains(string(r.Body), " of 4 used") {
		t.Fatalf("corp-b's refusal tells the pool's count: %s", r.Body)
	}
	if seats := licensePage(t, e, root.Key)["seats"].(map[string]any); seats["available"] != 0.0 {
		t.Fatalf("the instance admin's license page: %v", seats)
	}
	// A new organization: fine without an admin, refused with one.
	e.Must(201, "POST", "/api/v1/orgs", map[string]string{"name": "corp-c"}, root.Key)
	r := e.Do("POST", "/api/v1/orgs", map[string]string{"name": "corp-d", "admin_email": "dora@example.com"}, root.Key)
	if r.StatusCode != 409 || !strings.Contains(string(r.Body), "seat_limit_reached") {
		t.Fatalf("organization with a first admin under a full license: %d %s", r.StatusCode, r.Body)
	}
	rows := orgRows(t, e, root.Key)
	if rows["corp-d"] != nil || rows["corp-c"]["seats_used"] != 0.0 || rows["corp-c"]["seat_limit"] != 4.0 {
		t.Fatalf("organization list %v", rows)
	}
	// Deleting corp-b gives its two seats back to the others.
	e.Must(204, "DELETE", "/api/v1/orgs/corp-b", nil, root.Key)
	if n := instanceSeats(t, e); n != 2 {
		t.Fatalf("pool after deleting corp-b %d, want 2", n)
	}
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "a1@example.com"}, root.Key)
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "a2@example.com"}, root.Key)
	if r := e.Do("POST", "/api/v1/users", map[string]string{"email": "a3@example.com"}, root.Key); r.StatusCode != 409 {
		t.Fatalf("fifth seat after the deletion: %d %s", r.StatusCode, r.Body)
	}
}

// Which organizations the instance license governs depends on LICENSE, so
// a restart with another set of documents recounts the pool: corp-b
// under its own license is outside it; restarted without that license
// corp-b's seats count in it; restarted with it again they leave.
func TestRestartWithOtherLicensesRecountsPool(t *testing.T) {
	s := newSigner(t)
	inst, own := s.issue(t, 5, nextYear), s.issueFor(t, "corp-b", 3, nextYear)
	e := withLicense(t, inst+" "+own, s.pub)
	root := e.MustSignup("root")
	b := e.MustOrg("corp-b", "birch")
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "b1@example.com"}, b.Admin.Key)
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "a1@example.com"}, root.Key)
	if n := instanceSeats(t, e); n != 2 {
		t.Fatalf("pool with corp-b's own license %d, want 2", n)
	}
	restart := func(setting string) *apitest.Env {
		e.Close()
		e = apitest.NewWith(t, apitest.Options{DBURL: e.DBURL, Clock: e.Clock, Config: app.Config{License: setting, LicenseKey: s.pub}})
		return e
	}
	e = restart(inst)
	if n := instanceSeats(t, e); n != 4 {
		t.Fatalf("pool without corp-b's license %d, want 4", n)
	}
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "b2@example.com"}, b.Admin.Key)
	if r := e.Do("POST", "/api/v1/users", map[string]string{"email": "a2@example.com"}, root.Key); r.StatusCode != 409 {
		t.Fatalf("sixth seat under the instance license alone: %d %s", r.StatusCode, r.Body)
	}
	e = restart(own + "," + inst)
	if n := instanceSeats(t, e); n != 2 {
		t.Fatalf("pool with corp-b's license again %d, want 2", n)
	}
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "a2@example.com"}, root.Key)
	if r := e.Do("POST", "/api/v1/users", map[string]string{"email": "b3@example.com"}, b.Admin.Key); r.StatusCode != 409 {
		t.Fatalf("fourth seat under corp-b's own 3: %d %s", r.StatusCode, r.Body)
	}
}
