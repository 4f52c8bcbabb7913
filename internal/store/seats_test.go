package store_test

import (
	"context"
	"fmt"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// Migration 0014 counts the seat holders of a database made before it:
// invited and active users, not deactivated or removed ones; and the
// changes a transaction records are written at commit, and only then.
func TestSeatCountsMigrationAndCommit(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	statuses := []roster.UserStatus{roster.StatusActive, roster.StatusActive, roster.StatusInvited,
		roster.StatusDeactivated, roster.StatusRemoved}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		for i, st := range statuses {
			u := &roster.User{ID: fmt.Sprint("u", i), OrgID: roster.DefaultOrgID, Username: fmt.Sprint("u", i),
				Email: fmt.Sprintf("u%d@example.com", i), Role: roster.OrgMember, Status: st}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		// Back to before 0014; the later migrations only add what they
		// undo here.
		for _, q := range []string{`ALTER TABLE sso_logins DROP COLUMN organization`, `DROP TABLE instance_seats`, `DROP TABLE seat_counts`, `DROP TABLE team_idp_groups`,
			`DROP TABLE jwt_replays`, `DROP TABLE access_tokens`, `DROP TABLE federated_subjects`, `DROP TABLE jwt_issuers`,
			`ALTER TABLE sessions DROP COLUMN method`, `ALTER TABLE sessions DROP COLUMN user_agent`, `ALTER TABLE sessions DROP COLUMN last_seen_at`,
			`DROP INDEX organizations_name_key`, `ALTER TABLE organizations DROP COLUMN display_name`,
			`ALTER TABLE organizations DROP COLUMN name_key`, `ALTER TABLE organizations DROP COLUMN status`,
			`ALTER TABLE organizations DROP COLUMN updated_at`, `ALTER TABLE users DROP COLUMN instance_admin`,
			`DROP INDEX users_account`, `DROP INDEX users_account_org`, `ALTER TABLE users DROP COLUMN account_id`} {
			if err := tx.ExecForTest(ctx, q); err != nil {
				return err
			}
		}
		return tx.ExecForTest(ctx, `DELETE FROM schema_migrations WHERE version >= 14`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.SeatCount(ctx, roster.DefaultOrgID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := count(); got != 3 {
		t.Fatalf("seat count after migration %d, want 3 (two active, one invited)", got)
	}
	full := fmt.Errorf("full")
	err = db.Tx(ctx, func(tx *store.Tx) error {
		tx.AddSeatHolders(roster.DefaultOrgID, 1, 4, func(int) error { return full })
		tx.AddSeatHolders(roster.DefaultOrgID, 1, 4, func(int) error { return full })
		tx.AddSeatHolders(roster.DefaultOrgID, -1, 0, nil) // net +1: within 4
		return nil
	})
	if err != nil || count() != 4 {
		t.Fatalf("net +1 within the limit: %v, count %d, want 4", err, count())
	}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		tx.AddSeatHolders(roster.DefaultOrgID, 1, 4, func(used int) error { return fmt.Errorf("%w at %d", full, used) })
		return nil
	})
	if err == nil || err.Error() != "full at 4" || count() != 4 {
		t.Fatalf("over the limit: %v, count %d; want full at 4, 4", err, count())
	}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		tx.AddSeatHolders(roster.DefaultOrgID, 5, 0, nil)
		return fmt.Errorf("rolled back")
	})
	if err == nil || count() != 4 {
		t.Fatalf("a failed transaction changed the count: %v, %d", err, count())
	}
}
