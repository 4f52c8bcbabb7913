package api_test

// Issue 14, service accounts and API keys: default teams, several keys per
// service account, the team service account switch and the key inventory.

import (
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth"
	"roster/internal/store"
)

// ownKeyIDs lists the caller's own key ids.
func ownKeyIDs(t *testing.T, e *apitest.Env, cred apitest.Cred) []string {
	t.Helper()
	var out struct {
		APIKeys []struct{ ID string } `json:"api_keys"`
	}
	e.Must(200, "GET", "/api/v1/users/me/api-keys", nil, cred).JSON(t, &out)
	var ids []string
	for _, k := range out.APIKeys {
		ids = append(ids, k.ID)
	}
	return ids
}

// A1, W&B: an organization service account is created with a default team
// that exists and is not archived; it is shown; accounts made before the
// rule keep working.
func TestOrgServiceAccountNeedsDefaultTeam(t *testing.T) {
	f := newTeamFixture(t)
	e, adm := f.e, f.admin.Key
	wantCode(t, e.Do("POST", "/api/v1/service-accounts", map[string]string{"name": "no-team"}, adm), 400, "default_team_required")
	wantCode(t, e.Do("POST", "/api/v1/service-accounts", map[string]string{"name": "bad", "default_team": "nope"}, adm), 400, "default_team_required")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "old", "storage": map[string]string{"type": "default"}}, adm)
	e.Must(204, "DELETE", "/api/v1/teams/old", nil, adm)
	wantCode(t, e.Do("POST", "/api/v1/service-accounts", map[string]string{"name": "arch", "default_team": "old"}, adm), 400, "default_team_required")
	e.Must(403, "POST", "/api/v1/service-accounts", map[string]string{"name": "m", "default_team": "cv"}, f.cred[colOrgMember])
	sa := e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "ok", "default_team": "ml"}, adm).Map(t)
	if sa["default_team"] != "ml" {
		t.Errorf("created account shows default team %v, want ml", sa["default_team"])
	}
	v := e.Must(200, "GET", "/api/v1/viewer", nil, apitest.Key(sa["key"].(string))).Map(t)
	if got := v["service_account"].(map[string]any)["default_team"]; got != "ml" {
		t.Errorf("viewer of the account shows default team %v, want ml", got)
	}
	if list := e.Must(200, "GET", "/api/v1/service-accounts", nil, adm); !strings.Contains(string(list.Body), `"default_team":"cv"`) {
		t.Errorf("list does not show org-bot's default team: %s", list.Body)
	}
	// An account from before the rule, without a default team, still works.
	secret, hash := auth.NewAPIKey()
	err := e.DB.Tx(t.Context(), func(tx *store.Tx) error {
		legacy := &roster.ServiceAccount{ID: roster.NewID("sa"), OrgID: roster.DefaultOrgID, Name: "legacy"}
		if err := tx.CreateServiceAccount(t.Context(), legacy); err != nil {
			return err
		}
		return tx.CreateAPIKey(t.Context(), &roster.APIKey{ID: roster.NewID("key"), OrgID: roster.DefaultOrgID,
			PrincipalID: legacy.ID, Name: "legacy", Hint: secret[len(secret)-4:], Hash: hash})
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, apitest.Key(secret))
	e.Must(201, "POST", "/api/v1/teams/ml/projects/"+fxTeamProject+"/runs", map[string]any{"name": "legacy-run"}, apitest.Key(secret))
}

