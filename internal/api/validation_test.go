package api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// Every free-text name and description refuses control characters at
// input with a 400 that names the field, before anything changes.
func TestNamesRefuseControlCharacters(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("admin")
	key := admin.Key
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision"}, key)
	e.Must(201, "POST", "/api/v1/teams/vision/projects", map[string]any{"name": "det"}, key)
	run := e.Must(201, "POST", "/api/v1/teams/vision/projects/det/runs", map[string]any{"name": "base"}, key).Map(t)["id"].(string)
	for _, bad := range []string{"Evil\r\nBcc: x@example.test", "tab\there", "nul\x00", "del\x7f", "c1\u0085", "ls\u2028", "rlo\u202eexe.txt"} {
		for _, c := range []struct {
			method, path, field string
			body                map[string]any
		}{
			{"PATCH", "/api/v1/users/me", "name", map[string]any{"name": bad}},
			{"POST", "/api/v1/teams", "display name", map[string]any{"name": "other", "display_name": bad}},
			{"PATCH", "/api/v1/teams/vision", "display name", map[string]any{"display_name": bad}},
			{"POST", "/api/v1/service-accounts", "service account name", map[string]any{"name": bad, "default_team": "vision"}},
			{"POST", "/api/v1/teams/vision/service-accounts", "service account name", map[string]any{"name": bad}},
			{"POST", "/api/v1/roles", "description", map[string]any{"name": "editor", "base": "member", "description": bad}},
			{"POST", "/api/v1/teams/vision/projects", "description", map[string]any{"name": "p2", "description": bad}},
			{"PATCH", "/api/v1/teams/vision/projects/det", "description", map[string]any{"description": bad}},
			{"POST", "/api/v1/teams/vision/projects/det/runs", "run name", map[string]any{"name": bad}},
			{"PATCH", "/api/v1/teams/vision/projects/det/runs/" + run, "run name", map[string]any{"name": bad}},
			{"POST", "/api/v1/users/me/api-keys", "key name", map[string]any{"name": bad}},
		} {
			r := e.Do(c.method, c.path, c.body, key)
			m := r.Map(t)
			if r.StatusCode != 400 || m["code"] != roster.ReasonInvalidText || !strings.HasPrefix(m["detail"].(string), c.field+" ") {
				t.Errorf("%s %s with %q: %d %s, want 400 %s naming %q", c.method, c.path, bad, r.StatusCode, r.Body, roster.ReasonInvalidText, c.field)
			}
		}
	}
	if n := e.AuditCount(roster.ActTeamCreate); n != 1 {
		t.Fatalf("%d teams created, want only vision", n)
	}
}

// T9: the webhook URL refuses loopback, link-local, private and shared
// addresses at input (no traffic is sent).
func TestWebhookURLRefusesInternalAddresses(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("admin")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision"}, admin.Key)
	for _, u := range []string{"https://127.0.0.1/hook", "https://localhost:8443/hook", "https://169.254.169.254/latest/meta-data",
		"https://10.1.2.3/hook", "https://192.168.1.10/hook", "https://[::1]/hook", "https://[fd00::5]/hook", "https://100.64.0.9/hook", "http://hooks.example.test/x"} {
		r := e.Do("PATCH", "/api/v1/teams/vision", map[string]any{"alerts": map[string]any{"webhook_url": u}}, admin.Key)
		if r.StatusCode != 400 {
			t.Errorf("webhook %s: %d %s, want 400", u, r.StatusCode, r.Body)
		}
	}
	e.Must(200, "PATCH", "/api/v1/teams/vision", map[string]any{"alerts": map[string]any{"webhook_url": "https://hooks.example.test/T/B/X"}}, admin.Key)
}

// P4: display names are unique among teams that are not archived, and no
// team's name is another's display name, through REST create and rename.
func TestTeamDisplayNamesNameOneTeam(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("admin")
	k := admin.Key
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "display_name": "Computer Vision"}, k)
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "nlp"}, k)
	for _, c := range []struct {
		method, path string
		body         map[string]any
		code         string
	}{
		{"POST", "/api/v1/teams", map[string]any{"name": "cv", "display_name": "computer VISION"}, roster.ReasonTeamDisplayTaken},
		{"POST", "/api/v1/teams", map[string]any{"name": "cv", "display_name": "NLP"}, roster.ReasonTeamDisplayTaken},
		{"POST", "/api/v1/teams", map[string]any{"name": "computer-vision", "display_name": "cv"}, ""},
		{"PATCH", "/api/v1/teams/nlp", map[string]any{"display_name": "Computer Vision"}, roster.ReasonTeamDisplayTaken},
		{"PATCH", "/api/v1/teams/nlp", map[string]any{"display_name": "VISION"}, roster.ReasonTeamDisplayTaken},
	} {
		r := e.Do(c.method, c.path, c.body, k)
		if c.code == "" {
			if r.StatusCode != 201 {
				t.Errorf("%s %s %v: %d %s", c.method, c.path, c.body, r.StatusCode, r.Body)
			}
			continue
		}
		if r.StatusCode != 409 || r.Map(t)["code"] != c.code {
			t.Errorf("%s %s %v: %d %s, want 409 %s", c.method, c.path, c.body, r.StatusCode, r.Body, c.code)
		}
	}
	// A team name may not be another team's display name either.
	e.Must(200, "PATCH", "/api/v1/teams/nlp", map[string]any{"display_name": "speech"}, k)
	if r := e.Do("POST", "/api/v1/teams", map[string]any{"name": "Speech"}, k); r.StatusCode != 409 || r.Map(t)["code"] != "team_name_taken" {
		t.Errorf("team named like nlp's display name: %d %s", r.StatusCode, r.Body)
	}
	// An archived team's display name is free again; restoring it then
	// would make two, and is refused.
	e.Must(204, "DELETE", "/api/v1/teams/vision", nil, k)
	e.Must(200, "PATCH", "/api/v1/teams/nlp", map[string]any{"display_name": "Computer Vision"}, k)
	if r := e.Do("POST", "/api/v1/teams/vision/restore", nil, k); r.StatusCode != 409 {
		t.Errorf("restore of a team whose display name is taken: %d %s", r.StatusCode, r.Body)
	}
}

// Racing renames of different teams to one display name: exactly one
// wins each round, on both engines (PostgreSQL runs them in parallel, so
// only the organization lock keeps two from passing the check at once).
func TestRacingRenamesToOneDisplayName(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("admin")
	var a roster.Actor
	err := e.DB.Read(t.Context(), func(tx *store.Tx) error {
		u, err := tx.UserByID(t.Context(), roster.DefaultOrgID, admin.ID)
		a = roster.Actor{User: u, IP: "127.0.0.1", Via: roster.ViaAPI}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const teams, rounds = 6, 10
	for i := range teams {
		e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": fmt.Sprintf("t%d", i)}, admin.Key)
	}
	for round := range rounds {
		display := fmt.Sprintf("Same Name %d", round)
		errs := make([]error, teams)
		var wg sync.WaitGroup
		for i := range teams {
			wg.Go(func() {
				_, errs[i] = e.App.UpdateTeam(t.Context(), a, fmt.Sprintf("t%d", i), app.UpdateTeamInput{DisplayName: &display})
			})
		}
		wg.Wait()
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case roster.ErrorReason(err) != roster.ReasonTeamDisplayTaken:
				t.Errorf("round %d rename %d: %v", round, i, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d renames to %q won (engine %s), want 1: %v", round, won, display, storetest.Engine(), errs)
		}
	}
}
