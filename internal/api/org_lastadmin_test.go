package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"roster"
	"roster/internal/apitest"
)

// lastAdminCalls are the REST calls that would demote, deactivate or
// remove a user; {u} is the user's id, username or email.
var lastAdminCalls = []struct {
	name         string
	method, path string
	body         any
}{
	{"demote to member", "PATCH", "/api/v1/users/{u}", map[string]string{"role": "member"}},
	{"demote to viewer", "PATCH", "/api/v1/users/{u}", map[string]string{"role": "viewer"}},
	{"demote with upper-case role", "PATCH", "/api/v1/users/{u}", map[string]string{"role": "MEMBER"}},
	{"demote and rename", "PATCH", "/api/v1/users/{u}", map[string]string{"role": "member", "name": "Alice"}},
	{"deactivate", "POST", "/api/v1/users/{u}/deactivate", nil},
	{"remove", "DELETE", "/api/v1/users/{u}", nil},
}

// O3, O10: the last active admin cannot be demoted, deactivated or removed
// through the REST API, however the admin is named and authenticated, and
// each refusal is a 409 last_admin problem that changes nothing.
func TestLastAdminCannotLeaveThroughTheAPI(t *testing.T) {
	e := apitest.New(t)
	alice := e.MustSignup("alice")
	e.MustUser(alice.Key, "bob", "member")
	creds := []struct {
		name string
		cred apitest.Cred
	}{
		{"key", alice.Key},
		{"basic", apitest.BasicKey{User: "api", Key: string(alice.Key)}},
		{"session", alice.Session},
	}
	refs := []string{alice.ID, "me", "alice", "ALICE", "alice@example.com", "Alice@Example.COM"}
	for _, c := range lastAdminCalls {
		for _, cr := range creds {
			for _, ref := range refs {
				t.Run(c.name+"/"+cr.name+"/"+ref, func(t *testing.T) {
					path := strings.ReplaceAll(c.path, "{u}", ref)
					auditDelta(t, e, "", 0, func() {
						p := wantProblem(t, e.Do(c.method, path, c.body, cr.cred), 409, "last_admin")
						if !strings.Contains(p.Detail, "admin") {
							t.Errorf("detail %q does not say why", p.Detail)
						}
					})
				})
			}
		}
	}
	a := getUser(t, e, alice.Key, "me")
	if a.Role != "admin" || a.Status != "active" || a.Name != "alice" {
		t.Errorf("alice after the refusals: %+v", a)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, alice.Session)
}

// O3: what counts is active admins. Deactivated admins and admins whose
// invite is still pending do not keep the organization administered.
func TestLastActiveAdminIgnoresInactiveAdmins(t *testing.T) {
	e := apitest.New(t)
	alice := e.MustSignup("alice")
	bob := e.MustUser(alice.Key, "bob", "admin")
	e.MustInvite(alice.Key, "carol@example.com", "admin")
	e.Must(200, "POST", "/api/v1/users/bob/deactivate", nil, alice.Key)

	for _, c := range lastAdminCalls {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, e.Do(c.method, strings.ReplaceAll(c.path, "{u}", "alice"), c.body, alice.Key), 409, "last_admin")
		})
	}
	// Demoting or removing an admin who is not active is fine: alice stays.
	e.Must(200, "PATCH", "/api/v1/users/carol@example.com", map[string]string{"role": "member"}, alice.Key)
	e.Must(200, "PATCH", "/api/v1/users/bob", map[string]string{"role": "viewer"}, alice.Key)
	e.Must(200, "PATCH", "/api/v1/users/bob", map[string]string{"role": "admin"}, alice.Key)

	// With bob active again, alice may step down; then bob is the last one.
	e.Must(200, "POST", "/api/v1/users/bob/reactivate", nil, alice.Key)
	e.Must(200, "PATCH", "/api/v1/users/me", map[string]string{"role": "member"}, alice.Key)
	for _, c := range lastAdminCalls {
		t.Run("bob "+c.name, func(t *testing.T) {
			wantProblem(t, e.Do(c.method, strings.ReplaceAll(c.path, "{u}", "me"), c.body, bob.Key), 409, "last_admin")
		})
	}
	if got := activeAdmins(t, e); !slices.Equal(got, []string{"bob"}) {
		t.Errorf("active admins: %v, want [bob]", got)
	}
}

// O3, O4: the server's command line goes through the same rule. It may
// reset the last admin's password and create a second admin, after which
// the first may be demoted.
func TestLastAdminRuleOnTheCommandLine(t *testing.T) {
	e := apitest.New(t)
	ctx := context.Background()
	alice := e.MustSignup("alice")
	refused := []struct {
		name string
		call func() error
	}{
		{"demote", func() error { _, err := e.App.ChangeRole(ctx, cli, "alice", roster.OrgMember); return err }},
		{"demote to viewer", func() error { _, err := e.App.ChangeRole(ctx, cli, alice.ID, roster.OrgViewer); return err }},
		{"deactivate", func() error { _, err := e.App.Deactivate(ctx, cli, "alice@example.com"); return err }},
		{"remove", func() error { return e.App.RemoveUser(ctx, cli, "alice") }},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			auditDelta(t, e, "", 0, func() {
				err := c.call()
				if roster.ErrorCode(err) != roster.EConflict || roster.ErrorReason(err) != "last_admin" {
					t.Errorf("err = %v (code %s, reason %s), want conflict last_admin", err, roster.ErrorCode(err), roster.ErrorReason(err))
				}
			})
		})
	}
	if _, err := e.App.ResetPassword(ctx, cli, "alice", "a new long password"); err != nil {
		t.Fatalf("reset the last admin's password: %v", err)
	}
	e.MustLogin("alice", "a new long password")
	if _, err := e.App.CreateAdmin(ctx, cli, "root", "root@example.com", apitest.Password); err != nil {
		t.Fatalf("create admin: %v", err)
	}
	if _, err := e.App.ChangeRole(ctx, cli, "alice", roster.OrgMember); err != nil {
		t.Errorf("demote alice with a second admin present: %v", err)
	}
	if _, err := e.App.Deactivate(ctx, cli, "root"); roster.ErrorReason(err) != "last_admin" {
		t.Errorf("deactivate root, now the last admin: err = %v, want last_admin", err)
	}
	if got := activeAdmins(t, e); !slices.Equal(got, []string{"root"}) {
		t.Errorf("active admins: %v, want [root]", got)
	}
}

