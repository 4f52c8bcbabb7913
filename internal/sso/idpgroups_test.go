package sso_test

import (
	"slices"
	"strings"
	"testing"

	"roster/internal/api"
	"roster/internal/app"
	"roster/internal/auth/oidc"
)

const visionGUID = "6F1C3E1A-2B4D-4E5F-8A9B-0C1D2E3F4A5B"

// teamsOf lists the teams among names that username is a member of.
func (e *idpEnv) teamsOf(t *testing.T, username string, names ...string) []string {
	t.Helper()
	var out []string
	for _, team := range names {
		var list struct {
			Members []struct{ Username string } `json:"members"`
		}
		e.Must(200, "GET", "/api/v1/teams/"+team+"/members", nil, e.Admin.Key).JSON(t, &list)
		for _, m := range list.Members {
			if m.Username == username {
				out = append(out, team)
			}
		}
	}
	return out
}

// Teams take idp_groups by PATCH, from organization admins only, checked.
func TestTeamIDPGroupsSetting(t *testing.T) {
	e := newIdP(t, app.Config{}, oidc.Profile{})
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, e.Admin.Key)
	lead := e.MustUser(e.Admin.Key, "lead", "member")
	e.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "lead", "role": "admin"}, e.Admin.Key)

	var team api.Team
	e.Must(200, "PATCH", "/api/v1/teams/vision", map[string]any{"idp_groups": []string{visionGUID, " /ml/vision ", "/ML/Vision"}},
		e.Admin.Key).JSON(t, &team)
	if !slices.Equal(team.IDPGroups, []string{"/ml/vision", visionGUID}) {
		t.Fatalf("idp_groups after PATCH: %v", team.IDPGroups)
	}
	e.Must(200, "GET", "/api/v1/teams/vision", nil, e.Admin.Key).JSON(t, &team)
	if !slices.Equal(team.IDPGroups, []string{"/ml/vision", visionGUID}) {
		t.Fatalf("idp_groups read back: %v", team.IDPGroups)
	}
	// A team admin may not: the mapping decides who joins at each sign-in.
	e.Must(403, "PATCH", "/api/v1/teams/vision", map[string]any{"idp_groups": []string{"everyone"}}, lead.Key)
	for _, bad := range [][]string{{""}, {strings.Repeat("g", 256)}, {"bad\x01group"}, slices.Repeat([]string{"g"}, 51)} {
		p := e.Must(400, "PATCH", "/api/v1/teams/vision", map[string]any{"idp_groups": bad}, e.Admin.Key).Map(t)
		if p["code"] != "idp_groups_invalid" {
			t.Errorf("idp_groups %q: problem %v", bad[0], p)
		}
	}
	e.Must(200, "GET", "/api/v1/teams/vision", nil, e.Admin.Key).JSON(t, &team)
	if len(team.IDPGroups) != 2 {
		t.Fatalf("refused changes changed idp_groups to %v", team.IDPGroups)
	}
	updates := 0
	for _, a := range e.AuditEntries(t, e.Admin.Key, "team:update") {
		if strings.Contains(a.Details, "idp groups") {
			updates++
		}
	}
	if updates != 1 {
		t.Fatalf("%d team:update entries name idp groups, want 1", updates)
	}
	e.Must(200, "PATCH", "/api/v1/teams/vision", map[string]any{"idp_groups": []string{}}, e.Admin.Key)
	var cleared api.Team
	e.Must(200, "GET", "/api/v1/teams/vision", nil, e.Admin.Key).JSON(t, &cleared)
	if len(cleared.IDPGroups) != 0 {
		t.Fatalf("idp_groups after clearing: %v", cleared.IDPGroups)
	}
}