// A3: admins create, name, rename and delete the keys of service accounts,
// so that a key is replaced without downtime; nobody else may.
func TestServiceAccountKeyRotation(t *testing.T) {
	f := newTeamFixture(t)
	e, adm, tadmin := f.e, f.admin.Key, f.cred[colTeamAdmin]
	orgKeys := "/api/v1/service-accounts/" + f.orgSAID + "/api-keys"
	teamKeys := "/api/v1/service-accounts/" + f.teamSAID + "/api-keys"
	// Denials: members, other teams' admins, team admins on organization
	// accounts, and service accounts on themselves.
	for _, c := range []struct {
		path string
		cred apitest.Cred
		want int
	}{
		{orgKeys, f.cred[colOrgMember], 403}, {orgKeys, tadmin, 403}, {orgKeys, f.cred[colOrgSA], 403},
		{teamKeys, f.cred[colTeamMember], 403}, {teamKeys, f.cred[colCVAdmin], 404}, {teamKeys, f.cred[colTeamSA], 403},
		{teamKeys, apitest.Anonymous, 401},
	} {
		e.Must(c.want, "POST", c.path, map[string]string{"name": "sneaky"}, c.cred)
		e.Must(c.want, "GET", c.path, nil, c.cred)
	}
	before := e.AuditCount("service_account:create_api_key")
	next := e.Must(201, "POST", orgKeys, map[string]string{"name": "rotated"}, adm).Map(t)
	secret := next["key"].(string)
	e.Must(201, "POST", teamKeys, map[string]string{"name": "second"}, tadmin)
	if got := e.AuditCount("service_account:create_api_key") - before; got != 2 {
		t.Errorf("%d service_account:create_api_key entries, want 2", got)
	}
	// Both keys work during the overlap.
	e.Must(200, "GET", "/api/v1/viewer", nil, f.cred[colOrgSA])
	e.Must(200, "GET", "/api/v1/viewer", nil, apitest.Key(secret))
	var list struct {
		APIKeys []struct{ ID, Name string } `json:"api_keys"`
	}
	r := e.Must(200, "GET", orgKeys, nil, adm)
	r.JSON(t, &list)
	if len(list.APIKeys) != 2 || strings.Contains(string(r.Body), secret) {
		t.Fatalf("service account keys %s: want 2 keys and no secret", r.Body)
	}
	var oldID string
	for _, k := range list.APIKeys {
		if k.ID != next["id"] {
			oldID = k.ID
		}
	}
	if got := e.Must(200, "PATCH", orgKeys+"/"+next["id"].(string), map[string]string{"name": "ci 2026"}, adm).Map(t)["name"]; got != "ci 2026" {
		t.Errorf("renamed key is called %v", got)
	}
	e.Must(403, "PATCH", orgKeys+"/"+oldID, map[string]string{"name": "x"}, tadmin)
	e.Must(404, "DELETE", teamKeys+"/"+oldID, nil, tadmin) // another account's key
	e.Must(204, "DELETE", orgKeys+"/"+oldID, nil, adm)
	e.Must(401, "GET", "/api/v1/viewer", nil, f.cred[colOrgSA])
	e.Must(200, "GET", "/api/v1/viewer", nil, apitest.Key(secret))
	// Users rename their own keys, only their own.
	own := ownKeyIDs(t, e, f.cred[colTeamMember])[0]
	e.Must(200, "PATCH", "/api/v1/users/me/api-keys/"+own, map[string]string{"name": "laptop"}, f.cred[colTeamMember])
	e.Must(404, "PATCH", "/api/v1/users/me/api-keys/"+own, map[string]string{"name": "mine now"}, f.cred[colOrgMember])
	e.Must(400, "PATCH", "/api/v1/users/me/api-keys/"+own, map[string]string{"name": ""}, f.cred[colTeamMember])
}

// GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION=true refuses team service
// accounts on every edge, naming the setting; organization ones stay.
func TestDisableTeamServiceAccountCreation(t *testing.T) {
	e := apitest.NewWith(t, apitest.Options{Config: app.Config{DisableTeamServiceAccountCreation: true}})
	adm := e.MustSignup("root")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, adm.Key)
	r := e.Do("POST", "/api/v1/teams/ml/service-accounts", map[string]string{"name": "bot"}, adm.Key)
	wantCode(t, r, 403, "team_service_accounts_disabled")
	if !strings.Contains(string(r.Body), "GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION") {
		t.Errorf("refusal does not name the setting: %s", r.Body)
	}
	web := e.MustWebSignIn("root", apitest.Password)
	if tab := string(web.Get("/teams/ml/settings/service-accounts").Body); strings.Contains(tab, `id="team-sa-form"`) ||
		!strings.Contains(tab, "GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION") {
		t.Error("the team's service accounts tab still offers the creation form, or does not say why not")
	}
	page := web.Post("/teams/ml/settings/service-accounts", map[string][]string{"name": {"bot"}})
	if page.StatusCode != 403 || !strings.Contains(string(page.Body), "GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION") {
		t.Errorf("web form: %d, want 403 naming the setting", page.StatusCode)
	}
	if list := e.Must(200, "GET", "/api/v1/teams/ml/service-accounts", nil, adm.Key); strings.Contains(string(list.Body), "bot") {
		t.Errorf("a team service account was made: %s", list.Body)
	}
	e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "org-bot", "default_team": "ml"}, adm.Key)
}

