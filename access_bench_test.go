package roster_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"roster"
)

// accessWorld is an organization held in memory: 10,000 teams, each with
// settings and the calling user's membership, whose role is drawn from 100
// custom roles or the built-in ones, and a project visibility per team.
type accessWorld struct {
	ids    []string
	teams  map[string]accessTeam
	roles  []*roster.CustomRole
	picks  []int // random team indexes, so the loop does not pay for rand
	access roster.TeamAccess
}

type accessTeam struct {
	settings      roster.TeamSettings
	member        *roster.Membership
	visibility    roster.Visibility
	projectMember bool
}

func newAccessWorld(teams, roles int, orgRole roster.OrgRole) *accessWorld {
	rng := rand.New(rand.NewPCG(1, 2))
	w := &accessWorld{teams: make(map[string]accessTeam, teams), access: roster.TeamAccess{OrgRole: orgRole}}
	for i := range roles {
		base := roster.TeamMember
		if i%3 == 0 {
			base = roster.TeamViewer
		}
		var extra roster.PermSet
		for _, c := range roster.Catalog {
			if rng.IntN(4) == 0 {
				extra |= roster.Perms(c.Permission)
			}
		}
		w.roles = append(w.roles, &roster.CustomRole{ID: fmt.Sprintf("role_%d", i), Name: fmt.Sprintf("role-%d", i), Base: base, Extra: extra})
	}
	builtin := []roster.TeamRole{roster.TeamAdmin, roster.TeamMember, roster.TeamViewer}
	visibilities := []roster.Visibility{roster.VisibilityTeam, roster.VisibilityRestricted, roster.VisibilityPublic}
	for i := range teams {
		id := fmt.Sprintf("t_%05d", i)
		t := accessTeam{
			settings: roster.TeamSettings{HideFromNonMembers: rng.IntN(4) == 0, PrivateProjects: rng.IntN(4) == 0,
				MembersCanInvite: rng.IntN(2) == 0, ForbidPublicSharing: rng.IntN(8) == 0},
			visibility:    visibilities[rng.IntN(3)],
			projectMember: rng.IntN(2) == 0,
		}
		switch n := rng.IntN(10); {
		case n < 6: // most memberships hold one of the custom roles
			t.member = &roster.Membership{TeamID: id, Role: roster.TeamCustom, CustomRole: w.roles[rng.IntN(roles)]}
		case n < 9:
			t.member = &roster.Membership{TeamID: id, Role: builtin[rng.IntN(len(builtin))]}
		}
		w.ids = append(w.ids, id)
		w.teams[id] = t
	}
	for range 1 << 16 {
		w.picks = append(w.picks, rng.IntN(teams))
	}
	return w
}

// load finds a team and builds the caller's access to it, as a request
// would after its one read.
func (w *accessWorld) load(i int) (roster.TeamAccess, accessTeam) {
	t := w.teams[w.ids[w.picks[i&(1<<16-1)]]]
	a := w.access
	a.Member, a.Settings = t.member, t.settings
	return a, t
}

var permSink roster.PermSet

// BenchmarkTeamPerms measures the effective-permission check (R1-R3, O5,
// T6, T7, W1) over 10,000 teams and 100 custom roles; every iteration
// picks a random team, looks it up and computes the caller's permissions.
//
//	go test -run '^$' -bench . -benchmem .
func BenchmarkTeamPerms(b *testing.B) {
	for _, org := range []roster.OrgRole{roster.OrgMember, roster.OrgViewer, roster.OrgAdmin} {
		w := newAccessWorld(10_000, 100, org)
		b.Run("TeamPerms/org="+string(org), func(b *testing.B) {
			i := 0
			for b.Loop() {
				a, _ := w.load(i)
				permSink |= a.TeamPerms()
				i++
			}
		})
		b.Run("ProjectPerms/org="+string(org), func(b *testing.B) {
			i := 0
			for b.Loop() {
				a, t := w.load(i)
				perms := a.ProjectPerms(t.visibility, t.projectMember)
				if roster.CanChangeRun(perms, roster.PermRunDelete, i&1 == 0) {
					permSink |= perms
				}
				i++
			}
		})
	}
	// The check alone, on accesses already built: what the lookup costs
	// is the difference with TeamPerms above.
	b.Run("TeamPerms/prebuilt", func(b *testing.B) {
		w := newAccessWorld(10_000, 100, roster.OrgMember)
		built := make([]roster.TeamAccess, len(w.picks))
		for i := range built {
			built[i], _ = w.load(i)
		}
		i := 0
		for b.Loop() {
			permSink |= built[i&(1<<16-1)].TeamPerms()
			i++
		}
	})
	b.Run("Parallel/ProjectPerms", func(b *testing.B) {
		w := newAccessWorld(10_000, 100, roster.OrgMember)
		b.RunParallel(func(pb *testing.PB) {
			var local roster.PermSet
			i := rand.IntN(1 << 16)
			for pb.Next() {
				a, t := w.load(i)
				local |= a.ProjectPerms(t.visibility, t.projectMember)
				i++
			}
			_ = local
		})
	})
}

// R3: custom roles are shared by pointer, so an edit is seen by the very
// next check of every holder, without rebuilding anything.
func TestCustomRoleEditSeenByNextCheck(t *testing.T) {
	w := newAccessWorld(1000, 100, roster.OrgMember)
	role := w.roles[7]
	var holder roster.TeamAccess
	for i := range len(w.picks) {
		if a, _ := w.load(i); a.Member != nil && a.Member.CustomRole == role {
			holder = a
			break
		}
	}
	if holder.Member == nil {
		t.Fatal("no holder of role 7")
	}
	role.Base, role.Extra = roster.TeamViewer, 0
	if got := holder.TeamPerms(); got.Has(roster.PermRunCreate) || got.Has(roster.PermProjectCreate) {
		t.Fatalf("after the edit to a bare viewer role: %v", got.List())
	}
	role.Extra = roster.Perms(roster.PermRunDelete)
	if got := holder.TeamPerms(); !got.Has(roster.PermRunDelete) || !got.Has(roster.PermRunRead) || got.Has(roster.PermRunCreate) {
		t.Fatalf("after adding run:delete: %v", got.List())
	}
}
