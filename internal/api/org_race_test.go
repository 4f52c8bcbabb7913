package api_test

// Per-organization invariants under races (issue 18): the last-admin rule
// (O3) and the seat limit (O13) hold in each of two organizations while
// both are raced at once, on one server and, on PostgreSQL, across two.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/license"
	"roster/internal/store"
)

// orgActiveAdmins lists organization org's active admins from the database.
func orgActiveAdmins(t testing.TB, e *apitest.Env, org string) []string {
	t.Helper()
	var names []string
	err := e.DB.Read(context.Background(), func(tx *store.Tx) error {
		users, _, err := tx.ListUsers(context.Background(), org, store.UserFilter{Role: roster.OrgAdmin, Status: roster.StatusActive, Limit: 200})
		for _, u := range users {
			names = append(names, u.Username)
		}
		return err
	})
	if err != nil {
		t.Fatalf("active admins of %s: %v", org, err)
	}
	return names
}

// orgSeatCounts is seatCounts for organization org.
func orgSeatCounts(t testing.TB, e *apitest.Env, org string) (counter, holders int) {
	t.Helper()
	err := e.DB.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		if counter, err = tx.SeatCount(context.Background(), org); err != nil {
			return err
		}
		holders, err = tx.CountSeats(context.Background(), org)
		return err
	})
	if err != nil {
		t.Fatalf("seat counts of %s: %v", org, err)
	}
	return counter, holders
}

// raceOrg is one organization of a race: its id and name, and the two
// admins who demote each other.
type raceOrg struct {
	org  apitest.Org
	pair [2]apitest.User
}

// O3 in two organizations at once: in each, two admins demoting,
// deactivating or removing each other (REST or SCIM) while the other
// organization's pair does the same leave exactly one active admin, and
// exactly one of the two requests wins.
func TestOrgLastAdminRaceTrials(t *testing.T) {
	onServers(t, app.Config{}, func(t *testing.T, e [2]*apitest.Env) {
		trials := invariantTrials(t)
		root := e[0].MustSignup("root0")
		first := apitest.Org{ID: roster.DefaultOrgID, Admin: root}
		b := e[0].MustOrg("corp-b", "birch0")
		orgs := []*raceOrg{{org: first}, {org: b}}
		for _, o := range orgs {
			o.pair = [2]apitest.User{o.org.Admin, orgUser(e[0], o.org, "peer0", "admin")}
		}
		scimDeactivate := map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
			"Operations": []map[string]any{{"op": "replace", "value": map[string]any{"active": false}}}}
		violations := 0
		for i := range trials {
			kind := i % 4
			act := func(o *raceOrg, by int) result {
				target := o.pair[1-by]
				switch kind {
				case 0:
					return send(e[by], "PATCH", "/api/v1/users/"+target.Username, map[string]string{"role": "member"}, o.pair[by].Key)
				case 1:
					return send(e[by], "POST", "/api/v1/users/"+target.Username+"/deactivate", nil, o.pair[by].Key)
				case 2:
					return send(e[by], "PATCH", "/scim/v2/Users/"+target.ID, scimDeactivate, o.pair[by].Key)
				}
				return send(e[by], "DELETE", "/api/v1/users/"+target.Username, nil, o.pair[by].Key)
			}
			var res [2][2]result
			apitest.Race(func() { res[0][0] = act(orgs[0], 0) }, func() { res[0][1] = act(orgs[0], 1) },
				func() { res[1][0] = act(orgs[1], 0) }, func() { res[1][1] = act(orgs[1], 1) })
			for k, o := range orgs {
				won := lastAdminWins(t, fmt.Sprintf("trial %d, %s", i, o.org.ID), res[k][:])
				admins := orgActiveAdmins(t, e[0], o.org.ID)
				if won != 1 || len(admins) != 1 {
					violations++
					t.Errorf("trial %d (kind %d), %s: %d won, active admins %v", i, kind, o.org.ID, won, admins)
					if len(admins) == 0 {
						t.FailNow()
					}
				}
			}
			e[0].Clock.Advance(10 * time.Minute) // the losers' refused keys counted against the address
			for _, o := range orgs {
				survivor := o.pair[0]
				if admins := orgActiveAdmins(t, e[0], o.org.ID); admins[0] == o.pair[1].Username {
					survivor = o.pair[1]
				}
				o.org.Admin = survivor
				o.pair = [2]apitest.User{survivor, orgUser(e[0], o.org, fmt.Sprintf("peer%d", i+1), "admin")}
			}
		}
		t.Logf("last admin in two organizations: %d violations in %d trials", violations, trials)
	})
}

// orgUser is MustUserIn, or MustUser for the first organization.
func orgUser(e *apitest.Env, o apitest.Org, username, role string) apitest.User {
	if o.ID == roster.DefaultOrgID {
		return e.MustUser(o.Admin.Key, username, role)
	}
	return e.MustUserIn(o, username, role)
}

