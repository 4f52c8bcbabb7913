package api_test

import (
	"testing"

	"roster/internal/apitest"
)

// TestTeamSettingsPatchIsPartial: a PATCH that names one privacy switch
// leaves the others as they were, and an enforced switch may be left out.
func TestTeamSettingsPatchIsPartial(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("ada")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, admin.Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"hide_from_non_members": true}}, admin.Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"members_can_invite": true}}, admin.Key)
	settings := e.Must(200, "GET", "/api/v1/teams/ml", nil, admin.Key).Map(t)["settings"].(map[string]any)
	if settings["hide_from_non_members"] != true || settings["members_can_invite"] != true || settings["private_projects"] != false {
		t.Fatalf("settings after two partial patches: %v", settings)
	}
	e.Must(200, "PATCH", "/api/v1/organization", map[string]any{"enforced": map[string]bool{"private_projects": true}}, admin.Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"hide_from_non_members": false}}, admin.Key)
	r := e.Must(409, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"private_projects": false}}, admin.Key)
	if r.Map(t)["code"] != "setting_enforced" {
		t.Fatalf("changing an enforced switch: %s", r.Body)
	}
	settings = e.Must(200, "GET", "/api/v1/teams/ml", nil, admin.Key).Map(t)["settings"].(map[string]any)
	if settings["hide_from_non_members"] != false || settings["private_projects"] != true || settings["members_can_invite"] != true {
		t.Fatalf("settings under enforcement: %v", settings)
	}
}
