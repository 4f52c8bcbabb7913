package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"roster"
)

// Tx is one database transaction with the clock fixed at its start.
type Tx struct {
	tx        *sql.Tx // nil in DB.ReadNow, whose statements run on pool
	pool      *sql.DB
	engine    Engine
	now       time.Time
	stmts     *stmtCache             // SQLite's prepared statements for this pool; nil on PostgreSQL
	batched   bool                   // shares its transaction with others (group commit)
	locked    map[string]bool        // rows this transaction already locked (PostgreSQL)
	seats     map[string]*seatChange // seat-count changes written just before commit
	instSeats *seatChange            // the instance pool's change, written just before commit
	audits    []*roster.AuditEntry   // audit entries written just before commit
	// byteOrder is DB.byteOrder: a text prefix is one index range.
	byteOrder bool
}

// once reports whether key is locked for the first time in tx, so that a
// transaction that locks a row again (a SCIM request changing thousands of
// one team's memberships) spends no round trip on it.
func (tx *Tx) once(key string) bool {
	if tx.locked[key] {
		return false
	}
	if tx.locked == nil {
		tx.locked = map[string]bool{}
	}
	tx.locked[key] = true
	return true
}

// Now is the transaction's fixed clock, in UTC truncated to microseconds.
func (tx *Tx) Now() time.Time { return tx.now }

// Tx runs fn in a read-write transaction and commits when fn returns nil,
// writing what it deferred last (flushWrites). It runs fn again:
//   - after a PostgreSQL serialization failure or deadlock, up to five
//     times, waiting a little longer each time;
//   - after ErrUserChanged (a user changed since read, or a run that found
//     it needs the organization lock first), up to five times, at once:
//     the other writer has committed;
//   - after a unique violation, up to maxUniqueRetries times: with no
//     organization lock around a create, racing transactions may all find
//     a name free and all but one meet the unique index at insert; run
//     again, each sees the winners' rows and refuses, or picks the next
//     free name, exactly as it would have had it run after them.
func (db *DB) Tx(ctx context.Context, fn func(*Tx) error) error {
	run := func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.flushWrites(ctx)
	}
	retries, uniqueRetries := 0, 0
	for {
		err := db.runTx(ctx, db.write, false, run)
		switch {
		case err == nil:
			return nil
		case retries < 5 && errors.Is(err, ErrUserChanged):
			retries++
		case retries < 5 && isRetryable(err):
			retries++
			time.Sleep(time.Duration(retries) * 5 * time.Millisecond)
		case uniqueRetries < maxUniqueRetries && isUniqueViolation(err):
			uniqueRetries++
		default:
			return err
		}
	}
}

// maxUniqueRetries bounds the runs again after unique violations: enough
// for 16 creates racing for one username.
const maxUniqueRetries = 16

// Read runs fn in a read-only transaction on the reader pool.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	return db.runTx(ctx, db.read, true, fn)
}

// ReadNow runs fn's statements on the reader pool outside a transaction,
// each seeing the database as of its own start: for reads of one
// statement on hot paths (an API key or session looked up on every
// request), where BEGIN and COMMIT would be two of three round trips.
// fn must only read.
func (db *DB) ReadNow(ctx context.Context, fn func(*Tx) error) error {
	tx := &Tx{pool: db.read, engine: db.engine, now: db.now().UTC().Truncate(time.Microsecond),
		stmts: db.stmts[db.read], byteOrder: db.byteOrder}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.unwritten()
}

