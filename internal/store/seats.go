package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
)

// seatChange is what a transaction does to one organization's seat count.
type seatChange struct {
	delta  int                  // users added to (positive) or taken from the seat holders
	limit  int                  // the most the count may reach after an addition; 0 for none
	refuse func(used int) error // the refusal when the limit would be passed
}

// AddSeatHolders records that the transaction changes how many users of org
// hold a seat (O13) by delta. The counter row is written once, after the
// rest of the transaction and just before commit (flushSeats), so its row
// lock is held only until commit: concurrent transactions serialize on it
// for a few microseconds instead of for their whole work. When the
// transaction's net change adds seat holders and limit is positive, the
// write is conditional on the count staying within limit; otherwise the
// transaction fails with refuse(used), used being the count before it.
func (tx *Tx) AddSeatHolders(org string, delta, limit int, refuse func(used int) error) {
	if tx.seats == nil {
		tx.seats = map[string]*seatChange{}
	}
	c := tx.seats[org]
	if c == nil {
		c = &seatChange{}
		tx.seats[org] = c
	}
	c.delta += delta
	if delta > 0 && limit > 0 {
		c.limit, c.refuse = limit, refuse
	}
}

// flushWrites writes what the transaction deferred to its end: its audit
// entries, then its seat changes. On PostgreSQL, where every statement is
// a round trip, the usual case (a few audit entries and one
// organization's seat change, as in every create) is one statement: the
// entries are inserted by a common table expression of the seat update.
func (tx *Tx) flushWrites(ctx context.Context) error {
	if tx.engine == Postgres && len(tx.audits) > 0 && tx.oneSeatChange() {
		if err := tx.flushAudit(ctx, min(len(tx.audits), auditRowsPerInsert)); err != nil {
			return err
		}
		q, args := auditInsert(tx.audits)
		tx.audits = nil
		return tx.flushSeats(ctx, "WITH audit AS ("+q+") ", args)
	}
	if err := tx.flushAudit(ctx, 0); err != nil {
		return err
	}
	return tx.flushSeats(ctx, "", nil)
}

// oneSeatChange reports whether the transaction changes exactly one
// organization's seat count, by a non-zero amount.
func (tx *Tx) oneSeatChange() bool {
	if len(tx.seats) != 1 {
		return false
	}
	for _, c := range tx.seats {
		return c.delta != 0
	}
	return false
}

// flushSeats writes the seat changes recorded by AddSeatHolders, one
// statement per organization, in a fixed order so that two transactions
// changing several never wait on each other in a circle. with (and its
// args) is put in front of the first statement: a WITH clause that writes
// something else in the same round trip.
func (tx *Tx) flushSeats(ctx context.Context, with string, args []any) error {
	if len(tx.seats) == 0 {
		return nil
	}
	orgs := make([]string, 0, len(tx.seats))
	for org := range tx.seats {
		orgs = append(orgs, org)
	}
	sort.Strings(orgs)
	for _, org := range orgs {
		if err := tx.writeSeats(ctx, org, tx.seats[org], with, args); err != nil {
			return err
		}
		with, args = "", nil
	}
	tx.seats = nil
	return nil
}

// seatShards is how many rows an organization's seat count is spread over
// (migration 0014).
const seatShards = 16

// writeSeats applies one organization's net change. Without a limit to
// check, it goes to a random shard: concurrent transactions then rarely
// wait on one another's commit. An addition under a limit goes to shard 0,
// and only if shard 0's own count, as it is once any concurrent writer of
// it has committed (PostgreSQL re-reads a waited-for row), plus the other
// shards stays within the limit. The other shards only ever move down
// while a limit holds, so reading them as of the statement's start can
// only refuse early, never admit one too many.
func (tx *Tx) writeSeats(ctx context.Context, org string, c *seatChange, with string, args []any) error {
	switch {
	case c.delta == 0:
		return nil // flushWrites puts no WITH in front of a zero change
	case c.delta <= 0 || c.limit <= 0:
		_, err := tx.exec(ctx, with+`UPDATE seat_counts SET used = used + ? WHERE org_id = ? AND shard = ?`,
			append(args, c.delta, org, rand.IntN(seatShards))...)
		if err != nil {
			return fmt.Errorf("count seats of %s: %w", org, err)
		}
		return nil
	}
	res, err := tx.exec(ctx, with+`UPDATE seat_counts SET used = used + ? WHERE org_id = ? AND shard = 0
		AND used + ? + (SELECT COALESCE(SUM(o.used), 0) FROM seat_counts o WHERE o.org_id = ? AND o.shard <> 0) <= ?`,
		append(args, c.delta, org, c.delta, org, c.limit)...)
	if err != nil {
		return fmt.Errorf("take seat in %s: %w", org, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	used, err := tx.SeatCount(ctx, org)
	if err != nil {
		return err
	}
	return c.refuse(used)
}

// SeatCount reads the organization's seat counter: the users holding a
// seat, as of the last commit that changed it.
func (tx *Tx) SeatCount(ctx context.Context, org string) (int, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(used), 0) FROM seat_counts WHERE org_id = ?`, org).Scan(&n); err != nil {
		return 0, fmt.Errorf("seat count of %s: %w", org, mapError(err))
	}
	return n, nil
}
