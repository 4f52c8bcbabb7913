package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// pgCeiling measures PostgreSQL's own single-row commit rate on cfg.db: an
// INSERT of one small row per transaction (autocommit), first on one
// connection and then on -c at once, into a scratch table it drops after.
// Roster's write throughput is judged against these figures (issue #12).
func pgCeiling(ctx context.Context, cfg config, out io.Writer) error {
	db, err := sql.Open("pgx", cfg.db)
	if err != nil {
		return fmt.Errorf("open %s: %w", "database", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(cfg.concurrency)
	db.SetMaxIdleConns(cfg.concurrency)
	const table = "roster_load_ceiling"
	if _, err := db.ExecContext(ctx, `DROP TABLE IF EXISTS `+table+`; CREATE TABLE `+table+` (id BIGINT PRIMARY KEY, note TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create scratch table: %w", err)
	}
	defer db.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+table)
	var id atomic.Int64
	insert := func(int) error {
		_, err := db.ExecContext(ctx, `INSERT INTO `+table+` (id, note) VALUES ($1, 'one row per commit')`, id.Add(1))
		return err
	}
	fmt.Fprintf(out, "pg-ceiling: %d single-row commits at c=1 and at c=%d\n", cfg.commits, cfg.concurrency)
	for _, c := range []int{1, cfg.concurrency} {
		st := parallel(cfg.commits, c, ctx.Done(), insert)
		st.print(out, fmt.Sprintf("pg commit c=%d", c))
		if st.errors > 0 {
			return fmt.Errorf("pg-ceiling: %s", st.firstErr)
		}
	}
	return ctx.Err()
}
