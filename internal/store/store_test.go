package store_test

import (
	"context"
	"errors"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

func TestMigrateIsIdempotentAndCurrent(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	n, err := db.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second migrate applied %d: %v", n, err)
	}
	if err := db.CheckVersion(ctx); err != nil {
		t.Fatalf("check version: %v", err)
	}
}

// TestRefusesNewerSchema covers D2: a database migrated by a newer Roster
// is refused by Migrate and by the readiness check.
func TestRefusesNewerSchema(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *store.Tx) error {
		return tx.ExecForTest(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("migrate on a newer schema: %v", err)
	}
	if err := db.CheckVersion(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("check version on a newer schema: %v", err)
	}
}

// TestAuditLogIsAppendOnly covers L3 at the database: no statement can
// change or delete an entry.
func TestAuditLogIsAppendOnly(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *store.Tx) error {
		return tx.AppendAudit(ctx, &roster.AuditEntry{OrgID: roster.DefaultOrgID, Action: "test:action", Via: roster.ViaCLI})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`} {
		err := db.Tx(ctx, func(tx *store.Tx) error { return tx.ExecForTest(ctx, q) })
		if err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
	var n int
	db.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountAudit(ctx, roster.DefaultOrgID, "test:action")
		return err
	})
	if n != 1 {
		t.Errorf("audit entries after refused changes: %d", n)
	}
}

// TestUniqueKeysAreCaseInsensitive covers P4 at the database.
func TestUniqueKeysAreCaseInsensitive(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	mk := func(id, username, email string) error {
		return db.Tx(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, &roster.User{ID: id, OrgID: roster.DefaultOrgID, Username: username, Email: email,
				Role: roster.OrgMember, Status: roster.StatusActive})
		})
	}
	if err := mk("u1", "Ada", "Ada@Example.com"); err != nil {
		t.Fatal(err)
	}
	if err := mk("u2", "ada", "other@example.com"); roster.ErrorCode(err) != roster.EConflict {
		t.Errorf("same username in other case: %v", err)
	}
	if err := mk("u3", "grace", "ada@example.COM"); roster.ErrorCode(err) != roster.EConflict {
		t.Errorf("same email in other case: %v", err)
	}
}