// The key inventory: organization admins list every key with its owner,
// search and filter it (kind, owner, dormant), revoke one or many (one
// audit entry per key, all or none); nobody else may. Secrets never show.
func TestKeyInventory(t *testing.T) {
	f := newTeamFixture(t)
	e, adm := f.e, f.admin.Key
	for _, col := range []string{colOrgMember, colTeamAdmin, colOrgSA, colTeamSA, colOrgViewer} {
		e.Must(403, "GET", "/api/v1/api-keys", nil, f.cred[col])
		e.Must(403, "POST", "/api/v1/api-keys/revoke", map[string]any{"ids": ownKeyIDsOr(t, e, f, colTeamMember)}, f.cred[col])
	}
	e.Must(401, "GET", "/api/v1/api-keys", nil, apitest.Anonymous)
	type entry struct {
		ID, Name, Owner, OwnerKind string
		LastUsedAt                 *time.Time `json:"last_used_at"`
	}
	list := func(q string) []entry {
		var out struct {
			APIKeys []struct {
				ID         string     `json:"id"`
				Name       string     `json:"name"`
				Owner      string     `json:"owner"`
				OwnerKind  string     `json:"owner_kind"`
				LastUsedAt *time.Time `json:"last_used_at"`
			} `json:"api_keys"`
		}
		r := e.Must(200, "GET", "/api/v1/api-keys"+q, nil, adm)
		if strings.Contains(string(r.Body), `"key"`) || strings.Contains(string(r.Body), `"hash"`) {
			t.Errorf("inventory shows secrets or hashes: %s", r.Body)
		}
		r.JSON(t, &out)
		var es []entry
		for _, k := range out.APIKeys {
			es = append(es, entry{k.ID, k.Name, k.Owner, k.OwnerKind, k.LastUsedAt})
		}
		return es
	}
	owners := func(es []entry) string {
		var o []string
		for _, x := range es {
			o = append(o, x.OwnerKind+":"+x.Owner)
		}
		return strings.Join(o, ",")
	}
	all := owners(list(""))
	for _, want := range []string{"user:tmember", "user:oadmin", "service_account:" + fxTeamSAName, "service_account:org-bot"} {
		if !strings.Contains(all, want) {
			t.Errorf("inventory lacks %s: %s", want, all)
		}
	}
	if got := owners(list("?kind=service_account")); strings.Contains(got, "user:") || !strings.Contains(got, "org-bot") {
		t.Errorf("kind=service_account lists %s", got)
	}
	if got := owners(list("?owner=tmember")); got != "user:tmember" {
		t.Errorf("owner=tmember lists %s", got)
	}
	if got := owners(list("?query=ML-B")); got != "service_account:"+fxTeamSAName {
		t.Errorf("query=ML-B lists %s", got)
	}
	e.Must(400, "GET", "/api/v1/api-keys?kind=robot", nil, adm)
	e.Must(400, "GET", "/api/v1/api-keys?unused_days=-3", nil, adm)
	// Dormant: after 40 days only the keys not used since show.
	e.Clock.Advance(40 * 24 * time.Hour)
	e.Must(200, "GET", "/api/v1/viewer", nil, f.cred[colTeamMember])
	dormant := owners(list("?unused_days=30"))
	if strings.Contains(dormant, "user:tmember") || !strings.Contains(dormant, "user:omember") {
		t.Errorf("unused_days=30 lists %s: want omember's key and not the key tmember just used", dormant)
	}
	// Revoking: all or none, one entry per key.
	tm, om := ownKeyIDs(t, e, f.cred[colTeamMember])[0], ownKeyIDs(t, e, f.cred[colOrgMember])[0]
	e.Must(404, "POST", "/api/v1/api-keys/revoke", map[string]any{"ids": []string{tm, "key_nope"}}, adm)
	e.Must(200, "GET", "/api/v1/viewer", nil, f.cred[colTeamMember])
	before := e.AuditCount("api_key:revoke")
	if n := e.Must(200, "POST", "/api/v1/api-keys/revoke", map[string]any{"ids": []string{tm, om}}, adm).Map(t)["revoked"]; n != 2.0 {
		t.Errorf("revoked %v keys, want 2", n)
	}
	if got := e.AuditCount("api_key:revoke") - before; got != 2 {
		t.Errorf("%d api_key:revoke entries for 2 keys, want 2", got)
	}
	e.Must(401, "GET", "/api/v1/viewer", nil, f.cred[colTeamMember])
	e.Must(401, "GET", "/api/v1/viewer", nil, f.cred[colOrgMember])
	e.Must(204, "DELETE", "/api/v1/api-keys/"+ownKeyIDs(t, e, f.cred[colTeamViewer])[0], nil, adm)
	e.Must(401, "GET", "/api/v1/viewer", nil, f.cred[colTeamViewer])
	e.Must(400, "POST", "/api/v1/api-keys/revoke", map[string]any{"ids": []string{}}, adm)
}

