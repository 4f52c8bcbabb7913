package api_test

import (
	"database/sql"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"roster/internal/apitest"
	"roster/internal/store"
)

// #19: on PostgreSQL no request waits on a lock without bound: while
// another session holds a team's row, a change to that team answers 503
// with Retry-After once lock_timeout (5 s) runs out, instead of hanging,
// and other teams are not held up.
func TestLockWaitsAreBounded(t *testing.T) {
	e := apitest.New(t)
	if e.DB.Engine() != store.Postgres {
		t.Skip("PostgreSQL only: SQLite has one writer and no row locks")
	}
	admin := e.MustSignup("root")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "held", "storage": map[string]string{"type": "default"}}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "free", "storage": map[string]string{"type": "default"}}, admin.Key)

	other, err := sql.Open("pgx", e.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), `SELECT id FROM teams WHERE name = 'held' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	e.Must(200, "PATCH", "/api/v1/teams/free", map[string]string{"display_name": "Free"}, admin.Key)
	start := time.Now()
	r := e.Do("PATCH", "/api/v1/teams/held", map[string]string{"display_name": "Held"}, admin.Key)
	if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("PATCH of a locked team: status %d, Retry-After %q: %s", r.StatusCode, r.Header.Get("Retry-After"), r.Body)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the refusal took %v", d)
	}
	tx.Rollback()
	e.Must(200, "PATCH", "/api/v1/teams/held", map[string]string{"display_name": "Held"}, admin.Key)
}
