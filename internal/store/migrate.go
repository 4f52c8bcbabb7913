package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"roster"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one numbered, embedded schema change.
type migration struct {
	version int
	name    string
	sql     string
}

func (db *DB) migrations() ([]migration, error) {
	dir := "migrations/" + string(db.engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFS, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// LatestVersion is the newest schema version this binary knows.
func (db *DB) LatestVersion() (int, error) {
	ms, err := db.migrations()
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	return ms[len(ms)-1].version, nil
}

// SchemaVersion reads the version the database is at (0 when empty).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.Read(ctx, func(tx *Tx) error {
		var exists bool
		if err := tx.queryRow(ctx, tableExistsSQL(db.engine), "schema_migrations").Scan(&exists); err != nil {
			return fmt.Errorf("look for schema_migrations: %w", err)
		}
		if !exists {
			return nil
		}
		return tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	})
	return v, err
}

func tableExistsSQL(e Engine) string {
	if e == Postgres {
		return `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?)`
	}
	return `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)`
}

// ErrSchemaTooNew reports a database migrated by a newer Roster (D2).
var ErrSchemaTooNew = roster.Errorf(roster.EConflict, "the database schema is newer than this roster binary; upgrade roster")

// Migrate applies every pending migration, each in its own transaction, and
// refuses a database newer than this binary. It returns how many it applied.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	ms, err := db.migrations()
	if err != nil {
		return 0, err
	}
	applied := 0
	err = db.Tx(ctx, func(tx *Tx) error {
		if db.engine == Postgres {
			// Several servers may start at once; one migrates at a time.
			// A migration may rewrite a large table, and servers starting
			// together wait for the one migrating: no time bounds here.
			if _, err := tx.exec(ctx, `SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0`); err != nil {
				return fmt.Errorf("lift statement timeouts: %w", err)
			}
			if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(7243811)`); err != nil {
				return fmt.Errorf("take migration lock: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var current int
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if len(ms) > 0 && current > ms[len(ms)-1].version {
			return fmt.Errorf("database is at version %d, this binary knows %d: %w", current, ms[len(ms)-1].version, ErrSchemaTooNew)
		}
		for _, m := range ms {
			if m.version <= current {
				continue
			}
			if _, err := tx.tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply migration %s: %w", m.name, err)
			}
			if step := goSteps[m.version]; step != nil {
				if err := step(ctx, tx); err != nil {
					return fmt.Errorf("apply migration %s: %w", m.name, err)
				}
			}
			if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.version, m.name, tx.now.UnixMicro()); err != nil {
				return fmt.Errorf("record migration %s: %w", m.name, err)
			}
			applied++
		}
		return nil
	})
	return applied, err
}

// CheckVersion reports whether the database is exactly at this binary's
// version: an error when it is behind (migrate first) or ahead (D2).
func (db *DB) CheckVersion(ctx context.Context) error {
	have, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	want, err := db.LatestVersion()
	if err != nil {
		return err
	}
	switch {
	case have > want:
		return fmt.Errorf("database is at version %d, this binary knows %d: %w", have, want, ErrSchemaTooNew)
	case have < want:
		return fmt.Errorf("database is at version %d, want %d: run roster migrate", have, want)
	}
	return nil
}
