package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// TestConcurrentWritesAreIsolated runs many write transactions at once
// (SQLite commits them in shared batches): every one that succeeds is
// stored, and one that fails or panics leaves nothing behind.
func TestConcurrentWritesAreIsolated(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	errBoom := errors.New("boom")
	var wg sync.WaitGroup
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil && i%7 != 3 {
					t.Errorf("unexpected panic %v", p)
				}
			}()
			err := db.Tx(ctx, func(tx *store.Tx) error {
				u := &roster.User{ID: fmt.Sprintf("u_%d", i), OrgID: roster.DefaultOrgID, Username: fmt.Sprintf("user%d", i),
					Email: fmt.Sprintf("user%d@example.com", i), Role: roster.OrgMember, Status: roster.StatusActive}
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
				switch i % 7 {
				case 2:
					return errBoom
				case 3:
					panic("boom")
				}
				return nil
			})
			if i%7 == 2 && !errors.Is(err, errBoom) || i%7 != 2 && i%7 != 3 && err != nil {
				t.Errorf("tx %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	err := db.Read(ctx, func(tx *store.Tx) error {
		for i := 0; i < 60; i++ {
			_, err := tx.UserByID(ctx, roster.DefaultOrgID, fmt.Sprintf("u_%d", i))
			if failed := i%7 == 2 || i%7 == 3; failed != roster.IsNotFound(err) {
				t.Errorf("user %d: %v", i, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