// unwritten refuses to end a transaction that recorded audit entries or
// seat changes it did not write: only DB.Tx writes them, before commit, so
// a read that recorded one is a bug that would otherwise lose it.
func (tx *Tx) unwritten() error {
	if len(tx.audits) > 0 || len(tx.seats) > 0 || tx.instSeats != nil {
		return fmt.Errorf("store: %d audit entries and %d seat changes recorded outside a write transaction", len(tx.audits), len(tx.seats)+btoi(tx.instSeats != nil))
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (db *DB) runTx(ctx context.Context, pool *sql.DB, readOnly bool, fn func(*Tx) error) (err error) {
	if !readOnly && db.batch != nil {
		return db.batch.run(ctx, fn)
	}
	opts := &sql.TxOptions{}
	if readOnly && db.engine == Postgres {
		opts.ReadOnly = true
	}
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{tx: stx, engine: db.engine, now: db.now().UTC().Truncate(time.Microsecond), stmts: db.stmts[pool],
		byteOrder: db.byteOrder}
	defer func() {
		if p := recover(); p != nil {
			stx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		stx.Rollback()
		return err
	}
	if err := tx.unwritten(); err != nil {
		stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapError(err))
	}
	return nil
}

// rebind turns ? placeholders into $n for PostgreSQL. Queries in this
// package never hold a literal question mark.
func (tx *Tx) rebind(q string) string {
	if tx.engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	if len(q) > maxRebindCached {
		return rebindPlaceholders(q)
	}
	if r, ok := rebound.Load(q); ok {
		return r.(string)
	}
	r := rebindPlaceholders(q)
	rebound.Store(q, r)
	return r
}

// rebound caches rebind's answers: the package's queries are few, and
// rebinding one anew on every statement showed in profiles. Longer
// queries (multi-row inserts of many rows) are rebound each time, which
// bounds the cache.
var rebound sync.Map

// maxRebindCached is the longest query rebind caches.
const maxRebindCached = 4096

// rebindPlaceholders numbers q's ? placeholders as $1, $2, ...
func rebindPlaceholders(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// stmtCtx is the context statements run under: a transaction shared by a
// batch must not be interrupted by one caller's cancellation, which would
// roll back the whole batch's work in SQLite.
func (tx *Tx) stmtCtx(ctx context.Context) context.Context {
	if tx.batched {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	if tx.tx == nil {
		return nil, errors.New("store: a write outside a transaction (DB.ReadNow)")
	}
	ctx = tx.stmtCtx(ctx)
	if s := tx.prepared(ctx, q); s != nil {
		res, err := s.ExecContext(ctx, args...)
		return res, mapError(err)
	}
	res, err := tx.tx.ExecContext(ctx, tx.rebind(q), args...)
	return res, mapError(err)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	ctx = tx.stmtCtx(ctx)
	if s := tx.prepared(ctx, q); s != nil {
		rows, err := s.QueryContext(ctx, args...)
		return rows, mapError(err)
	}
	if tx.tx == nil {
		rows, err := tx.pool.QueryContext(ctx, tx.rebind(q), args...)
		return rows, mapError(err)
	}
	rows, err := tx.tx.QueryContext(ctx, tx.rebind(q), args...)
	return rows, mapError(err)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) row {
	if err := checkText(args); err != nil {
		return row{err: err}
	}
	ctx = tx.stmtCtx(ctx)
	if s := tx.prepared(ctx, q); s != nil {
		return row{row: s.QueryRowContext(ctx, args...)}
	}
	if tx.tx == nil {
		return row{row: tx.pool.QueryRowContext(ctx, tx.rebind(q), args...)}
	}
	return row{row: tx.tx.QueryRowContext(ctx, tx.rebind(q), args...)}
}

// row is a single-row result, or the error that kept the query from running.
type row struct {
	row *sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.row.Scan(dest...)
}

// errBadText refuses text that PostgreSQL cannot store (it fails such
// queries) and SQLite would store as is: refusing it on both engines
// keeps them alike and makes it bad input, not a server error (D4).
var errBadText = roster.ReasonErrorf(roster.EInvalid, roster.ReasonInvalidText, "text must be valid UTF-8 without NUL characters")

// checkText returns errBadText when a text argument is not valid UTF-8 or
// holds a NUL character.
func checkText(args []any) error {
	for _, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case sql.NullString:
			s = v.String
		default:
			continue
		}
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return errBadText
		}
	}
	return nil
}

// Row locks. A write transaction that reads a row to change it (a
// read-modify-write: PATCH of a team, project, run, custom role or SCIM
// resource) first locks that row and then reads it fresh, so that two
// concurrent edits of different fields both survive and an If-Match is
// compared against the state the write replaces (C5). On PostgreSQL the
// lock is SELECT ... FOR NO KEY UPDATE: it conflicts with other writers of
// the row but not with the key-share locks that inserts referencing the
// row take. SQLite needs no lock: its single writer runs one write
// transaction at a time, so the clause is left out there (see forUpdate).
//
// Lock order, to keep transactions from waiting on each other in a
// circle: the organization row (LockOrg) first, then a team row
// (LockTeam, TeamForUpdate), then rows inside a team (a project before
// its runs, memberships), and custom roles only after the organization
// lock when a transaction takes it. A transaction never goes back to take
// the organization lock after a team or row lock, and only one holding the
// organization lock may lock several teams. User rows have no lock of
// their own: a transaction that reads a user to write it back holds the
// organization lock instead (LockOrg). The seat counter row is written
// last of all, by Tx itself just before commit (AddSeatHolders). PostgreSQL
// deadlocks are still retried by Tx, as a last resort only.

// forUpdate is the row-lock clause of a read-modify-write's SELECT on
// alias (a table name or alias in its FROM): FOR NO KEY UPDATE on
// PostgreSQL and nothing on SQLite, which serializes writers itself.
func (tx *Tx) forUpdate(alias string) string {
	if tx.engine != Postgres {
		return ""
	}
	return " FOR NO KEY UPDATE OF " + alias
}

// LockOrg serializes transactions that check organization-wide invariants
// that no single statement can (first user, last admin, team names) and
// read-modify-writes of existing users. SQLite's single writer already
// does. Seats take no organization lock (AddSeatHolders), and neither do
// creates of users, whose names unique indexes keep apart. NO KEY UPDATE
// leaves inserts referencing the organization (users, audit entries),
// which take only a key-share lock on its row, free to proceed.
func (tx *Tx) LockOrg(ctx context.Context, orgID string) error {
	if tx.engine != Postgres || !tx.once("org:"+orgID) {
		return nil
	}
	var id string
	err := tx.queryRow(ctx, `SELECT id FROM organizations WHERE id = ? FOR NO KEY UPDATE`, orgID).Scan(&id)
	if err != nil {
		return fmt.Errorf("lock organization %s: %w", orgID, mapError(err))
	}
	return nil
}

// SQLite and PostgreSQL error codes this package maps.
const (
	sqliteConstraintUnique     = 2067
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintForeignKey = 787
	sqliteConstraintCheck      = 275
	pgUniqueViolation          = "23505"
	pgForeignKeyViolation      = "23503"
	pgCheckViolation           = "23514"
	pgSerializationFailure     = "40001"
	pgDeadlockDetected         = "40P01"
	pgQueryCanceled            = "57014" // statement_timeout, or a cancelled request
	pgLockNotAvailable         = "55P03" // lock_timeout
)

// constraintMessages names the unique constraints a person may run into.
var constraintMessages = map[string]string{
	"users_username_key_key": "username is already taken",
	"users_email_key_key":    "a user with this email already exists",
}

// mapError turns constraint violations into domain errors by error code.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return roster.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
			return &roster.Error{Code: roster.EConflict, Reason: roster.ReasonAlreadyExists, Message: "already exists", Err: err}
		case sqliteConstraintForeignKey, sqliteConstraintCheck:
			return &roster.Error{Code: roster.EInvalid, Message: "refers to something that does not exist or is not allowed", Err: err}
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUniqueViolation:
			msg := constraintMessages[pe.ConstraintName]
			if msg == "" {
				msg = "already exists"
			}
			return &roster.Error{Code: roster.EConflict, Reason: roster.ReasonAlreadyExists, Message: msg, Err: err}
		case pgForeignKeyViolation, pgCheckViolation:
			return &roster.Error{Code: roster.EInvalid, Message: "refers to something that does not exist or is not allowed", Err: err}
		case pgLockNotAvailable:
			return &roster.Error{Code: roster.EUnavailable, Reason: roster.ReasonBusy, Message: "the data is being changed by another request; try again", Err: err}
		case pgQueryCanceled:
			if strings.Contains(pe.Message, "statement timeout") {
				return &roster.Error{Code: roster.EUnavailable, Reason: roster.ReasonBusy, Message: "the database took too long to answer; try again", Err: err}
			}
		}
	}
	return err
}

// isUniqueViolation reports a PostgreSQL unique violation, which a
// concurrent insert may cause (see DB.Tx). SQLite's single writer cannot
// race, so its violations are never retried.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == pgUniqueViolation
}

func isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == pgSerializationFailure || pe.Code == pgDeadlockDetected)
}

// micros converts a time to the stored Unix microseconds; zero stays NULL.
func micros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

// fromMicros converts stored Unix microseconds back to a UTC time.
func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}
