package api_test

// Team settings (issue 3): storage (T2), avatars (T8), privacy and its
// organization-wide enforcement (T6), archive and restore (T11), and the
// two deployment switches GORILLA_ALLOW_USER_TEAM_CREATION (O6) and
// GORILLA_DISABLE_ADMIN_TEAM_ACCESS (T7).

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"slices"
	"strings"
	"testing"

	"roster"

	"roster/internal/apitest"
	"roster/internal/app"
)

// T2: storage is fixed at creation: a PATCH that names another storage is a
// conflict and changes nothing, not even the other fields it carried.
func TestTeamStorageIsFixed(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	original := map[string]any{"type": "bucket", "provider": "aws", "bucket": fxBucket, "region": "eu-west-1"}
	for _, storage := range []map[string]any{
		{"type": "default"},
		{"type": "bucket", "provider": "aws", "bucket": "another-bucket", "region": "eu-west-1"},
		{"type": "bucket", "provider": "gcp", "bucket": fxBucket, "region": "eu-west-1"},
		{"type": "bucket", "provider": "aws", "bucket": fxBucket, "region": "us-east-1"},
		{"type": "bucket", "provider": "aws", "bucket": fxBucket, "region": "eu-west-1", "kms_key": "arn:aws:kms:key/1"},
	} {
		for _, cred := range []apitest.Cred{tadmin, f.admin.Key} {
			r := e.Do("PATCH", "/api/v1/teams/ml", map[string]any{"storage": storage, "display_name": "Renamed"}, cred)
			teamWantCode(t, r, 409, "storage_fixed")
		}
	}
	var team struct {
		DisplayName string `json:"display_name"`
		Storage     map[string]any
	}
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/ml", nil, tadmin), &team)
	if team.DisplayName != "ml" || fmt.Sprint(team.Storage) != fmt.Sprint(original) {
		t.Errorf("after refused storage changes: display name %q storage %v, want ml %v", team.DisplayName, team.Storage, original)
	}
	// Repeating the storage as it is changes nothing and is no conflict.
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"storage": original, "display_name": "Same storage"}, tadmin)
	// Non-members see that the team uses a bucket, not which one (D5).
	var seen struct{ Storage map[string]any }
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/ml", nil, f.users["omember"].Key), &seen)
	if fmt.Sprint(seen.Storage) != "map[type:bucket]" {
		t.Errorf("a non-member sees storage %v", seen.Storage)
	}
}

