package api_test

// The person in two organizations under races (#18): one password for
// every row of the account, whatever the other organization does to its
// row meanwhile, and one membership per organization however many joins
// race for it.

import (
	"context"
	"fmt"
	"testing"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/store"
)

// accountRows reads organization org's rows of account from the database.
func accountRows(t testing.TB, e *apitest.Env, org, account string) []*roster.User {
	t.Helper()
	var out []*roster.User
	err := e.DB.Read(context.Background(), func(tx *store.Tx) error {
		users, _, err := tx.ListUsers(context.Background(), org, store.UserFilter{Limit: 200})
		for _, u := range users {
			if u.Account() == account {
				out = append(out, u)
			}
		}
		return err
	})
	if err != nil {
		t.Fatalf("rows of account %s in %s: %v", account, org, err)
	}
	return out
}

// The person changes their password in the first organization while
// corp-b's directory deactivates their corp-b row: both requests succeed,
// and afterwards both rows hold the new password (one hash), corp-b's row
// is deactivated, and, reactivated, it signs in with the new password as
// the first organization's row does.
func TestSharedPasswordChangeRacesDeactivationTrials(t *testing.T) {
	onServers(t, app.Config{}, func(t *testing.T, e [2]*apitest.Env) {
		trials := invariantTrials(t)
		root := e[0].MustSignup("root")
		b := e[0].MustOrg("corp-b", "birch")
		home := e[0].MustUser(root.Key, "hazel", "member")
		joined := e[0].MustJoin(b, home, "member")
		session := home.Session
		active := func(on bool) map[string]any { return scimReplace("active", on) }
		password := func(i int) string {
			if i == 0 {
				return apitest.Password
			}
			return fmt.Sprintf("hazel's password number %d", i)
		}
		for i := range trials {
			var change, deactivate result
			apitest.Race(func() {
				change = send(e[0], "POST", "/api/v1/users/me/password", map[string]string{
					"current_password": password(i), "new_password": password(i + 1)}, session)
			}, func() {
				deactivate = send(e[1], "PATCH", "/scim/v2/Users/"+joined.ID, active(false), b.Admin.Key)
			})
			if change.status != 204 || deactivate.status != 200 {
				t.Fatalf("trial %d: password change %d %s %v; deactivation %d %s %v", i,
					change.status, change.body, change.err, deactivate.status, deactivate.body, deactivate.err)
			}
			rowA, rowB := accountRows(t, e[0], roster.DefaultOrgID, home.ID), accountRows(t, e[0], b.ID, home.ID)
			if len(rowA) != 1 || len(rowB) != 1 {
				t.Fatalf("trial %d: the account has %d rows in the first organization and %d in corp-b, want 1 and 1", i, len(rowA), len(rowB))
			}
			if rowA[0].PasswordHash != rowB[0].PasswordHash || rowB[0].Status != roster.StatusDeactivated || rowA[0].Status != roster.StatusActive {
				t.Fatalf("trial %d: hashes equal %v, first organization's row %s, corp-b's %s; want one hash, active and deactivated",
					i, rowA[0].PasswordHash == rowB[0].PasswordHash, rowA[0].Status, rowB[0].Status)
			}
			e[0].MustLogin("hazel", password(i+1))
			e[0].Must(200, "PATCH", "/scim/v2/Users/"+joined.ID, active(true), b.Admin.Key)
			e[0].MustLoginIn("corp-b", "hazel", password(i+1))
		}
	})
}

// Two invites of corp-b accepted at once with one account: exactly one
// joins, the other is refused already_member, and the account has one
// row in corp-b, never two. The account is, by turns, a row of its own
// (joining links it, a write both joins make) and already linked by a
// membership of corp-c (nothing of it is written); the joins name
// usernames of their own or, by turns, take the account's one.
func TestSharedJoinRaceTrials(t *testing.T) {
	onServers(t, app.Config{}, func(t *testing.T, e [2]*apitest.Env) {
		trials := invariantTrials(t)
		root := e[0].MustSignup("root")
		b := e[0].MustOrg("corp-b", "birch")
		c := e[0].MustOrg("corp-c", "cedar")
		violations := 0
		for i := range trials {
			p := e[0].MustUser(root.Key, fmt.Sprintf("joiner%d", i), "member")
			if i%2 == 1 {
				e[0].MustJoin(c, p, "member")
			}
			var res [2]result
			accept := func(k int) func() {
				_, token := e[0].MustInvite(b.Admin.Key, fmt.Sprintf("joiner%d-%d@example.com", i, k), "member")
				in := map[string]any{"token": token, "join_account": true}
				if i%4 < 2 {
					in["username"] = fmt.Sprintf("joiner%d-%d", i, k)
				}
				return func() { res[k] = send(e[k], "POST", "/api/v1/invites/accept", in, p.Session) }
			}
			apitest.Race(accept(0), accept(1))
			won, refused := 0, 0
			for k, r := range res {
				switch {
				case r.status == 200:
					won++
				case r.status == 409 && r.code() == "already_member":
					refused++
				default:
					violations++
					t.Errorf("trial %d, accept %d: %d %s %v", i, k, r.status, r.body, r.err)
				}
			}
			rows := accountRows(t, e[0], b.ID, p.ID)
			if won != 1 || refused != 1 || len(rows) != 1 {
				violations++
				t.Errorf("trial %d: %d joined, %d refused, the account has %d rows in corp-b; want 1, 1, 1", i, won, refused, len(rows))
			}
		}
		t.Logf("joins of one account racing into one organization: %d violations in %d trials", violations, trials)
	})
}
