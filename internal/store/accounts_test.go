package store_test

import (
	"context"
	"log/slog"
	"testing"

	"roster"
	"roster/internal/app"
	"roster/internal/auth"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// Migration 0020 upgrades a database of organizations in place: every
// user it had is an account of its own (no account id, the account named
// by the row's id, in no other organization), with the one membership of
// its row, and signs in as before, with its own password; two users of
// one name in two organizations stay two people.
func TestAccountsMigrationUpgradesInPlace(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	cheap := auth.Argon2Params{Memory: 256, Time: 1, Threads: 1}
	b := newOrg(t, db, "corp-b")
	users := []*roster.User{
		{ID: "u_admin", OrgID: roster.DefaultOrgID, Username: "ada", Role: roster.OrgAdmin},
		{ID: "u_member", OrgID: roster.DefaultOrgID, Username: "max", Role: roster.OrgMember},
		{ID: "u_b_admin", OrgID: b.ID, Username: "bea", Role: roster.OrgAdmin},
		{ID: "u_b_max", OrgID: b.ID, Username: "max", Role: roster.OrgMember}, // another max
	}
	passwords := map[string]string{}
	mustTx(t, db, func(tx *store.Tx) error {
		for _, u := range users {
			passwords[u.ID] = "the password of " + u.ID
			hash, err := auth.HashPassword(passwords[u.ID], cheap)
			if err != nil {
				return err
			}
			u.Email, u.Name, u.Status, u.PasswordHash = u.Username+"@example.com", u.Username, roster.StatusActive, hash
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		for _, q := range []string{`ALTER TABLE sso_logins DROP COLUMN organization`, `DROP TABLE instance_seats`, `DROP INDEX users_account`, `DROP INDEX users_account_org`, `ALTER TABLE users DROP COLUMN account_id`,
			`DELETE FROM schema_migrations WHERE version >= 20`} {
			if err := tx.ExecForTest(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	mustTx(t, db, func(tx *store.Tx) error {
		for _, want := range users {
			u, err := tx.UserByUsername(ctx, want.OrgID, want.Username)
			if err != nil || u.ID != want.ID {
				t.Errorf("%s by username after 0020: %v %v", want.ID, u, err)
				continue
			}
			if u.AccountID != "" || u.Account() != u.ID {
				t.Errorf("%s after 0020: account id %q, account %q; want none, its own", u.ID, u.AccountID, u.Account())
			}
			shared, err := tx.AccountShared(ctx, u.Account(), u.OrgID)
			if err != nil || shared {
				t.Errorf("%s after 0020: shared %v %v", u.ID, shared, err)
			}
			ms, err := tx.AccountMemberships(ctx, u.Account())
			if err != nil || len(ms) != 1 || ms[0].UserID != u.ID || ms[0].Org.ID != u.OrgID {
				t.Errorf("%s after 0020: memberships %+v %v, want its own row's", u.ID, ms, err)
			}
		}
		return nil
	})
	svc, err := app.New(ctx, db, app.Config{Argon2: cheap}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a := roster.Actor{Via: roster.ViaAPI, IP: "127.0.0.1"}
	for _, want := range users {
		res, err := svc.Login(ctx, a, app.LoginInput{Login: want.Username, Password: passwords[want.ID], Org: want.OrgID})
		if err != nil || res.User.ID != want.ID {
			t.Errorf("signing in as %s after 0020: %+v %v", want.ID, res, err)
		}
	}
	// The first organization's max's password is not the other max's.
	if _, err := svc.Login(ctx, a, app.LoginInput{Login: "max", Password: passwords["u_member"], Org: b.ID}); err == nil {
		t.Error("after 0020 the first organization's max signs in to corp-b as its max")
	}
}
