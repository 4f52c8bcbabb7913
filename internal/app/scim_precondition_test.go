package app_test

import (
	"sync"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
)

// preconditionRace is one SCIM change use case raced against itself.
type preconditionRace struct {
	name string
	// change makes the change named want, calling hold from inside the
	// transaction (the resource locked) before it writes.
	change func(hold func()) error
	// checked makes a change whose precondition reports what it saw.
	checked func(saw func(string)) error
	want    string
}

// The edge's precondition (If-Match, C5) is evaluated by app on the
// current state under the resource's lock: while another change holds the
// lock it does not run, and then it sees that change's result. A check on
// a state read before the lock would run at once on the old state.
func TestSCIMPreconditionSeesLockedState(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("root")
	ctx := t.Context()
	a, err := e.App.KeyActor(ctx, string(admin.Key), roster.Actor{IP: "127.0.0.1", Via: roster.ViaSCIM})
	if err != nil {
		t.Fatal(err)
	}
	group := e.Must(201, "POST", "/scim/v2/Groups", `{"displayName":"Vision"}`, admin.Key).Map(t)["id"].(string)
	role := e.Must(201, "POST", "/scim/v2/Roles", `{"name":"auditor","inheritedFrom":"viewer"}`, admin.Key).Map(t)["id"].(string)
	user := e.Must(201, "POST", "/scim/v2/Users", `{"userName":"ada@example.com","emails":[{"value":"ada@example.com","primary":true}]}`, admin.Key).Map(t)["id"].(string)

	groupIn := func(cur *app.DirectoryGroup, name string) app.SCIMGroupInput {
		return app.SCIMGroupInput{DisplayName: name, ExternalID: cur.ExternalID()}
	}
	roleIn := func(cur *roster.CustomRole, desc string) app.RoleInput {
		return app.RoleInput{Name: cur.Name, Description: desc, Base: string(cur.Base)}
	}
	userIn := func(cur *app.DirectoryUser, ext string) app.SCIMUserInput {
		return app.SCIMUserInput{UserName: cur.UserName(), ExternalID: ext, Attributes: cur.Attributes()}
	}
	cases := []preconditionRace{{
		name: "group",
		change: func(hold func()) error {
			_, err := e.App.ModifySCIMGroup(ctx, a, group, nil, func(cur *app.DirectoryGroup) (app.SCIMGroupInput, error) {
				hold()
				return groupIn(cur, "Vision 2"), nil
			})
			return err
		},
		checked: func(saw func(string)) error {
			check := func(cur *app.DirectoryGroup) error { saw(cur.Team.DisplayName); return nil }
			_, err := e.App.ModifySCIMGroup(ctx, a, group, check, func(cur *app.DirectoryGroup) (app.SCIMGroupInput, error) {
				return groupIn(cur, cur.Team.DisplayName), nil
			})
			return err
		},
		want: "Vision 2",
	}, {
		name: "role",
		change: func(hold func()) error {
			_, err := e.App.ModifySCIMRole(ctx, a, role, nil, func(cur *roster.CustomRole) (app.RoleInput, error) {
				hold()
				return roleIn(cur, "reads"), nil
			})
			return err
		},
		checked: func(saw func(string)) error {
			check := func(cur *roster.CustomRole) error { saw(cur.Description); return nil }
			_, err := e.App.ModifySCIMRole(ctx, a, role, check, func(cur *roster.CustomRole) (app.RoleInput, error) {
				return roleIn(cur, cur.Description), nil
			})
			return err
		},
		want: "reads",
	}, {
		name: "user",
		change: func(hold func()) error {
			_, err := e.App.ModifySCIMUser(ctx, a, user, app.SCIMWrite{}, func(cur *app.DirectoryUser) (app.SCIMUserInput, error) {
				hold()
				return userIn(cur, "x-2"), nil
			})
			return err
		},
		checked: func(saw func(string)) error {
			check := func(cur *app.DirectoryUser) error { saw(cur.ExternalID()); return nil }
			_, err := e.App.ModifySCIMUser(ctx, a, user, app.SCIMWrite{Check: check}, func(cur *app.DirectoryUser) (app.SCIMUserInput, error) {
				return userIn(cur, cur.ExternalID()), nil
			})
			return err
		},
		want: "x-2",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { raceAgainstLock(t, c) })
	}
}

// raceAgainstLock starts c.change, holds it inside its transaction, starts
// c.checked and fails if its precondition runs before the first change
// commits or sees anything but the first change's result.
func raceAgainstLock(t *testing.T, c preconditionRace) {
	locked, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	first := make(chan error, 1)
	go func() {
		first <- c.change(func() {
			once.Do(func() { close(locked); <-release })
		})
	}()
	<-locked
	var mu sync.Mutex
	var seen []string
	second := make(chan error, 1)
	go func() {
		second <- c.checked(func(s string) { mu.Lock(); seen = append(seen, s); mu.Unlock() })
	}()
	time.Sleep(200 * time.Millisecond) // time enough for a check that does not wait
	mu.Lock()
	early := append([]string(nil), seen...)
	mu.Unlock()
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("first change: %v", err)
	}
	if err := <-second; err != nil {
		t.Fatalf("second change: %v", err)
	}
	if len(early) > 0 {
		t.Errorf("the precondition ran while another change held the lock, on %q", early)
	}
	if len(seen) == 0 || seen[len(seen)-1] != c.want {
		t.Errorf("the precondition saw %q, want the locked state %q", seen, c.want)
	}
}