// ownKeyIDsOr is some key id of col, for denial checks.
func ownKeyIDsOr(t *testing.T, e *apitest.Env, f *teamFixture, col string) []string {
	return ownKeyIDs(t, e, f.cred[col])
}

// The organization setting that disables personal key creation: users
// (admins too) cannot create keys, the refusal says who can turn it back
// on, existing keys keep working, service account keys stay with admins.
func TestDisablePersonalKeyCreation(t *testing.T) {
	f := newTeamFixture(t)
	e, adm := f.e, f.admin.Key
	e.Must(403, "PATCH", "/api/v1/organization", map[string]any{"disable_api_key_creation": true}, f.cred[colOrgMember])
	e.Must(403, "PATCH", "/api/v1/organization", map[string]any{"disable_api_key_creation": true}, f.cred[colTeamAdmin])
	before := e.AuditCount("organization:update_settings")
	if got := e.Must(200, "PATCH", "/api/v1/organization", map[string]any{"disable_api_key_creation": true}, adm).Map(t)["disable_api_key_creation"]; got != true {
		t.Errorf("setting reads %v after turning it on", got)
	}
	if e.AuditCount("organization:update_settings") != before+1 {
		t.Error("turning the setting on wrote no audit entry")
	}
	for _, cred := range []apitest.Cred{f.cred[colTeamMember], adm, f.users["tmember"].Session} {
		r := e.Do("POST", "/api/v1/users/me/api-keys", map[string]string{"name": "new"}, cred)
		wantCode(t, r, 403, "api_key_creation_disabled")
		if !strings.Contains(string(r.Body), "organization admin") {
			t.Errorf("refusal does not say who can turn it back on: %s", r.Body)
		}
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, f.cred[colTeamMember])
	e.Must(201, "POST", "/api/v1/service-accounts/"+f.teamSAID+"/api-keys", map[string]string{"name": "ci"}, f.cred[colTeamAdmin])
	e.Must(201, "POST", "/api/v1/service-accounts/"+f.orgSAID+"/api-keys", map[string]string{"name": "ci"}, adm)
	// The privacy enforcement is left as it was by a key-only change.
	if got := e.Must(200, "GET", "/api/v1/organization", nil, f.cred[colOrgMember]).Map(t)["disable_api_key_creation"]; got != true {
		t.Errorf("members read the setting as %v", got)
	}
	e.Must(200, "PATCH", "/api/v1/organization", map[string]any{"disable_api_key_creation": false}, adm)
	e.Must(201, "POST", "/api/v1/users/me/api-keys", map[string]string{"name": "new"}, f.cred[colTeamMember])
}