// O13 in two organizations at once, each with a license of its own (the
// instance license governs the first, corp-b's its own): the seat limit
// holds in each; with one seat left in both, an invite and a SCIM create
// racing in each organization (four requests) give exactly one seat to
// one of them per organization, and each organization's seat counter
// equals its seat holders.
func TestOrgSeatLimitRaceTrials(t *testing.T) {
	s := newSigner(t)
	cfg := app.Config{License: s.issue(t, 3, nextYear, license.SCIM) + "\n" + s.issueFor(t, "corp-b", 3, nextYear, license.SCIM),
		LicenseKey: s.pub} // an admin and a member leave one seat in each
	onServers(t, cfg, func(t *testing.T, e [2]*apitest.Env) {
		trials := invariantTrials(t)
		root := e[0].MustSignup("root")
		e[0].MustUser(root.Key, "member", "member")
		b := e[0].MustOrg("corp-b", "birch")
		e[0].MustUserIn(b, "member", "member")
		orgs := []apitest.Org{{ID: roster.DefaultOrgID, Admin: root}, b}
		violations := 0
		for i := range trials {
			var res [2][2]result
			invite := func(k int) func() {
				return func() {
					res[k][0] = send(e[0], "POST", "/api/v1/users", map[string]string{"email": fmt.Sprintf("inv%d@example.com", i)}, orgs[k].Admin.Key)
				}
			}
			provision := func(k int) func() {
				return func() {
					res[k][1] = send(e[1], "POST", "/scim/v2/Users", map[string]any{
						"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": fmt.Sprintf("scim%d@example.com", i)}, orgs[k].Admin.Key)
				}
			}
			apitest.Race(invite(0), provision(0), invite(1), provision(1))
			for k, o := range orgs {
				won, winner := 0, ""
				for j, r := range res[k] {
					switch {
					case r.status == 201:
						won++
						winner = []string{fmt.Sprintf("inv%d@example.com", i), fmt.Sprintf("scim%d", i)}[j]
					case r.status == 409 && (r.code() == "seat_limit_reached" || strings.Contains(string(r.body), "seat limit reached")):
					default:
						t.Fatalf("trial %d, %s, request %d: status %d: %s %v", i, o.ID, j, r.status, r.body, r.err)
					}
				}
				counter, holders := orgSeatCounts(t, e[0], o.ID)
				if won != 1 || holders != 3 || counter != holders {
					violations++
					t.Errorf("trial %d, %s: %d won, %d seat holders, counter %d; want 1, 3, 3", i, o.ID, won, holders, counter)
				}
				if won > 0 {
					e[0].Must(204, "DELETE", "/api/v1/users/"+winner, nil, o.Admin.Key) // frees the seat
				}
				if counter, holders := orgSeatCounts(t, e[0], o.ID); counter != holders || holders != 2 {
					t.Fatalf("trial %d, %s: after freeing, counter %d and %d seat holders, want 2", i, o.ID, counter, holders)
				}
			}
		}
		t.Logf("seat limit in two organizations: %d violations in %d trials", violations, trials)
	})
}

// instanceSeats reads the instance license's seat pool.
func instanceSeats(t testing.TB, e *apitest.Env) int {
	t.Helper()
	var n int
	err := e.DB.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = tx.InstanceSeatCount(context.Background())
		return err
	})
	if err != nil {
		t.Fatalf("instance seats: %v", err)
	}
	return n
}

// Issue #18: an instance license's seats are the total of every
// organization it governs. Two organizations under one 5-seat license
// hold 4 (an admin and a member each); an invite and a SCIM create racing
// in each (four requests, on two servers on PostgreSQL) give the last
// seat to exactly one of them, and the pool equals the seat holders of
// both.
func TestInstanceSeatPoolRaceTrials(t *testing.T) {
	s := newSigner(t)
	cfg := app.Config{License: s.issue(t, 5, nextYear, license.SCIM), LicenseKey: s.pub}
	onServers(t, cfg, func(t *testing.T, e [2]*apitest.Env) {
		trials := invariantTrials(t)
		root := e[0].MustSignup("root")
		e[0].MustUser(root.Key, "member", "member")
		b := e[0].MustOrg("corp-b", "birch")
		e[0].MustUserIn(b, "member", "member")
		orgs := []apitest.Org{{ID: roster.DefaultOrgID, Admin: root}, b}
		violations := 0
		for i := range trials {
			var res [2][2]result
			invite := func(k int) func() {
				return func() {
					res[k][0] = send(e[k], "POST", "/api/v1/users", map[string]string{"email": fmt.Sprintf("inv%d@example.com", i)}, orgs[k].Admin.Key)
				}
			}
			provision := func(k int) func() {
				return func() {
					res[k][1] = send(e[1-k], "POST", "/scim/v2/Users", map[string]any{
						"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": fmt.Sprintf("scim%d@example.com", i)}, orgs[k].Admin.Key)
				}
			}
			apitest.Race(invite(0), provision(0), invite(1), provision(1))
			won, holders := 0, 0
			var winners []func()
			for k, o := range orgs {
				for j, r := range res[k] {
					switch {
					case r.status == 201:
						won++
						winner := []string{fmt.Sprintf("inv%d@example.com", i), fmt.Sprintf("scim%d", i)}[j]
						winners = append(winners, func() { e[0].Must(204, "DELETE", "/api/v1/users/"+winner, nil, o.Admin.Key) })
					case r.status == 409 && (r.code() == "seat_limit_reached" || strings.Contains(string(r.body), "seat limit reached")):
					default:
						t.Fatalf("trial %d, %s, request %d: status %d: %s %v", i, o.ID, j, r.status, r.body, r.err)
					}
				}
				counter, h := orgSeatCounts(t, e[0], o.ID)
				if counter != h {
					t.Errorf("trial %d, %s: counter %d, %d seat holders", i, o.ID, counter, h)
				}
				holders += h
			}
			if pool := instanceSeats(t, e[0]); won != 1 || holders != 5 || pool != holders {
				violations++
				t.Errorf("trial %d: %d won, %d seat holders, pool %d; want 1, 5, 5", i, won, holders, pool)
			}
			for _, free := range winners {
				free()
			}
			if pool := instanceSeats(t, e[0]); pool != 4 {
				t.Fatalf("trial %d: after freeing, pool %d, want 4", i, pool)
			}
		}
		t.Logf("instance seat pool over two organizations: %d violations in %d trials", violations, trials)
	})
}
