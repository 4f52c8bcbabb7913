package store_test

import (
	"context"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// BenchmarkSeatChange is one transaction taking and one freeing a seat in
// one organization, as a create and a removal do: under the
// organization's own limit (one conditional update of its counter), in
// the instance pool under the instance license's (the pool's conditional
// update and the organization's unlimited one), and without a limit.
func BenchmarkSeatChange(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		take func(tx *store.Tx)
		free func(tx *store.Tx)
	}{
		{"own limit", func(tx *store.Tx) { tx.AddSeatHolders(roster.DefaultOrgID, 1, 1<<30, func(int) error { return nil }) },
			func(tx *store.Tx) { tx.AddSeatHolders(roster.DefaultOrgID, -1, 0, nil) }},
		{"instance pool", func(tx *store.Tx) {
			tx.AddSeatHolders(roster.DefaultOrgID, 1, 0, nil)
			tx.AddInstanceSeats(1, 1<<30, func(int) error { return nil })
		}, func(tx *store.Tx) {
			tx.AddSeatHolders(roster.DefaultOrgID, -1, 0, nil)
			tx.AddInstanceSeats(-1, 0, nil)
		}},
		{"no limit", func(tx *store.Tx) { tx.AddSeatHolders(roster.DefaultOrgID, 1, 0, nil) },
			func(tx *store.Tx) { tx.AddSeatHolders(roster.DefaultOrgID, -1, 0, nil) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			db := storetest.MustOpen(b)
			for b.Loop() {
				for _, f := range []func(*store.Tx){bc.take, bc.free} {
					if err := db.Tx(ctx, func(tx *store.Tx) error { f(tx); return nil }); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
