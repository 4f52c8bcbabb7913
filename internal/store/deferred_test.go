package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// Audit entries are written just before commit, with the seat change on
// PostgreSQL: all of them, in the order appended (more than one INSERT
// holds), and none when the seat limit refuses the transaction or it
// fails.
func TestDeferredAuditEntries(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	count := func(action string) int {
		t.Helper()
		var n int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.CountAudit(ctx, roster.DefaultOrgID, action)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	entry := func(i int) *roster.AuditEntry {
		return &roster.AuditEntry{OrgID: roster.DefaultOrgID, Action: "test:deferred", ActorUserID: "u_test",
			Via: "rest", Details: fmt.Sprint("entry ", i)}
	}
	const many = 2345 // three INSERTs on SQLite; two and the seat update's WITH on PostgreSQL
	err := db.Tx(ctx, func(tx *store.Tx) error {
		for i := range many {
			if err := tx.AppendAudit(ctx, entry(i)); err != nil {
				return err
			}
		}
		tx.AddSeatHolders(roster.DefaultOrgID, 1, 0, nil)
		return nil
	})
	if err != nil || count("test:deferred") != many {
		t.Fatalf("written: %v, %d entries, want %d", err, count("test:deferred"), many)
	}
	var details []string
	err = db.Read(ctx, func(tx *store.Tx) error {
		return tx.ListAudit(ctx, roster.DefaultOrgID, store.AuditFilter{Action: "test:deferred", To: time.Now().AddDate(100, 0, 0)}, func(e *roster.AuditEntry) error {
			details = append(details, e.Details)
			return nil
		})
	})
	if err != nil || len(details) != many {
		t.Fatalf("list: %v, %d", err, len(details))
	}
	for i, d := range details {
		if d != fmt.Sprint("entry ", i) {
			t.Fatalf("entry %d reads %q: the order appended was lost", i, d)
		}
	}

	full := errors.New("full")
	var used int
	if err := db.Read(ctx, func(tx *store.Tx) error { used, err = tx.SeatCount(ctx, roster.DefaultOrgID); return err }); err != nil {
		t.Fatal(err)
	}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.AppendAudit(ctx, &roster.AuditEntry{OrgID: roster.DefaultOrgID, Action: "test:refused", Via: "rest"}); err != nil {
			return err
		}
		tx.AddSeatHolders(roster.DefaultOrgID, 1, used, func(int) error { return full })
		return nil
	})
	if !errors.Is(err, full) || count("test:refused") != 0 {
		t.Fatalf("seat refusal: %v, %d entries written; want full and none", err, count("test:refused"))
	}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.AppendAudit(ctx, &roster.AuditEntry{OrgID: roster.DefaultOrgID, Action: "test:failed", Via: "rest"}); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if err == nil || count("test:failed") != 0 {
		t.Fatalf("failed transaction: %v, %d entries written", err, count("test:failed"))
	}
	// Bad text in an entry is refused at commit, as bad input.
	err = db.Tx(ctx, func(tx *store.Tx) error {
		return tx.AppendAudit(ctx, &roster.AuditEntry{OrgID: roster.DefaultOrgID, Action: "test:bad", Via: "rest", Details: "nul\x00"})
	})
	if roster.ErrorCode(err) != roster.EInvalid {
		t.Fatalf("bad text: %v, want invalid", err)
	}
}

// An audit entry or seat change recorded where nothing writes it (a read)
// is an error, not lost silently; and ReadNow runs no write.
func TestReadsRefuseWrites(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	for name, read := range map[string]func(context.Context, func(*store.Tx) error) error{"Read": db.Read, "ReadNow": db.ReadNow} {
		err := read(ctx, func(tx *store.Tx) error {
			return tx.AppendAudit(ctx, &roster.AuditEntry{OrgID: roster.DefaultOrgID, Action: "test:lost", Via: "rest"})
		})
		if err == nil || !strings.Contains(err.Error(), "outside a write transaction") {
			t.Errorf("%s with an audit entry: %v", name, err)
		}
	}
	err := db.ReadNow(ctx, func(tx *store.Tx) error {
		return tx.CreateUser(ctx, &roster.User{ID: "u_now", OrgID: roster.DefaultOrgID, Username: "now",
			Email: "now@example.com", Role: roster.OrgMember, Status: roster.StatusActive})
	})
	if err == nil || !strings.Contains(err.Error(), "outside a transaction") {
		t.Errorf("ReadNow ran a write: %v", err)
	}
}