// GORILLA_ENABLE_SSO_GROUP_CLAIMS maps groups to teams by name (Okta), by
// group id (Entra) and by path (Keycloak), adds and removes what the claim
// added, and never touches what was added by hand.
func TestGroupClaimsMatchNameIDAndPath(t *testing.T) {
	e := newIdP(t, app.Config{EnableSSOGroupClaims: true}, oidc.Profile{})
	for _, name := range []string{"ml", "vision", "research", "manual"} {
		e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": name, "storage": map[string]string{"type": "default"}}, e.Admin.Key)
	}
	e.Must(200, "PATCH", "/api/v1/teams/vision", map[string]any{"idp_groups": []string{"/ml/vision", visionGUID}}, e.Admin.Key)
	e.Must(200, "PATCH", "/api/v1/teams/research", map[string]any{"idp_groups": []string{"/research"}}, e.Admin.Key)
	all := []string{"manual", "ml", "research", "vision"}

	o := e.mustSignInAs(t, okta("ok31", "okg@example.com", "ml", "unknown-group"))
	if got := e.teamsOf(t, o.Username, all...); !slices.Equal(got, []string{"ml"}) {
		t.Errorf("okta groups by name: %s is in %v, want [ml]", o.Username, got)
	}
	// Entra ids are matched whatever their case.
	en := e.mustSignInAs(t, entraWithEmail("en31", "eng@example.com", strings.ToLower(visionGUID)))
	if got := e.teamsOf(t, en.Username, all...); !slices.Equal(got, []string{"vision"}) {
		t.Errorf("entra groups by id: %s is in %v, want [vision]", en.Username, got)
	}
	kc := e.mustSignInAs(t, keycloak("kc31", "kcg@example.com", "/ml/vision", "/research"))
	if got := e.teamsOf(t, kc.Username, all...); !slices.Equal(got, []string{"research", "vision"}) {
		t.Errorf("keycloak groups by path: %s is in %v, want [research vision]", kc.Username, got)
	}
	e.Must(201, "POST", "/api/v1/teams/manual/members", map[string]string{"username": kc.Username}, e.Admin.Key)
	// The same person leaves /research; the hand-made membership stays.
	e.mustSignInAs(t, keycloak("kc31", "kcg@example.com", "/ml/vision"))
	if got := e.teamsOf(t, kc.Username, all...); !slices.Equal(got, []string{"manual", "vision"}) {
		t.Errorf("after leaving /research %s is in %v, want [manual vision]", kc.Username, got)
	}
	// Google sends no groups: a missing claim is an empty list.
	g := e.mustSignInAs(t, google("go31", "ggg@example.com"))
	if got := e.teamsOf(t, g.Username, all...); len(got) != 0 {
		t.Errorf("google person is in %v", got)
	}
	joins := 0
	for _, a := range e.AuditEntries(t, e.Admin.Key, "team:invite_user") {
		if a.Interface == "sso" {
			joins++
		}
	}
	leaves := e.AuditEntries(t, e.Admin.Key, "team:uninvite")
	if joins != 4 || len(leaves) != 1 || leaves[0].Interface != "sso" || leaves[0].EntityName != "research" {
		t.Fatalf("sso team audit: %d joins, leaves %+v", joins, leaves)
	}
}

// Entra's overage marker: too many groups for the token. The memberships
// stay as they are (the list is unknown, not empty), and the sign-in's
// audit entry and the log say so.
func TestEntraGroupsOverageReported(t *testing.T) {
	e := newIdP(t, app.Config{EnableSSOGroupClaims: true}, oidc.Profile{})
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, e.Admin.Key)
	e.Must(200, "PATCH", "/api/v1/teams/vision", map[string]any{"idp_groups": []string{visionGUID}}, e.Admin.Key)
	u := e.mustSignInAs(t, entraWithEmail("en41", "ovr@example.com", visionGUID))

	over := entraWithEmail("en41", "ovr@example.com")
	over.IDToken["_claim_names"] = map[string]any{"groups": "src1"}
	over.IDToken["_claim_sources"] = map[string]any{"src1": map[string]any{
		"endpoint": "https://graph.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/users/en41/getMemberObjects"}}
	if again := e.mustSignInAs(t, over); again.ID != u.ID {
		t.Fatalf("overage sign-in is %s, want %s", again.ID, u.ID)
	}
	if got := e.teamsOf(t, u.Username, "vision"); !slices.Equal(got, []string{"vision"}) {
		t.Fatalf("after an overage sign-in %s is in %v, want still [vision]", u.Username, got)
	}
	var noted []api.AuditEntry
	for _, a := range e.AuditEntries(t, e.Admin.Key, "user:login") {
		if strings.Contains(a.Details, "groups claim overage") {
			noted = append(noted, a)
		}
	}
	if len(noted) != 1 || noted[0].Interface != "sso" || noted[0].UserEmail != "ovr@example.com" {
		t.Fatalf("overage audit entries %+v, want one sso sign-in of ovr@example.com", noted)
	}
	if !strings.Contains(e.Logs(), "groups claim overage") {
		t.Errorf("the log does not report the overage")
	}
	// Entra's hasgroups marker (no list at all) counts as overage too.
	has := entraWithEmail("en41", "ovr@example.com")
	has.IDToken["hasgroups"] = true
	e.mustSignInAs(t, has)
	if got := e.teamsOf(t, u.Username, "vision"); len(got) != 1 {
		t.Fatalf("after a hasgroups sign-in %s is in %v", u.Username, got)
	}
}