// T2: bucket names are checked against each provider's naming rules.
func TestTeamBucketNames(t *testing.T) {
	e := apitest.New(t)
	adm := e.MustSignup("oadmin").Key
	s3Valid := []string{"abc", "my-bucket", "my.bucket.name", "bucket-2024", strings.Repeat("a", 63)}
	s3Invalid := []string{"ab", "My-Bucket", "my_bucket", "-bucket", "bucket-", ".bucket", "my..bucket", "my.-bucket",
		"192.168.1.1", "xn--bucket", "sthree-bucket", "bucket-s3alias", "bucket--ol-s3", strings.Repeat("a", 64), "", "buck et"}
	cases := map[string]struct{ valid, invalid []string }{
		"aws":       {s3Valid, s3Invalid},
		"minio":     {s3Valid, s3Invalid},
		"coreweave": {s3Valid, s3Invalid},
		"gcp": {
			valid: []string{"abc", "my_bucket", "my-bucket", "bucket.example.com", strings.Repeat("a", 63),
				strings.Repeat("a", 63) + "." + strings.Repeat("b", 63)},
			invalid: []string{"ab", "Bucket", "_bucket", "bucket_", "goog-bucket", "my-google-bucket", "192.168.1.1",
				strings.Repeat("a", 64), "a..b", strings.Repeat("a", 64) + ".bc", ""},
		},
		"azure": {
			valid:   []string{"abc", "mycontainer", "my-container-1", strings.Repeat("a", 63)},
			invalid: []string{"ab", "My", "my_container", "my--container", "-abc", "abc-", "a.bc", strings.Repeat("a", 64), ""},
		},
	}
	n := 0
	for provider, c := range cases {
		for _, want := range []struct {
			names  []string
			status int
		}{{c.valid, 201}, {c.invalid, 400}} {
			for _, bucket := range want.names {
				n++
				name := fmt.Sprintf("b-%d", n)
				r := e.Do("POST", "/api/v1/teams", map[string]any{"name": name, "storage": map[string]string{
					"type": "bucket", "provider": provider, "bucket": bucket, "path": "/runs/", "region": "r1"}}, adm)
				if r.StatusCode != want.status {
					t.Errorf("%s bucket %q: status %d, want %d: %s", provider, bucket, r.StatusCode, want.status, r.Body)
					continue
				}
				if want.status == 400 {
					teamWantCode(t, r, 400, "invalid_bucket")
					e.Must(404, "GET", "/api/v1/teams/"+name, nil, adm)
					continue
				}
				var team struct{ Storage map[string]string }
				teamJSONBody(t, r, &team)
				if team.Storage["bucket"] != bucket || team.Storage["provider"] != provider || team.Storage["path"] != "runs" {
					t.Errorf("%s bucket %q stored as %v", provider, bucket, team.Storage)
				}
			}
		}
	}
	for _, storage := range []map[string]string{
		{"type": "bucket", "provider": "s3", "bucket": "my-bucket"},
		{"type": "bucket", "bucket": "my-bucket"},
		{"type": "nfs"},
		{"type": "bucket", "provider": "aws", "bucket": "my-bucket", "region": "bad\nregion"},
	} {
		r := e.Do("POST", "/api/v1/teams", map[string]any{"name": "odd", "storage": storage}, adm)
		if r.StatusCode != 400 {
			t.Errorf("storage %v: status %d, want 400: %s", storage, r.StatusCode, r.Body)
		}
	}
	r := e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "plain"}, adm).Map(t)
	if fmt.Sprint(r["storage"]) != "map[type:default]" {
		t.Errorf("team without storage: %v, want the instance default", r["storage"])
	}
}

// teamWebP is a complete 1x1 lossless WebP image.
var teamWebP = []byte{
	'R', 'I', 'F', 'F', 0x1a, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L', 0x0d, 0, 0, 0,
	0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0,
}

