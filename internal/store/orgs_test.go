package store_test

import (
	"context"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// mustTx runs fn in a transaction and fails the test on its error.
func mustTx(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Tx(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// newOrg creates an active organization named name.
func newOrg(t *testing.T, db *store.DB, name string) *roster.Organization {
	t.Helper()
	o := &roster.Organization{ID: roster.NewID("org"), Name: name, DisplayName: name}
	mustTx(t, db, func(tx *store.Tx) error { return tx.CreateOrganization(t.Context(), o) })
	return o
}

// Usernames and emails are unique per organization (#18): one name in two
// organizations is two users, a second in one organization is refused, and
// no lookup of one organization finds the other's user.
func TestUserNamesAreUniquePerOrganization(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := t.Context()
	b := newOrg(t, db, "corp-b")
	user := func(id, org, name string) *roster.User {
		return &roster.User{ID: id, OrgID: org, Username: name, Email: name + "@example.com",
			Role: roster.OrgMember, Status: roster.StatusActive}
	}
	mustTx(t, db, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, user("u_a", roster.DefaultOrgID, "alice")); err != nil {
			return err
		}
		return tx.CreateUser(ctx, user("u_b", b.ID, "alice"))
	})
	err := db.Tx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, user("u_b2", b.ID, "ALICE")) })
	if roster.ErrorCode(err) != roster.EConflict {
		t.Fatalf("a second ALICE in one organization: %v, want a conflict", err)
	}
	mustTx(t, db, func(tx *store.Tx) error {
		for _, c := range []struct{ org, want string }{{roster.DefaultOrgID, "u_a"}, {b.ID, "u_b"}} {
			byName, err := tx.UserByUsername(ctx, c.org, "Alice")
			if err != nil || byName.ID != c.want {
				t.Errorf("username in %s: %v %v, want %s", c.org, byName, err, c.want)
			}
			byEmail, err := tx.UserByEmail(ctx, c.org, "ALICE@example.com")
			if err != nil || byEmail.ID != c.want {
				t.Errorf("email in %s: %v %v, want %s", c.org, byEmail, err, c.want)
			}
			ids, err := tx.SCIMUserIDs(ctx, c.org, store.SCIMUserKeys{UserNames: []string{"alice"}, Emails: []string{"alice@example.com"}})
			if err != nil || len(ids) != 1 || ids[0] != c.want {
				t.Errorf("SCIM keys in %s: %v %v, want [%s]", c.org, ids, err, c.want)
			}
		}
		if _, err := tx.UserByID(ctx, b.ID, "u_a"); !roster.IsNotFound(err) {
			t.Errorf("the first organization's user by id in corp-b: %v, want not found", err)
		}
		if _, err := tx.UserByID(ctx, roster.DefaultOrgID, "u_b"); !roster.IsNotFound(err) {
			t.Errorf("corp-b's user by id in the first organization: %v, want not found", err)
		}
		return nil
	})
}

