package store

import (
	"context"
	"fmt"
	"strings"
)

const (
	visibilityCheckOld = `CHECK (visibility IN ('team', 'restricted', 'public'))`
	visibilityCheckNew = `CHECK (visibility IN ('team', 'restricted', 'public', 'open'))`
)

// widenProjectVisibility lets projects.visibility hold 'open' on SQLite
// (migration 0011). Rebuilding the table would cascade into runs, and
// foreign keys cannot be switched off inside the migration's transaction,
// so the CHECK is widened in the stored schema: SQLite documents editing
// sqlite_schema as safe for changes that relax a constraint and leave the
// stored rows as they are. PostgreSQL does this in its SQL.
func widenProjectVisibility(ctx context.Context, tx *Tx) error {
	if tx.engine != SQLite {
		return nil
	}
	var ddl string
	if err := tx.queryRow(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'projects'`).Scan(&ddl); err != nil {
		return fmt.Errorf("read projects schema: %w", mapError(err))
	}
	if strings.Contains(ddl, visibilityCheckNew) {
		return nil
	}
	if !strings.Contains(ddl, visibilityCheckOld) {
		return fmt.Errorf("projects schema has no visibility check to widen")
	}
	var version int
	if err := tx.queryRow(ctx, `PRAGMA schema_version`).Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`PRAGMA writable_schema = ON`, nil},
		{`UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'projects'`,
			[]any{strings.Replace(ddl, visibilityCheckOld, visibilityCheckNew, 1)}},
		{fmt.Sprintf(`PRAGMA schema_version = %d`, version+1), nil},
		{`PRAGMA writable_schema = OFF`, nil},
	}
	for _, st := range steps {
		if _, err := tx.tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("widen projects visibility (%s): %w", strings.Fields(st.q)[0], err)
		}
	}
	return nil
}