// O3: when admins race to demote, deactivate or remove each other, at most
// one of each pair succeeds and an active admin always remains.
func TestAdminsRacingToRemoveEachOther(t *testing.T) {
	type call struct {
		method, path string
		body         any
	}
	demote := func(ref string) call {
		return call{"PATCH", "/api/v1/users/" + ref, map[string]string{"role": "member"}}
	}
	deactivate := func(ref string) call { return call{"POST", "/api/v1/users/" + ref + "/deactivate", nil} }
	remove := func(ref string) call { return call{"DELETE", "/api/v1/users/" + ref, nil} }
	pairs := []struct {
		name               string
		aliceDoes, bobDoes call
	}{
		{"demote each other", demote("bob"), demote("alice")},
		{"deactivate each other", deactivate("bob"), deactivate("alice")},
		{"remove each other", remove("bob"), remove("alice")},
		{"demote vs deactivate", demote("bob"), deactivate("alice")},
		{"deactivate vs remove", deactivate("bob"), remove("alice")},
		{"each demotes themself", demote("me"), demote("me")},
		{"each removes themself", remove("me"), remove("me")},
		{"self-demote vs self-deactivate", demote("me"), deactivate("me")},
	}
	for _, p := range pairs {
		for round := range 3 {
			t.Run(fmt.Sprintf("%s/%d", p.name, round), func(t *testing.T) {
				e := apitest.New(t)
				alice := e.MustSignup("alice")
				bob := e.MustUser(alice.Key, "bob", "admin")
				before := e.AuditCount("")
				var res [2]result
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i, c := range []struct {
					cred apitest.Cred
					call call
				}{{alice.Key, p.aliceDoes}, {bob.Key, p.bobDoes}} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						res[i] = send(e, c.call.method, c.call.path, c.call.body, c.cred)
					}()
				}
				close(start)
				wg.Wait()

				succeeded := 0
				for i, r := range res {
					switch {
					case r.err != nil:
						t.Fatalf("request %d: %v", i, r.err)
					case r.status/100 == 2:
						succeeded++
					// The loser is refused by the rule, or finds itself no
					// longer admin (403) or no longer active (401).
					case r.status == 409 && r.code() == "last_admin", r.status == 403, r.status == 401:
					default:
						t.Errorf("request %d: status %d: %s", i, r.status, r.body)
					}
				}
				admins := activeAdmins(t, e)
				if succeeded > 1 || len(admins) != 2-succeeded {
					t.Errorf("%d of 2 succeeded, active admins now %v (answers %d %s / %d %s)",
						succeeded, admins, res[0].status, res[0].body, res[1].status, res[1].body)
				}
				if len(admins) == 0 {
					t.Fatalf("no active admin left")
				}
				if got := e.AuditCount("") - before; got != succeeded {
					t.Errorf("audit entries added: %d, want one per success (%d)", got, succeeded)
				}
			})
		}
	}
}

// O3: five admins each try to demote all five at once; at least one admin
// remains, and every successful demotion shows in the list.
func TestManyAdminsDemotingEveryone(t *testing.T) {
	for round := range 3 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			e := apitest.New(t)
			alice := e.MustSignup("admin0")
			admins := []apitest.User{alice}
			for i := 1; i < 5; i++ {
				admins = append(admins, e.MustUser(alice.Key, fmt.Sprintf("admin%d", i), "admin"))
			}
			before := e.AuditCount("organization:update_member")
			start := make(chan struct{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			demoted := map[string]bool{}
			for _, actor := range admins {
				for _, target := range admins {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						r := send(e, "PATCH", "/api/v1/users/"+target.ID, map[string]string{"role": "viewer"}, actor.Key)
						if r.status == 200 {
							mu.Lock()
							demoted[target.Username] = true
							mu.Unlock()
						}
					}()
				}
			}
			close(start)
			wg.Wait()
			left := activeAdmins(t, e)
			if len(left) == 0 {
				t.Fatalf("no active admin left; demoted %v", demoted)
			}
			if len(left)+len(demoted) != len(admins) {
				t.Errorf("active admins %v and demoted %v do not add up to %d", left, demoted, len(admins))
			}
			if got := e.AuditCount("organization:update_member") - before; got != len(demoted) {
				t.Errorf("organization:update_member entries: %d, want one per demotion (%d)", got, len(demoted))
			}
		})
	}
}
