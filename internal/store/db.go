// Package store keeps Roster's data in SQLite or PostgreSQL with
// hand-written SQL. It stores; it never decides who may do what.
//
// SQLite writes are group-committed (batch.go): each write transaction
// runs in its own savepoint of a shared transaction and every caller is
// answered only after the shared commit, with synchronous=FULL kept, so
// throughput grows with the batch size rather than the fsync rate; a
// failing member rolls back only its savepoint. SQLite statements stay
// prepared per pool (stmts.go). Every SQL text argument is checked for
// valid UTF-8 and no NUL before it reaches a driver (tx.go): PostgreSQL
// refuses such text and SQLite stores it, and either way it is bad input.
// Organization-wide invariants take a row lock on PostgreSQL (LockOrg,
// LockTeam); SQLite's single writer serializes them already. Edges may use
// this package's plain filter types (UserFilter, AuditFilter, TeamUsage)
// as values; they never open a transaction or call a method.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Engine names a database engine.
type Engine string

// Supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open Roster database: a writer pool and a reader pool (the same
// pool on PostgreSQL).
type DB struct {
	engine Engine
	write  *sql.DB
	read   *sql.DB
	now    func() time.Time
	stmts  map[*sql.DB]*stmtCache // SQLite only
	batch  *batcher               // SQLite only: group commit of write transactions
	// byteOrder says that text sorts by code point, as in SQLite and in
	// PostgreSQL databases of the C collations, so that a prefix is one
	// range of an index (user search).
	byteOrder bool
}

// Options tune Open; the zero value is fine.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// MaxConns bounds the PostgreSQL pool and the SQLite reader pool.
	MaxConns int
}

// Open connects to the database named by url ("sqlite:PATH" or
// "postgres://..."). It does not migrate.
func Open(ctx context.Context, dbURL string, opt Options) (*DB, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 16
	}
	var db *DB
	var err error
	switch {
	case strings.HasPrefix(dbURL, "sqlite:"):
		db, err = openSQLite(strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite:"), "//"), opt)
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		db, err = openPostgres(dbURL, opt)
	default:
		return nil, fmt.Errorf("database URL %q: want sqlite:PATH or postgres://", redactURL(dbURL))
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.engine, err)
	}
	if err := db.probeOrder(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openSQLite(path string, opt Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite database path is empty")
	}
	// busy_timeout comes first so that switching to WAL waits for other
	// processes instead of failing; then WAL, foreign keys and full sync so
	// an acknowledged commit survives a crash (D3).
	base := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite writer: %w", err)
	}
	// One writer connection: SQLite allows one writer at a time, and a
	// single connection turns lock contention into a queue in Go.
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite reader: %w", err)
	}
	read.SetMaxOpenConns(opt.MaxConns)
	read.SetMaxIdleConns(opt.MaxConns)
	db := &DB{engine: SQLite, write: write, read: read, now: opt.Now,
		stmts: map[*sql.DB]*stmtCache{write: newStmtCache(write), read: newStmtCache(read)}}
	db.batch = newBatcher(db)
	return db, nil
}

// pgTimeouts bound how long one statement may run, wait for a lock, or a
// transaction may sit idle, so that no request holds a lock for long
// (#19); a DSN that sets one itself keeps its own value. Migrations lift
// the statement bound for themselves.
var pgTimeouts = map[string]string{
	"statement_timeout":                   "5s",
	"lock_timeout":                        "5s",
	"idle_in_transaction_session_timeout": "60s",
}

func openPostgres(dsn string, opt Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	for k, v := range pgTimeouts {
		if _, set := cfg.RuntimeParams[k]; !set {
			cfg.RuntimeParams[k] = v
		}
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(opt.MaxConns)
	pool.SetMaxIdleConns(opt.MaxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{engine: Postgres, write: pool, read: pool, now: opt.Now}, nil
}

// probeOrder finds whether the database sorts text by code point: always
// on SQLite (BINARY), and on PostgreSQL when the database's collation
// orders capitals before small letters and punctuation by its code.
func (db *DB) probeOrder(ctx context.Context) error {
	if db.engine == SQLite {
		db.byteOrder = true
		return nil
	}
	err := db.read.QueryRowContext(ctx, `SELECT 'B' < 'a' AND 'a-c' < 'ab' AND 'z' < 'é'`).Scan(&db.byteOrder)
	if err != nil {
		return fmt.Errorf("read the database's text order: %w", err)
	}
	return nil
}

// Engine reports which engine this database runs on.
func (db *DB) Engine() Engine { return db.engine }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	return db.read.PingContext(ctx)
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.batch != nil {
		db.batch.stop()
	}
	for _, c := range db.stmts {
		c.close()
	}
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// redactURL hides a password in a database URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// RedactURL hides a password in a database URL for display.
func RedactURL(s string) string { return redactURL(s) }

// Now is the database's clock.
func (db *DB) Now() time.Time { return db.now().UTC() }

// Backup writes a consistent copy of a SQLite database to path, which
// must not exist yet, while the database stays in use.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.engine != SQLite {
		return errors.New("backup copies SQLite databases; use pg_dump for PostgreSQL")
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}
