package store_test

import (
	"context"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// Migration 0009 rekeys emails stored under Unicode lower-casing: the
// Kelvin-sign address no longer holds kate's key, an IDN domain gets its
// A-label key, and a clash with a row already holding the canonical key
// leaves the newcomer's key as it was instead of failing.
func TestMigration0009RekeysEmails(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	mk := func(tx *store.Tx, id, email, oldKey string) {
		u := &roster.User{ID: id, OrgID: roster.DefaultOrgID, Email: email, Role: roster.OrgMember, Status: roster.StatusInvited}
		if err := tx.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := tx.ExecForTest(ctx, `UPDATE users SET email_key = ? WHERE id = ?`, oldKey, id); err != nil {
			t.Fatal(err)
		}
	}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		mk(tx, "u_kelvin", "\u212aate@example.test", "kate@example.test") // as strings.ToLower keyed it
		mk(tx, "u_idn", "ana@bücher.test", "ana@bücher.test")
		mk(tx, "u_alabel", "ana@xn--bcher-kva.test", "ana@xn--bcher-kva.test")
		return tx.RunMigrationStepForTest(ctx, 9)
	})
	if err != nil {
		t.Fatalf("backfill: %v", err)
	}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if u, err := tx.UserByEmail(ctx, roster.DefaultOrgID, "kate@example.test"); err == nil {
			t.Errorf("kate@example.test finds %s (%s)", u.ID, u.Email)
		}
		if u, err := tx.UserByEmail(ctx, roster.DefaultOrgID, "\u212aate@example.test"); err != nil || u.ID != "u_kelvin" {
			t.Errorf("the Kelvin address finds %v, %v", u, err)
		}
		// The real kate can now be created.
		if err := tx.CreateUser(ctx, &roster.User{ID: "u_kate", OrgID: roster.DefaultOrgID, Email: "Kate@example.test",
			Role: roster.OrgMember, Status: roster.StatusInvited}); err != nil {
			t.Errorf("create kate: %v", err)
		}
		for _, e := range []string{"ana@bücher.test", "ana@xn--bcher-kva.test"} {
			if u, err := tx.UserByEmail(ctx, roster.DefaultOrgID, e); err != nil || u.ID != "u_alabel" {
				t.Errorf("%s finds %v, %v; want the row that held the canonical key", e, u, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
