package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

func TestClaimMailLeasesEachMailToOneWorker(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixMicro())
	db, err := store.Open(t.Context(), storetest.URL(t), store.Options{Now: func() time.Time { return time.UnixMicro(now.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	const n = 30
	err = db.Tx(ctx, func(tx *store.Tx) error {
		for i := range n {
			m := &roster.OutboxMail{ID: fmt.Sprintf("mail_%02d", i), OrgID: roster.DefaultOrgID, Kind: "test",
				To: "x@example.com", Subject: "s", Text: "t", HTML: "h"}
			if err := tx.EnqueueMail(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	claim := func(owner string) []*roster.OutboxMail {
		var ms []*roster.OutboxMail
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			var err error
			ms, err = tx.ClaimMail(ctx, owner, time.Minute, 10)
			return err
		}); err != nil {
			t.Error(err)
		}
		return ms
	}
	var mu sync.Mutex
	owners := map[string]string{}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			owner := fmt.Sprintf("w%d", w)
			for _, m := range claim(owner) {
				mu.Lock()
				if prev, dup := owners[m.ID]; dup {
					t.Errorf("%s claimed by %s and %s", m.ID, prev, owner)
				}
				owners[m.ID] = owner
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(owners) != n {
		t.Fatalf("%d of %d mails claimed", len(owners), n)
	}
	if got := claim("late"); len(got) != 0 {
		t.Fatalf("leased mail claimed again: %d", len(got))
	}
	// Only the lease holder settles a mail.
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if ok, err := tx.MarkMailSent(ctx, "mail_00", "intruder", "250 ok"); ok || err != nil {
			return fmt.Errorf("intruder marked mail sent: %v, %v", ok, err)
		}
		if ok, err := tx.MarkMailSent(ctx, "mail_00", owners["mail_00"], "250 ok"); !ok || err != nil {
			return fmt.Errorf("owner could not mark mail sent: %v, %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A worker that died leaves its leases to run out; then others claim.
	now.Add((2 * time.Minute).Microseconds())
	got := claim("w-after")
	got = append(got, claim("w-after")...)
	got = append(got, claim("w-after")...)
	if len(got) != n-1 {
		t.Fatalf("%d mails reclaimed after the lease ran out, want %d", len(got), n-1)
	}
	for _, m := range got {
		if m.ID == "mail_00" {
			t.Fatal("a sent mail was claimed again")
		}
	}
}