// Organization names are unique case-insensitively among organizations
// that are not deleted; a deleted one is not found and frees its name;
// the list counts each organization's own users, seats and teams.
func TestOrganizationNamesAndList(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := t.Context()
	b := newOrg(t, db, "corp-b")
	err := db.Tx(ctx, func(tx *store.Tx) error {
		return tx.CreateOrganization(ctx, &roster.Organization{ID: "org_x", Name: "CORP-B", DisplayName: "x"})
	})
	if roster.ErrorCode(err) != roster.EConflict {
		t.Fatalf("a second CORP-B: %v, want a conflict", err)
	}
	mustTx(t, db, func(tx *store.Tx) error {
		tx.AddSeatHolders(b.ID, 1, 0, nil)
		return tx.CreateUser(ctx, &roster.User{ID: "u_b", OrgID: b.ID, Username: "bob", Email: "bob@example.com",
			Role: roster.OrgAdmin, Status: roster.StatusInvited})
	})
	mustTx(t, db, func(tx *store.Tx) error {
		list, err := tx.ListOrganizations(ctx)
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].Name != "corp-b" || list[0].Users != 1 || list[0].SeatsUsed != 1 ||
			list[1].ID != roster.DefaultOrgID || list[1].Users != 0 || list[1].SeatsUsed != 0 {
			t.Errorf("list: %+v %+v", list[0], list[len(list)-1])
		}
		if one, err := tx.OrganizationSummary(ctx, "CORP-B"); err != nil || one.ID != b.ID || one.Users != 1 || one.SeatsUsed != 1 {
			t.Errorf("summary by name: %+v %v", one, err)
		}
		if _, err := tx.OrganizationSummary(ctx, "nowhere"); !roster.IsNotFound(err) {
			t.Errorf("summary of no organization: %v, want not found", err)
		}
		got, err := tx.Organization(ctx, "Corp-B")
		if err != nil || got.ID != b.ID || got.Status != roster.OrgActive {
			t.Errorf("by name: %+v %v", got, err)
		}
		got.Status = roster.OrgDeleted
		return tx.UpdateOrganization(ctx, got)
	})
	mustTx(t, db, func(tx *store.Tx) error {
		if _, err := tx.Organization(ctx, b.ID); !roster.IsNotFound(err) {
			t.Errorf("a deleted organization by id: %v, want not found", err)
		}
		if st, err := tx.OrgStatus(ctx, b.ID); err != nil || st != roster.OrgDeleted {
			t.Errorf("status of the deleted organization: %q %v", st, err)
		}
		return tx.CreateOrganization(ctx, &roster.Organization{ID: "org_again", Name: "corp-b", DisplayName: "again"})
	})
}

// Migration 0019 upgrades a one-organization database in place: the
// organization keeps its name as its display name, the active admins
// become instance admins, and users are found by the keys they had.
func TestOrganizationsMigrationUpgradesInPlace(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	users := []*roster.User{
		{ID: "u_admin", Username: "ada", Role: roster.OrgAdmin, Status: roster.StatusActive},
		{ID: "u_gone", Username: "gus", Role: roster.OrgAdmin, Status: roster.StatusDeactivated},
		{ID: "u_member", Username: "max", Role: roster.OrgMember, Status: roster.StatusActive},
	}
	mustTx(t, db, func(tx *store.Tx) error {
		for _, u := range users {
			u.OrgID, u.Email = roster.DefaultOrgID, u.Username+"@Example.com"
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		for _, q := range []string{`ALTER TABLE sso_logins DROP COLUMN organization`, `DROP TABLE instance_seats`, `DROP INDEX organizations_name_key`,
			`ALTER TABLE organizations DROP COLUMN display_name`, `ALTER TABLE organizations DROP COLUMN name_key`,
			`ALTER TABLE organizations DROP COLUMN status`, `ALTER TABLE organizations DROP COLUMN updated_at`,
			`ALTER TABLE users DROP COLUMN instance_admin`, `DROP INDEX users_account`, `DROP INDEX users_account_org`,
			`ALTER TABLE users DROP COLUMN account_id`, `DELETE FROM schema_migrations WHERE version >= 19`} {
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
		o, err := tx.Organization(ctx, "roster")
		if err != nil || o.ID != roster.DefaultOrgID || o.DisplayName != "Roster" || o.Status != roster.OrgActive {
			t.Errorf("the organization after 0019: %+v %v", o, err)
		}
		for _, want := range users {
			u, err := tx.UserByEmail(ctx, roster.DefaultOrgID, want.Email)
			if err != nil || u.ID != want.ID {
				t.Errorf("%s by email after 0019: %v %v", want.ID, u, err)
				continue
			}
			if admin := want.ID == "u_admin"; u.InstanceAdmin != admin {
				t.Errorf("%s: instance admin %v, want %v", want.ID, u.InstanceAdmin, admin)
			}
		}
		return nil
	})
}
