// Package storetest opens a fresh, migrated database for each test: SQLite
// by default, PostgreSQL when ROSTER_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"roster"
	"roster/internal/store"
)

// EnvPostgres names the environment variable with the PostgreSQL server
// URL that tests create their databases on.
const EnvPostgres = "ROSTER_TEST_POSTGRES"

// Engine reports which engine tests run on.
func Engine() store.Engine {
	if os.Getenv(EnvPostgres) != "" {
		return store.Postgres
	}
	return store.SQLite
}

// URL returns the URL of a fresh, migrated, empty database that is dropped
// when the test ends.
func URL(tb testing.TB) string {
	tb.Helper()
	if base := os.Getenv(EnvPostgres); base != "" {
		return postgresURL(tb, base)
	}
	u := "sqlite:" + filepath.Join(tempDir(tb), "roster.db")
	db, err := store.Open(context.Background(), u, store.Options{})
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate sqlite: %v", err)
	}
	return u
}

// MustOpen opens a fresh, migrated database closed when the test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return MustOpenURL(tb, URL(tb))
}

// MustOpenURL opens the database at u, closed when the test ends.
func MustOpenURL(tb testing.TB, u string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), u, store.Options{})
	if err != nil {
		tb.Fatalf("open %s: %v", store.RedactURL(u), err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// postgresURL clones a migrated template database, which is much faster
// than migrating every test's database.
func postgresURL(tb testing.TB, base string) string {
	tb.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open postgres %s: %v", store.RedactURL(base), err)
	}
	defer admin.Close()
	templateOnce.Do(func() { templateName, templateErr = makeTemplate(admin, base) })
	if templateErr != nil {
		tb.Fatalf("postgres template: %v", templateErr)
	}
	name := strings.ReplaceAll(roster.NewID("rt"), "_", "")
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+templateName); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	return withDatabase(tb, base, name)
}

func makeTemplate(admin *sql.DB, base string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := strings.ReplaceAll(roster.NewID("rtpl"), "_", "")
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("create template database: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	db, err := store.Open(ctx, u.String(), store.Options{MaxConns: 1})
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	return name, nil
}

func withDatabase(tb testing.TB, base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	return u.String()
}

// tempDir is a fresh folder for a test's SQLite files, removed when the
// test ends (after the database closes, as cleanups run last first). It
// is removed again a few times if the first try meets a file still being
// written: SQLite may remove or checkpoint its -wal and -shm files while
// RemoveAll walks the folder, which made t.TempDir's cleanup fail a test
// that had passed ("directory not empty").
func tempDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "roster-storetest-")
	if err != nil {
		tb.Fatalf("temporary folder: %v", err)
	}
	tb.Cleanup(func() {
		for try := 0; ; try++ {
			err := os.RemoveAll(dir)
			if err == nil {
				return
			}
			if try == 20 {
				tb.Logf("could not remove %s: %v", dir, err)
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	return dir
}
