package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds a statement cache; queries past it are prepared
// each time, as before.
const maxCachedStmts = 512

// stmtCache keeps SQLite statements prepared, per pool: parsing SQL costs
// more than running most of Roster's queries. PostgreSQL needs none, as
// pgx caches prepared statements per connection itself.
type stmtCache struct {
	mu       sync.Mutex
	pool     *sql.DB
	stmts    map[string]*sql.Stmt
	inflight map[string]bool
	closed   bool
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}, inflight: map[string]bool{}}
}

// get returns q prepared on the pool, or nil on a miss. A miss prepares q
// in the background for next time: preparing needs a connection of the
// pool, and waiting for one while the caller's transaction holds one could
// deadlock (the writer pool has a single connection).
func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[q]; ok {
		return s
	}
	if !c.closed && !c.inflight[q] && len(c.stmts)+len(c.inflight) < maxCachedStmts {
		c.inflight[q] = true
		go c.prepare(q)
	}
	return nil
}

func (c *stmtCache) prepare(q string) {
	s, err := c.pool.Prepare(q)
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.inflight, q)
	if err != nil {
		return
	}
	if c.closed {
		s.Close()
		return
	}
	c.stmts[q] = s
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for q, s := range c.stmts {
		s.Close()
		delete(c.stmts, q)
	}
}

// prepared returns q as a statement of this transaction when cached.
func (tx *Tx) prepared(ctx context.Context, q string) *sql.Stmt {
	if tx.stmts == nil {
		return nil
	}
	if s := tx.stmts.get(q); s != nil {
		if tx.tx == nil {
			return s // DB.ReadNow: the pool's own statement
		}
		return tx.tx.StmtContext(ctx, s)
	}
	return nil
}
