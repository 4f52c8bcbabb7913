package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
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

// AddInstanceSeats records that the transaction changes the instance
// license's seat pool (migration 0021) by delta: the seats of the
// organizations it governs, taken together. It is written like an
// organization's count (AddSeatHolders), before them: a net addition under
// a positive limit is conditional on the pool staying within limit, and
// fails the transaction with refuse(used) otherwise.
func (tx *Tx) AddInstanceSeats(delta, limit int, refuse func(used int) error) {
	if tx.instSeats == nil {
		tx.instSeats = &seatChange{}
	}
	tx.instSeats.delta += delta
	if delta > 0 && limit > 0 {
		tx.instSeats.limit, tx.instSeats.refuse = limit, refuse
	}
}

// flushWrites writes what the transaction deferred to its end: its audit
// entries, then its seat changes. On PostgreSQL, where every statement is
// a round trip, the usual case (a few audit entries and one
// organization's seat change, as in every create, with or without the
// instance pool's) is one statement: the entries are inserted by a common
// table expression of the seat update.
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
// organization's seat count, by a non-zero amount, and the pool by as
// much or not at all.
func (tx *Tx) oneSeatChange() bool {
	if len(tx.seats) != 1 {
		return false
	}
	for _, c := range tx.seats {
		return c.delta != 0 && (tx.instSeats == nil || tx.instSeats.delta == 0 || tx.instSeats.delta == c.delta)
	}
	return false
}

// flushSeats writes the seat changes recorded by AddInstanceSeats and
// AddSeatHolders: the pool first, then one statement per organization in
// a fixed order, so that two transactions changing several never wait on
// each other in a circle. with (and its args) is put in front of the
// first statement: a WITH clause that writes something else in the same
// round trip. On PostgreSQL a pool change and one organization's change
// are one statement: the organization's update runs only if the pool's,
// a common table expression it reads, updated its row, so the pool's row
// is still locked first.
func (tx *Tx) flushSeats(ctx context.Context, with string, args []any) error {
	pool := tx.instSeats
	tx.instSeats = nil
	if pool != nil && pool.delta == 0 {
		pool = nil
	}
	if len(tx.seats) == 0 && pool == nil {
		return nil
	}
	orgs := make([]string, 0, len(tx.seats))
	for org, c := range tx.seats {
		if c.delta != 0 {
			orgs = append(orgs, org)
		}
	}
	sort.Strings(orgs)
	if pool != nil {
		if tx.engine == Postgres && len(orgs) == 1 && tx.seats[orgs[0]].limit <= 0 {
			err := tx.writePoolAndSeats(ctx, pool, orgs[0], tx.seats[orgs[0]].delta, with, args)
			tx.seats = nil
			return err
		}
		if err := tx.writePool(ctx, pool, with, args); err != nil {
			return err
		}
		with, args = "", nil
	}
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
// (migration 0014), and the instance pool (migration 0021).
const seatShards = 16

// poolUpdate is the statement changing the instance pool by c, and whether
// it is conditional on the limit (then it updates no row when refused).
func poolUpdate(c *seatChange) (string, []any, bool) {
	if c.delta <= 0 || c.limit <= 0 {
		return `UPDATE instance_seats SET used = used + ? WHERE shard = ?`, []any{c.delta, rand.IntN(seatShards)}, false
	}
	return `UPDATE instance_seats SET used = used + ? WHERE shard = 0
		AND used + ? + (SELECT COALESCE(SUM(o.used), 0) FROM instance_seats o WHERE o.shard <> 0) <= ?`,
		[]any{c.delta, c.delta, c.limit}, true
}

// writePool applies the instance pool's net change, as writeSeats does an
// organization's (the same reasoning holds for its shards).
func (tx *Tx) writePool(ctx context.Context, c *seatChange, with string, args []any) error {
	q, qargs, limited := poolUpdate(c)
	res, err := tx.exec(ctx, with+q, append(args, qargs...)...)
	if err != nil {
		return fmt.Errorf("count the instance's seats: %w", err)
	}
	return tx.poolRefusal(ctx, c, limited, res)
}

// writePoolAndSeats applies the pool's change and org's unlimited one
// (delta) in one statement: org's update reads the pool's RETURNING, so it
// updates its row only when the pool's update updated one.
func (tx *Tx) writePoolAndSeats(ctx context.Context, pool *seatChange, org string, delta int, with string, args []any) error {
	q, qargs, limited := poolUpdate(pool)
	if with == "" {
		with = "WITH "
	} else {
		with += ", "
	}
	res, err := tx.exec(ctx, with+"pool AS ("+q+" RETURNING 1) "+
		`UPDATE seat_counts SET used = used + ? WHERE org_id = ? AND shard = ? AND EXISTS (SELECT 1 FROM pool)`,
		append(append(args, qargs...), delta, org, rand.IntN(seatShards))...)
	if err != nil {
		return fmt.Errorf("count seats of %s and the instance's: %w", org, err)
	}
	return tx.poolRefusal(ctx, pool, limited, res)
}

// poolRefusal is refuse(used) when a limited pool update updated no row.
func (tx *Tx) poolRefusal(ctx context.Context, c *seatChange, limited bool, res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil || n == 1 {
		return err
	}
	if !limited {
		return fmt.Errorf("count the instance's seats: %d rows updated, want 1", n)
	}
	used, err := tx.InstanceSeatCount(ctx)
	if err != nil {
		return err
	}
	return c.refuse(used)
}

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

// InstanceSeatCount reads the instance pool: the seats held by the
// organizations the instance license governs, as of the last commit that
// changed it or the last recount.
func (tx *Tx) InstanceSeatCount(ctx context.Context) (int, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COALESCE(SUM(used), 0) FROM instance_seats`).Scan(&n); err != nil {
		return 0, fmt.Errorf("instance seat count: %w", mapError(err))
	}
	return n, nil
}

// RecountInstanceSeats sets the instance pool to the seats of every
// organization that is not deleted and whose name (folded, as name_key)
// is not in own, the organizations with a license of their own, and
// returns it. On PostgreSQL it first locks the pool against every writer
// (EXCLUSIVE: reads go on), so that no transaction that has already
// changed the pool is left out of the sum or counted twice: one that
// wrote the pool before the lock has committed when the sum is read (a
// new snapshot in READ COMMITTED) and is in it; one that had not yet
// written the pool waits for this commit, is not in the sum (its
// organization's change, written in the same transaction, is not
// committed yet) and adds its own delta after it. SQLite has one writer.
func (tx *Tx) RecountInstanceSeats(ctx context.Context, own []string) (int, error) {
	if tx.engine == Postgres {
		if _, err := tx.exec(ctx, `LOCK TABLE instance_seats IN EXCLUSIVE MODE`); err != nil {
			return 0, fmt.Errorf("lock the instance's seats: %w", err)
		}
	}
	q := `SELECT COALESCE(SUM(c.used), 0) FROM seat_counts c JOIN organizations o ON o.id = c.org_id
		WHERE o.status <> 'deleted'`
	args := make([]any, 0, len(own))
	if len(own) > 0 {
		q += ` AND o.name_key NOT IN (?` + strings.Repeat(`, ?`, len(own)-1) + `)`
		for _, k := range own {
			args = append(args, k)
		}
	}
	var n int
	if err := tx.queryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count the instance's seats: %w", mapError(err))
	}
	if _, err := tx.exec(ctx, `UPDATE instance_seats SET used = CASE WHEN shard = 0 THEN ? ELSE 0 END`, n); err != nil {
		return 0, fmt.Errorf("recount the instance's seats: %w", err)
	}
	return n, nil
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
