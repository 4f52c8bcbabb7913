package api_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/auth"
	"roster/internal/store"
)

// Lost updates (issue #19): two concurrent PATCHes of different fields of
// one row are both answered 200, so both must be in the row afterwards.
// Each trial races two edits that both change something, then reads the
// row back. ROSTER_RACE_TRIALS=200 runs 200 trials (see README).

// raceTeam starts a server with admin ada, team ml, project p1 and a run
// in it; it returns the run's id.
func raceTeam(t *testing.T) (*apitest.Env, apitest.User, string) {
	e := apitest.New(t)
	admin := e.MustSignup("ada")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]any{"name": "p1"}, admin.Key)
	run := e.Must(201, "POST", "/api/v1/teams/ml/projects/p1/runs", map[string]any{"name": "r0"}, admin.Key).Map(t)
	return e, admin, run["id"].(string)
}

type teamDoc struct {
	DisplayName string          `json:"display_name"`
	Settings    map[string]bool `json:"settings"`
	Alerts      map[string]any  `json:"alerts"`
}

func getTeam(t *testing.T, e *apitest.Env, cred apitest.Cred) teamDoc {
	var d teamDoc
	e.Must(200, "GET", "/api/v1/teams/ml", nil, cred).JSON(t, &d)
	return d
}

// TestTeamDisplayNameAndSettingsBothKept races a display name change with
// a privacy switch (UpdateTeam).
func TestTeamDisplayNameAndSettingsBothKept(t *testing.T) {
	e, admin, _ := raceTeam(t)
	apitest.NoneLost(t, "team display name vs settings",
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/teams/ml", map[string]any{"display_name": fmt.Sprintf("ML %d", i)}, admin.Key)
		},
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"hide_from_non_members": i%2 == 0}}, admin.Key)
		},
		func(i int) bool {
			d := getTeam(t, e, admin.Key)
			return d.DisplayName == fmt.Sprintf("ML %d", i) && d.Settings["hide_from_non_members"] == (i%2 == 0)
		})
}

// TestTeamAlertsAndPrivacyBothKept races the alerts with a privacy switch.
func TestTeamAlertsAndPrivacyBothKept(t *testing.T) {
	e, admin, _ := raceTeam(t)
	apitest.NoneLost(t, "team alerts vs privacy",
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/teams/ml", map[string]any{"alerts": map[string]bool{"email_on_finish": i%2 == 0, "email_on_crash": i%2 == 1}}, admin.Key)
		},
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"private_projects": i%2 == 0}}, admin.Key)
		},
		func(i int) bool {
			d := getTeam(t, e, admin.Key)
			return d.Alerts["email_on_finish"] == (i%2 == 0) && d.Alerts["email_on_crash"] == (i%2 == 1) &&
				d.Settings["private_projects"] == (i%2 == 0)
		})
}

// TestProjectFieldsBothKept races a project's description with its
// visibility (UpdateProject).
func TestProjectFieldsBothKept(t *testing.T) {
	e, admin, _ := raceTeam(t)
	vis := func(i int) string { return []string{"public", "team"}[i%2] }
	apitest.NoneLost(t, "project description vs visibility",
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/teams/ml/projects/p1", map[string]any{"description": fmt.Sprintf("d %d", i)}, admin.Key)
		},
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/teams/ml/projects/p1", map[string]any{"visibility": vis(i)}, admin.Key)
		},
		func(i int) bool {
			p := e.Must(200, "GET", "/api/v1/teams/ml/projects/p1", nil, admin.Key).Map(t)
			return p["description"] == fmt.Sprintf("d %d", i) && p["visibility"] == vis(i)
		})
}

// TestRunFieldsBothKept races a run's name with its summary (UpdateRun).
func TestRunFieldsBothKept(t *testing.T) {
	e, admin, id := raceTeam(t)
	path := "/api/v1/teams/ml/projects/p1/runs/" + id
	apitest.NoneLost(t, "run name vs summary",
		func(i int) *apitest.Response {
			return e.Do("PATCH", path, map[string]any{"name": fmt.Sprintf("n %d", i)}, admin.Key)
		},
		func(i int) *apitest.Response {
			return e.Do("PATCH", path, map[string]any{"summary": map[string]int{"step": i}}, admin.Key)
		},
		func(i int) bool { return runKept(t, e, admin.Key, path, i) })
}

func runKept(t *testing.T, e *apitest.Env, cred apitest.Cred, path string, i int) bool {
	var r struct {
		Name    string         `json:"name"`
		Summary map[string]int `json:"summary"`
	}
	e.Must(200, "GET", path, nil, cred).JSON(t, &r)
	return r.Name == fmt.Sprintf("n %d", i) && r.Summary["step"] == i
}

