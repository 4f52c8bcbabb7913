package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// accessEnv is an organization seeded straight into a real database: teams,
// custom roles, a member who belongs to most teams and an admin.
type accessEnv struct {
	db            *store.DB
	member, admin roster.Actor
	teams         []string
	roles         []*roster.CustomRole
	holds         map[string]string // team name -> the member's custom role name, if any
}

// seedAccess writes users, roles, teams and memberships in a few large
// transactions through the store, skipping the use cases for speed.
func seedAccess(tb testing.TB, db *store.DB, teams, roles int) *accessEnv {
	tb.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	newUser := func(name string, role roster.OrgRole) *roster.User {
		return &roster.User{ID: roster.NewID("u"), OrgID: roster.DefaultOrgID, Username: name, Email: name + "@example.com",
			Role: role, Status: roster.StatusActive}
	}
	env := &accessEnv{db: db, holds: map[string]string{}}
	member, admin := newUser("mia", roster.OrgMember), newUser("root", roster.OrgAdmin)
	env.member, env.admin = roster.Actor{User: member, Via: roster.ViaAPI}, roster.Actor{User: admin, Via: roster.ViaAPI}
	others := make([]*roster.User, 200)
	accessMust(tb, db.Tx(ctx, func(tx *store.Tx) error {
		for i := range others {
			others[i] = newUser(fmt.Sprintf("user-%03d", i), roster.OrgMember)
		}
		for _, u := range append(others, member, admin) {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		for i := range roles {
			base := roster.TeamMember
			if i%3 == 0 {
				base = roster.TeamViewer
			}
			r := &roster.CustomRole{ID: roster.NewID("role"), OrgID: roster.DefaultOrgID, Name: fmt.Sprintf("role-%03d", i),
				Base: base, Extra: roster.Perms(roster.Catalog[rng.IntN(len(roster.Catalog))].Permission) &^ roster.BuiltinPerms(base)}
			if err := tx.CreateCustomRole(ctx, r); err != nil {
				return err
			}
			env.roles = append(env.roles, r)
		}
		return nil
	}))
	builtin := []roster.TeamRole{roster.TeamAdmin, roster.TeamMember, roster.TeamViewer}
	const chunk = 2500
	for start := 0; start < teams; start += chunk {
		accessMust(tb, db.Tx(ctx, func(tx *store.Tx) error {
			for i := start; i < min(start+chunk, teams); i++ {
				t := &roster.Team{ID: roster.NewID("t"), OrgID: roster.DefaultOrgID, Name: fmt.Sprintf("team-%05d", i),
					Storage:  roster.Storage{Type: roster.StorageDefault},
					Settings: roster.TeamSettings{HideFromNonMembers: i%4 == 0, MembersCanInvite: i%2 == 0}}
				t.DisplayName = t.Name
				if err := tx.CreateTeam(ctx, t); err != nil {
					return err
				}
				env.teams = append(env.teams, t.Name)
				var ms []*roster.Membership
				switch n := rng.IntN(10); {
				case n < 6:
					r := env.roles[rng.IntN(len(env.roles))]
					ms = append(ms, &roster.Membership{PrincipalID: member.ID, Role: roster.TeamCustom, CustomRole: r})
					env.holds[t.Name] = r.Name
				case n < 9:
					ms = append(ms, &roster.Membership{PrincipalID: member.ID, Role: builtin[rng.IntN(len(builtin))]})
				}
				for _, j := range rng.Perm(len(others))[:3] {
					ms = append(ms, &roster.Membership{PrincipalID: others[j].ID, Role: builtin[rng.IntN(len(builtin))]})
				}
				for _, m := range ms {
					m.TeamID, m.PrincipalKind = t.ID, roster.KindUser
					if err := tx.AddMember(ctx, m); err != nil {
						return err
					}
				}
			}
			return nil
		}))
	}
	return env
}

func accessMust(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func accessService(db *store.DB) *app.Service {
	svc, err := app.New(context.Background(), db, app.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		panic(err)
	}
	return svc
}

// BenchmarkTeamPermissions measures the whole per-request authorization of
// a team call, app.Service.TeamPermissions: it reads the team with the
// caller's membership and custom role, and the organization's privacy
// enforcement, then decides. 10,000 teams, 100 custom roles, 40,000
// memberships; every call names a random team.
//
//	go test -run '^$' -bench TeamPermissions ./internal/app/
//	source scripts/pg.sh && go test -run '^$' -bench TeamPermissions ./internal/app/
func BenchmarkTeamPermissions(b *testing.B) {
	seeded := time.Now()
	env := seedAccess(b, storetest.MustOpen(b), 10_000, 100)
	b.Logf("%s: seeded 10,000 teams, 100 roles in %v", storetest.Engine(), time.Since(seeded).Round(time.Millisecond))
	svc := accessService(env.db)
	for _, who := range []struct {
		name  string
		actor roster.Actor
	}{{"member", env.member}, {"orgAdmin", env.admin}} {
		b.Run(who.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 8))
			var lat []time.Duration
			for b.Loop() {
				team := env.teams[rng.IntN(len(env.teams))]
				start := time.Now()
				_, err := svc.TeamPermissions(b.Context(), who.actor, team)
				lat = append(lat, time.Since(start))
				if err != nil && !roster.IsNotFound(err) {
					b.Fatal(err)
				}
			}
			reportLatency(b, lat)
		})
	}
	b.Run("parallel", func(b *testing.B) {
		var mu sync.Mutex
		var lat []time.Duration
		b.RunParallel(func(pb *testing.PB) {
			rng := rand.New(rand.NewPCG(rand.Uint64(), 9))
			var mine []time.Duration
			for pb.Next() {
				start := time.Now()
				_, err := svc.TeamPermissions(context.Background(), env.member, env.teams[rng.IntN(len(env.teams))])
				mine = append(mine, time.Since(start))
				if err != nil && !roster.IsNotFound(err) {
					b.Error(err)
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
		reportLatency(b, lat)
	})
}

// reportLatency reports the median and 99th percentile in microseconds.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p int) float64 { return float64(lat[(len(lat)-1)*p/100].Nanoseconds()) / 1e3 }
	b.ReportMetric(at(50), "p50-µs")
	b.ReportMetric(at(99), "p99-µs")
}

// R3, D1: an edit of a custom role is seen by the very next permission
// check of its holders, through the same service and through a second
// one on its own connection to the same database (another process).
func TestCustomRoleEditSeenByNextCall(t *testing.T) {
	url := storetest.URL(t)
	env := seedAccess(t, storetest.MustOpenURL(t, url), 200, 10)
	one, other := accessService(env.db), accessService(storetest.MustOpenURL(t, url))
	ctx := t.Context()
	var team, role string
	for _, name := range env.teams {
		if r, ok := env.holds[name]; ok {
			team, role = name, r
			break
		}
	}
	if team == "" {
		t.Fatal("the member holds no custom role")
	}
	for i, c := range []struct {
		base  string
		extra []string
		want  []roster.Permission
	}{
		{"viewer", []string{"run:delete"}, []roster.Permission{roster.PermTeamRead, roster.PermTeamReadUsage,
			roster.PermProjectRead, roster.PermRunRead, roster.PermRunDelete}},
		{"member", []string{"run:stop", "project:update"}, []roster.Permission{roster.PermTeamRead, roster.PermTeamReadUsage,
			roster.PermProjectRead, roster.PermProjectCreate, roster.PermProjectUpdate, roster.PermRunRead, roster.PermRunCreate, roster.PermRunStop}},
		{"viewer", nil, []roster.Permission{roster.PermTeamRead, roster.PermTeamReadUsage, roster.PermProjectRead, roster.PermRunRead}},
	} {
		if _, err := one.UpdateCustomRole(ctx, env.admin, role, app.RoleInput{Name: role, Base: c.base, Permissions: c.extra}); err != nil {
			t.Fatalf("edit %d: %v", i, err)
		}
		for name, svc := range map[string]*app.Service{"same service": one, "other service": other} {
			got, err := svc.TeamPermissions(ctx, env.member, team)
			if err != nil {
				t.Fatal(err)
			}
			// members_can_invite is on in even teams; it adds team:invite to member bases.
			got = slices.DeleteFunc(got, func(p roster.Permission) bool { return p == roster.PermTeamInvite })
			got = slices.DeleteFunc(got, func(p roster.Permission) bool { return !enforced(p) }) // W&B's follow the base
			if !slices.Equal(got, c.want) {
				t.Errorf("edit %d, %s: permissions %v, want %v", i, name, got, c.want)
			}
		}
	}
}

// enforced reports whether Roster itself checks p (the catalog's Enforced).
func enforced(p roster.Permission) bool {
	for _, c := range roster.Catalog {
		if c.Permission == p {
			return c.Enforced
		}
	}
	return false
}