// T8: avatars are PNG, JPEG, GIF or WebP of at most 1 MiB, checked by
// content, and served back with their type; anything else is refused and
// leaves the current avatar in place.
func TestTeamAvatar(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	img := image.NewPaletted(image.Rect(0, 0, 3, 2), []color.Color{color.Black, color.White})
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 5, 5)), nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, img, nil); err != nil {
		t.Fatal(err)
	}
	pngData := teamPNG(2, 2)
	padded := append(bytes.Clone(pngData), make([]byte, app.MaxAvatarBytes-len(pngData))...)
	for _, c := range []struct {
		what, contentType string
		data              []byte
	}{
		{"PNG", "image/png", pngData},
		{"JPEG", "image/jpeg", jpg.Bytes()},
		{"GIF", "image/gif", gf.Bytes()},
		{"WebP", "image/webp", teamWebP},
		{"PNG of exactly 1 MiB", "image/png", padded},
	} {
		e.Must(204, "PUT", "/api/v1/teams/ml/avatar", c.data, tadmin)
		for _, cred := range []apitest.Cred{tadmin, f.users["tviewer"].Key} {
			r := e.Must(200, "GET", "/api/v1/teams/ml/avatar", nil, cred)
			if ct := r.Header.Get("Content-Type"); ct != c.contentType || !bytes.Equal(r.Body, c.data) {
				t.Errorf("%s served as %q with %d bytes, want %q with %d", c.what, ct, len(r.Body), c.contentType, len(c.data))
			}
		}
	}
	var team struct {
		AvatarURL string `json:"avatar_url"`
	}
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/ml", nil, tadmin), &team)
	if team.AvatarURL != "/api/v1/teams/ml/avatar" {
		t.Errorf("avatar_url %q", team.AvatarURL)
	}

	e.Must(204, "PUT", "/api/v1/teams/ml/avatar", pngData, tadmin)
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`)
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	riff := append([]byte("RIFF\x1a\x00\x00\x00WEBPXXXX"), make([]byte, 20)...)
	// giant is pngData with an IHDR (bytes 12-32: type, 13 bytes of data,
	// CRC) that claims 100000 x 100000 pixels.
	giant := bytes.Clone(pngData)
	binary.BigEndian.PutUint32(giant[16:], 100000)
	binary.BigEndian.PutUint32(giant[20:], 100000)
	binary.BigEndian.PutUint32(giant[29:], crc32.ChecksumIEEE(giant[12:29]))
	for _, c := range []struct {
		what   string
		data   []byte
		status int
		code   string
	}{
		{"text", []byte("hello, this is not an image\n"), 400, "invalid_avatar"},
		{"SVG", svg, 400, "invalid_avatar"},
		{"PDF (as if named .png)", pdf, 400, "invalid_avatar"},
		{"empty", nil, 400, "invalid_avatar"},
		{"PNG signature then garbage", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0xff}, 64)...), 400, "invalid_avatar"},
		{"truncated PNG", pngData[:20], 400, "invalid_avatar"},
		{"RIFF that is not WebP", riff, 400, "invalid_avatar"},
		{"PNG of 100000 x 100000", giant, 400, "invalid_avatar"},
		{"PNG over 1 MiB", append(bytes.Clone(padded), 0), 413, "too_large"},
		{"4 MiB", append(bytes.Clone(padded), make([]byte, 3<<20)...), 413, "too_large"},
	} {
		r := e.Do("PUT", "/api/v1/teams/ml/avatar", c.data, tadmin)
		if r.StatusCode != c.status || teamProblemCode(r) != c.code {
			t.Errorf("%s: status %d code %q, want %d %q: %.200s", c.what, r.StatusCode, teamProblemCode(r), c.status, c.code, r.Body)
		}
	}
	r := e.Must(200, "GET", "/api/v1/teams/ml/avatar", nil, tadmin)
	if !bytes.Equal(r.Body, pngData) || r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("refused uploads replaced the avatar: %q, %d bytes", r.Header.Get("Content-Type"), len(r.Body))
	}
	if nosniff := r.Header.Get("Content-Security-Policy"); !strings.Contains(nosniff, "sandbox") {
		t.Errorf("avatar served without a sandboxing CSP: %q", nosniff)
	}
}

// O6: members create teams only when GORILLA_ALLOW_USER_TEAM_CREATION is
// on, and then become the new team's admin; viewers never.
func TestTeamCreationByMembers(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprintf("allow=%v", allow), func(t *testing.T) {
			e := apitest.NewWith(t, apitest.Options{Config: app.Config{AllowUserTeamCreation: allow}})
			adm := e.MustSignup("oadmin")
			m := e.MustUser(adm.Key, "mia", "member")
			v := e.MustUser(adm.Key, "vera", "viewer")
			teamWantCode(t, e.Do("POST", "/api/v1/teams", map[string]string{"name": "vera-team"}, v.Key), 403, "team_creation_disabled")
			r := e.Do("POST", "/api/v1/teams", map[string]string{"name": "mia-team"}, m.Key)
			if !allow {
				teamWantCode(t, r, 403, "team_creation_disabled")
				e.Must(404, "GET", "/api/v1/teams/mia-team", nil, adm.Key)
				if n := e.AuditCount("team:create"); n != 0 {
					t.Errorf("team:create entries: %d, want 0", n)
				}
				return
			}
			if r.StatusCode != 201 || r.Header.Get("Location") != "/api/v1/teams/mia-team" {
				t.Fatalf("member creating a team: %d %q: %s", r.StatusCode, r.Header.Get("Location"), r.Body)
			}
			var team struct {
				Role        string
				Permissions []string
			}
			teamJSONBody(t, r, &team)
			if team.Role != "admin" || len(team.Permissions) != len(roster.Catalog) {
				t.Errorf("creator's standing: %+v, want admin with every permission", team)
			}
			if roles := teamMemberRoles(t, e, m.Key, "mia-team"); fmt.Sprint(roles) != "map[mia:admin]" {
				t.Errorf("members of the new team: %v", roles)
			}
			e.Must(201, "POST", "/api/v1/teams/mia-team/members", map[string]string{"username": "vera"}, m.Key)
			if n := e.AuditCount("team:create"); n != 1 {
				t.Errorf("team:create entries: %d, want 1", n)
			}
		})
	}
}

// T7: with GORILLA_DISABLE_ADMIN_TEAM_ACCESS an organization admin still
// manages membership of teams they are not in, but cannot add themselves
// nor read or change the team's projects, runs, settings or service
// accounts.
func TestTeamDisabledAdminTeamAccess(t *testing.T) {
	e := apitest.NewWith(t, apitest.Options{Config: app.Config{DisableAdminTeamAccess: true}})
	f := buildTeamFixture(t, e)
	adm := f.admin.Key
	e.Must(200, "GET", "/api/v1/teams/ml", nil, adm)
	e.Must(200, "GET", "/api/v1/teams/ml/members", nil, adm)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember"}, adm)
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/omember", map[string]string{"role": "admin"}, adm)
	e.Must(200, "PATCH", "/api/v1/teams/ml/members/omember", map[string]string{"role": "viewer"}, adm)
	e.Must(204, "DELETE", "/api/v1/teams/ml/members/omember", nil, adm)
	for _, role := range []string{"", "admin"} {
		teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", map[string]string{"username": "oadmin", "role": role}, adm),
			403, "admin_team_access_disabled")
		teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", map[string]string{"email": "oadmin@example.com", "role": role}, adm),
			403, "admin_team_access_disabled")
	}
	// Like anyone in the organization, the admin sees public projects only.
	if names := teamNames(t, e.Must(200, "GET", "/api/v1/teams/ml/projects", nil, adm), "projects"); !slices.Equal(names, []string{fxPublicProject}) {
		t.Errorf("the admin lists projects %v, want only the public one", names)
	}
	for _, c := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/api/v1/teams/ml/projects/" + fxTeamProject, nil, 404},
		{"GET", "/api/v1/teams/ml/projects/" + fxTeamProject + "/runs", nil, 404},
		{"GET", "/api/v1/teams/ml/projects/" + fxTeamProject + "/runs/" + f.runID, nil, 404},
		{"GET", "/api/v1/teams/ml/projects/" + fxRestrictedProject, nil, 404},
		{"DELETE", "/api/v1/teams/ml/projects/" + fxTeamProject, nil, 404},
		{"POST", "/api/v1/teams/ml/projects", map[string]string{"name": "admins-own"}, 403},
		{"PATCH", "/api/v1/teams/ml", map[string]string{"display_name": "Taken over"}, 403},
		{"GET", "/api/v1/teams/ml/usage", nil, 403},
		{"GET", "/api/v1/teams/ml/service-accounts", nil, 403},
		{"POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "backdoor"}, 403},
	} {
		r := e.Do(c.method, c.path, c.body, adm)
		if r.StatusCode != c.status {
			t.Errorf("%s %s by the organization admin: status %d, want %d: %s", c.method, c.path, r.StatusCode, c.status, r.Body)
		}
		if l := teamLeaks(colOrgMember, c.path, r.Body); len(l) > 0 {
			t.Errorf("%s %s shows %v", c.method, c.path, l)
		}
	}
	e.Must(200, "GET", "/api/v1/teams/ml/projects/"+fxPublicProject, nil, adm)
	// Organization-level powers stay: archive and restore.
	e.Must(204, "DELETE", "/api/v1/teams/ml", nil, adm)
	e.Must(200, "POST", "/api/v1/teams/ml/restore", nil, adm)
}

// T11: deleting a team archives it: it leaves every list and its members
// lose access, while projects and runs are kept; restoring brings it all
// back. Archived names stay taken.
func TestTeamArchiveAndRestore(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, tm := f.e, f.admin.Key, f.users["tmember"].Key
	listed := func(cred apitest.Cred, query string) []string {
		return teamNames(t, e.Must(200, "GET", "/api/v1/teams"+query, nil, cred), "teams")
	}
	e.Must(204, "DELETE", "/api/v1/teams/ml", nil, adm)
	e.Must(204, "DELETE", "/api/v1/teams/ml", nil, adm) // already archived: nothing to do
	if n := e.AuditCount("team:delete"); n != 1 {
		t.Errorf("team:delete entries: %d, want 1", n)
	}
	for _, cred := range []apitest.Cred{adm, tm, f.cred[colTeamSA], f.cred[colOrgSA]} {
		if names := listed(cred, ""); slices.Contains(names, "ml") {
			t.Errorf("archived team listed: %v", names)
		}
	}
	if names := listed(adm, "?archived=true"); !slices.Equal(names, []string{"ml"}) {
		t.Errorf("archived teams: %v, want [ml]", names)
	}
	e.Must(403, "GET", "/api/v1/teams?archived=true", nil, tm)
	for _, c := range []struct {
		method, path string
		body         any
		cred         apitest.Cred
	}{
		{"GET", "/api/v1/teams/ml", nil, tm},
		{"GET", "/api/v1/teams/ml", nil, adm},
		{"GET", "/api/v1/teams/ml/members", nil, f.cred[colTeamAdmin]},
		{"GET", "/api/v1/teams/ml/projects/" + fxTeamProject, nil, tm},
		{"GET", "/api/v1/teams/ml/projects/" + fxPublicProject, nil, f.users["omember"].Key},
		{"GET", "/api/v1/teams/ml/projects/" + fxTeamProject + "/runs/" + f.runID, nil, f.cred[colTeamSA]},
		{"POST", "/api/v1/teams/ml/projects/" + fxTeamProject + "/runs", map[string]string{"name": "late"}, f.cred[colTeamSA]},
		{"POST", "/api/v1/teams/ml/projects/" + fxTeamProject + "/runs", map[string]string{"name": "late"}, f.cred[colOrgSA]},
		{"POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember"}, f.cred[colTeamAdmin]},
		{"PATCH", "/api/v1/teams/ml", map[string]string{"display_name": "Zombie"}, f.cred[colTeamAdmin]},
	} {
		if r := e.Do(c.method, c.path, c.body, c.cred); r.StatusCode != 404 {
			t.Errorf("%s %s on an archived team: status %d, want 404: %s", c.method, c.path, r.StatusCode, r.Body)
		}
	}
	teamWantCode(t, e.Do("POST", "/api/v1/teams", map[string]string{"name": "ML"}, adm), 409, "team_name_taken")
	e.Must(403, "POST", "/api/v1/teams/ml/restore", nil, f.cred[colTeamAdmin])

	r := e.Must(200, "POST", "/api/v1/teams/ml/restore", nil, adm).Map(t)
	if r["name"] != "ml" || r["archived_at"] != nil {
		t.Errorf("restored team: %v", r)
	}
	if names := listed(tm, ""); !slices.Contains(names, "ml") {
		t.Errorf("restored team not listed: %v", names)
	}
	if runs := teamRuns(t, e, tm, fxTeamProject); runs[fxRunName].Author != "bystander" {
		t.Errorf("runs after restore: %v", runs)
	}
	e.Must(200, "GET", "/api/v1/teams/ml/projects/"+fxRestrictedProject+"/runs/"+f.restrictedRunID, nil, tm)
	if roles := teamMemberRoles(t, e, tm, "ml"); roles["tadmin"] != "admin" || roles["tmember"] != "member" || roles[fxTeamSAName] != "service" {
		t.Errorf("members after restore: %v", roles)
	}
	f.mustRun(f.cred[colTeamSA], fxTeamProject, "after-restore")
}

// T6: "hide the team from non-members" makes it not found for everyone
// outside it, public projects included, while members and organization
// admins and service accounts still see it.
func TestTeamHiddenFromNonMembers(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin := f.e, f.cred[colTeamAdmin]
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"hide_from_non_members": true}}, tadmin)
	for _, u := range []string{"omember", "nonmember", "cvadmin"} {
		k := f.users[u].Key
		for _, path := range []string{"/api/v1/teams/ml", "/api/v1/teams/ml/members", "/api/v1/teams/ml/projects",
			"/api/v1/teams/ml/avatar", "/api/v1/teams/ml/projects/" + fxPublicProject,
			"/api/v1/teams/ml/projects/" + fxPublicProject + "/runs/" + f.publicRunID} {
			r := e.Do("GET", path, nil, k)
			teamWantCode(t, r, 404, "not_found")
			if bytes.Contains(r.Body, []byte(fxPublicProject)) && !strings.Contains(path, fxPublicProject) ||
				bytes.Contains(r.Body, []byte(fxPublicRunName)) || bytes.Contains(r.Body, []byte("bystander")) {
				t.Errorf("GET %s by %s shows more than was asked: %s", path, u, r.Body)
			}
		}
		// A hidden team answers exactly like a team that does not exist.
		hidden, missing := teamDetail(t, e.Do("GET", "/api/v1/teams/ml/projects", nil, k)), teamDetail(t, e.Do("GET", "/api/v1/teams/zz/projects", nil, k))
		if strings.Replace(hidden, `"ml"`, `"zz"`, 1) != missing {
			t.Errorf("a hidden team answers %q, a missing one %q", hidden, missing)
		}
		teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", map[string]string{"username": u}, k), 404, "not_found")
		if names := teamNames(t, e.Must(200, "GET", "/api/v1/teams", nil, k), "teams"); slices.Contains(names, "ml") {
			t.Errorf("%s lists the hidden team: %v", u, names)
		}
	}
	for _, col := range []string{colOrgAdmin, colTeamViewer, colTeamSA, colOrgSA, colOrgViewer} {
		e.Must(200, "GET", "/api/v1/teams/ml", nil, f.cred[col])
		if names := teamNames(t, e.Must(200, "GET", "/api/v1/teams", nil, f.cred[col]), "teams"); !slices.Contains(names, "ml") {
			t.Errorf("%s does not list the hidden team it may see: %v", col, names)
		}
	}
}

// T6, W1: "private projects" refuses public visibility for new and changed
// projects; "forbid public sharing" also stops outsiders reading projects
// that are already public.
func TestTeamPublicProjectSwitches(t *testing.T) {
	f := newTeamFixture(t)
	e, tadmin, out := f.e, f.cred[colTeamAdmin], f.users["omember"].Key
	pp := "/api/v1/teams/ml/projects/" + fxPublicProject
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"private_projects": true}}, tadmin)
	teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/projects", map[string]string{"name": "shown", "visibility": "public"}, tadmin), 409, "public_forbidden")
	teamWantCode(t, e.Do("PATCH", "/api/v1/teams/ml/projects/"+fxTeamProject, map[string]string{"visibility": "public"}, tadmin), 409, "public_forbidden")
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "kept-in", "visibility": "restricted"}, tadmin)
	e.Must(404, "GET", "/api/v1/teams/ml/projects/shown", nil, tadmin)
	e.Must(200, "GET", pp, nil, out) // projects made public before stay public

	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"forbid_public_sharing": true}}, tadmin)
	e.Must(404, "GET", pp, nil, out)
	e.Must(404, "GET", pp+"/runs", nil, out)
	e.Must(200, "GET", pp, nil, f.users["tviewer"].Key)
	teamWantCode(t, e.Do("PATCH", "/api/v1/teams/ml/projects/"+fxTeamProject, map[string]string{"visibility": "public"}, tadmin), 409, "public_forbidden")

	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"private_projects": false, "forbid_public_sharing": false}}, tadmin)
	e.Must(200, "GET", pp, nil, out)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]string{"name": "shown", "visibility": "public"}, tadmin)
}

// T6: an organization admin may enforce any privacy switch for every team;
// enforced values override the teams' own and teams cannot change them.
func TestTeamOrganizationEnforcement(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, tadmin, tm := f.e, f.admin.Key, f.cred[colTeamAdmin], f.users["tmember"].Key
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"members_can_invite": true}}, tadmin)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember"}, tm)

	before := e.AuditCount("organization:update_settings")
	teamWantCode(t, e.Do("PATCH", "/api/v1/organization", map[string]any{"enforced": map[string]bool{"hide_from_non_members": true}}, tadmin), 403, "not_admin")
	org := e.Must(200, "PATCH", "/api/v1/organization", map[string]any{"enforced": map[string]bool{
		"hide_from_non_members": true, "members_can_invite": false, "private_projects": true}}, adm).Map(t)
	if fmt.Sprint(org["enforced"]) != "map[forbid_public_sharing:<nil> hide_from_non_members:true members_can_invite:false private_projects:true]" {
		t.Errorf("organization after enforcing: %v", org)
	}
	if n := e.AuditCount("organization:update_settings") - before; n != 1 {
		t.Errorf("organization:update_settings entries: %d, want 1", n)
	}
	e.Must(200, "GET", "/api/v1/organization", nil, tm)

	var team struct {
		Settings map[string]bool
		Enforced map[string]*bool
	}
	for _, team2 := range []string{"ml", "cv"} {
		teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/"+team2, nil, adm), &team)
		if !team.Settings["hide_from_non_members"] || team.Settings["members_can_invite"] || !team.Settings["private_projects"] ||
			team.Enforced["hide_from_non_members"] == nil || !*team.Enforced["hide_from_non_members"] {
			t.Errorf("team %s under enforcement: %+v", team2, team)
		}
	}
	// The enforced values apply: hidden, no member invites, no public projects.
	e.Must(404, "GET", "/api/v1/teams/ml", nil, f.users["cvadmin"].Key)
	e.Must(404, "GET", "/api/v1/teams/cv", nil, f.users["omember"].Key)
	teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/members", map[string]string{"username": "cvadmin"}, tm), 403, "missing_permission")
	teamWantCode(t, e.Do("POST", "/api/v1/teams/ml/projects", map[string]string{"name": "pub", "visibility": "public"}, tadmin), 409, "public_forbidden")

	// Teams cannot change enforced switches, but may set the rest.
	for _, s := range []map[string]bool{
		{"hide_from_non_members": false, "members_can_invite": false, "private_projects": true},
		{"hide_from_non_members": true, "members_can_invite": true, "private_projects": true},
		{"hide_from_non_members": true, "members_can_invite": false, "private_projects": false},
	} {
		teamWantCode(t, e.Do("PATCH", "/api/v1/teams/ml", map[string]any{"settings": s}, tadmin), 409, "setting_enforced")
	}
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{
		"hide_from_non_members": true, "members_can_invite": false, "private_projects": true, "forbid_public_sharing": true}}, tadmin)

	// Lifting enforcement gives each team back its own choice.
	e.Must(200, "PATCH", "/api/v1/organization", map[string]any{"enforced": map[string]any{}}, adm)
	teamJSONBody(t, e.Must(200, "GET", "/api/v1/teams/cv", nil, adm), &team)
	if team.Settings["hide_from_non_members"] || team.Settings["private_projects"] {
		t.Errorf("cv after enforcement lifted: %+v", team.Settings)
	}
	e.Must(200, "GET", "/api/v1/teams/cv", nil, f.users["omember"].Key)
}

// teamDetail is the detail and code of a problem document.
func teamDetail(t testing.TB, r *apitest.Response) string {
	t.Helper()
	var p struct{ Detail, Code string }
	teamJSONBody(t, r, &p)
	return p.Code + ": " + p.Detail
}