// TestTwoServersKeepBothEdits makes the concurrent edits through two
// servers on one database, as several processes share PostgreSQL: the
// lock is in the database, not in a process.
func TestTwoServersKeepBothEdits(t *testing.T) {
	e, admin, id := raceTeam(t)
	e2 := apitest.NewWith(t, apitest.Options{DBURL: e.DBURL})
	apitest.NoneLost(t, "team display name vs settings, two servers",
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/teams/ml", map[string]any{"display_name": fmt.Sprintf("ML %d", i)}, admin.Key)
		},
		func(i int) *apitest.Response {
			return e2.Do("PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"hide_from_non_members": i%2 == 0}}, admin.Key)
		},
		func(i int) bool {
			d := getTeam(t, e2, admin.Key)
			return d.DisplayName == fmt.Sprintf("ML %d", i) && d.Settings["hide_from_non_members"] == (i%2 == 0)
		})
	path := "/api/v1/teams/ml/projects/p1/runs/" + id
	apitest.NoneLost(t, "run name vs summary, two servers",
		func(i int) *apitest.Response {
			return e2.Do("PATCH", path, map[string]any{"name": fmt.Sprintf("n %d", i)}, admin.Key)
		},
		func(i int) *apitest.Response {
			return e.Do("PATCH", path, map[string]any{"summary": json.RawMessage(fmt.Sprintf(`{"step":%d}`, i))}, admin.Key)
		},
		func(i int) bool { return runKept(t, e, admin.Key, path, i) })
}

// TestProfileAndRoleChangeBothKept races a user renaming themselves with
// an admin changing their role: the rename must not write the old role
// back.
func TestProfileAndRoleChangeBothKept(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("ada")
	bob := e.MustUser(admin.Key, "bob", "member")
	role := func(i int) string { return []string{"viewer", "member"}[i%2] }
	apitest.NoneLost(t, "own name vs organization role",
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/users/me", map[string]any{"name": fmt.Sprintf("Bob %d", i)}, bob.Key)
		},
		func(i int) *apitest.Response {
			return e.Do("PATCH", "/api/v1/users/bob", map[string]any{"role": role(i)}, admin.Key)
		},
		func(i int) bool {
			u := e.Must(200, "GET", "/api/v1/users/bob", nil, admin.Key).Map(t)
			return u["name"] == fmt.Sprintf("Bob %d", i) && u["role"] == role(i)
		})
}

// TestPasswordChangeKeepsDeactivation races a user changing their password
// with an admin deactivating them: the user must end up deactivated (not
// active again because the password change wrote back the status it had
// read), and an accepted password change must be in effect (not undone by
// the deactivation writing back the old hash).
func TestPasswordChangeKeepsDeactivation(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("ada")
	bob := e.MustUser(admin.Key, "bob", "member")
	n := apitest.Trials(t)
	lost := 0
	current := apitest.Password
	for i := range n {
		next := fmt.Sprintf("%s %d", apitest.Password, i)
		// Bob as authenticated just before the deactivation: the password
		// change is called directly, as HTTP would answer 401 after it.
		a := roster.Actor{User: storedUser(t, e, bob.ID)}
		var err error
		apitest.Race(func() {
			err = e.App.ChangePassword(t.Context(), a, current, next)
		}, func() {
			e.Do("POST", "/api/v1/users/bob/deactivate", nil, admin.Key)
		})
		if err != nil {
			t.Fatalf("trial %d: change password: %v", i, err)
		}
		u := storedUser(t, e, bob.ID)
		if ok, _ := auth.CheckPassword(u.PasswordHash, next); ok {
			current = next
		} else {
			lost++
		}
		if u.Status != roster.StatusDeactivated {
			lost++
		}
		e.Must(200, "POST", "/api/v1/users/bob/reactivate", nil, admin.Key)
	}
	t.Logf("password change vs deactivation: %d of %d trials lost an update", lost, n)
	if lost > 0 {
		t.Errorf("%d of %d trials lost the deactivation or the new password", lost, n)
	}
}

func storedUser(t *testing.T, e *apitest.Env, id string) *roster.User {
	var u *roster.User
	err := e.DB.Read(t.Context(), func(tx *store.Tx) error {
		var err error
		u, err = tx.UserByID(t.Context(), roster.DefaultOrgID, id)
		return err
	})
	if err != nil {
		t.Fatalf("read user %s: %v", id, err)
	}
	return u
}
