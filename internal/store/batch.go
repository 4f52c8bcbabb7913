package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// maxBatch bounds how many write transactions share one commit.
const maxBatch = 64

// batcher commits concurrent SQLite write transactions together (group
// commit). SQLite has one writer and every commit waits for fsync, so
// committing one transaction at a time caps writes at the disk's fsync
// rate. Here each transaction runs in its own savepoint of one shared
// transaction, so one that fails or panics undoes only its own work, and
// every caller is answered only after the shared commit is durable
// (synchronous=FULL, D3). A lone transaction is committed at once.
type batcher struct {
	db   *DB
	reqs chan *batchReq
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

// batchReq is one caller's transaction waiting for its batch.
type batchReq struct {
	ctx      context.Context
	fn       func(*Tx) error
	err      error
	panicked any
	done     chan struct{}
}

var errClosed = errors.New("database is closed")

func newBatcher(db *DB) *batcher {
	b := &batcher{db: db, reqs: make(chan *batchReq), quit: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

// run queues fn and waits until its batch is committed or failed.
func (b *batcher) run(ctx context.Context, fn func(*Tx) error) error {
	r := &batchReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case b.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.quit:
		return errClosed
	}
	<-r.done
	if r.panicked != nil {
		panic(r.panicked)
	}
	return r.err
}

func (b *batcher) stop() {
	b.once.Do(func() { close(b.quit) })
	<-b.done
}

func (b *batcher) loop() {
	defer close(b.done)
	for {
		var batch []*batchReq
		select {
		case r := <-b.reqs:
			batch = append(batch, r)
		case <-b.quit:
			return
		}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break more
			}
		}
		b.commit(batch)
		for _, r := range batch {
			close(r.done)
		}
	}
}

// commit runs a batch in one transaction. When the shared transaction
// itself fails, every member that had succeeded gets that error.
func (b *batcher) commit(batch []*batchReq) {
	ctx := context.Background()
	failAll := func(err error) {
		for _, r := range batch {
			if r.err == nil && r.panicked == nil {
				r.err = err
			}
		}
	}
	stx, err := b.db.write.BeginTx(ctx, nil)
	if err != nil {
		failAll(fmt.Errorf("begin transaction: %w", err))
		return
	}
	for _, r := range batch {
		if r.err = r.ctx.Err(); r.err != nil {
			continue
		}
		if err := b.member(ctx, stx, r); err != nil {
			stx.Rollback()
			failAll(fmt.Errorf("shared transaction: %w", mapError(err)))
			return
		}
	}
	if err := stx.Commit(); err != nil {
		failAll(fmt.Errorf("commit: %w", mapError(err)))
	}
}

// member runs one request in a savepoint; it returns an error only when
// the shared transaction can no longer be used.
func (b *batcher) member(ctx context.Context, stx *sql.Tx, r *batchReq) error {
	if _, err := stx.ExecContext(ctx, `SAVEPOINT member`); err != nil {
		return err
	}
	tx := &Tx{tx: stx, engine: b.db.engine, now: b.db.now().UTC().Truncate(time.Microsecond), byteOrder: b.db.byteOrder,
		stmts: b.db.stmts[b.db.write], batched: true}
	func() {
		defer func() { r.panicked = recover() }()
		r.err = r.fn(tx)
	}()
	if r.err != nil || r.panicked != nil {
		if _, err := stx.ExecContext(ctx, `ROLLBACK TO member`); err != nil {
			return err
		}
	}
	_, err := stx.ExecContext(ctx, `RELEASE member`)
	return err
}
