package store

import (
	"context"
	"fmt"
	"strings"
)

// ExecForTest runs a raw statement; tests use it to set up states that no
// use case produces (a newer schema, a tampered row).
func (tx *Tx) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := tx.exec(ctx, q, args...)
	return err
}

// DumpForTest returns every row of table as text, one line a row; tests
// search it for secrets that must never be stored.
func (tx *Tx) DumpForTest(ctx context.Context, table string) (string, error) {
	rows, err := tx.query(ctx, `SELECT * FROM `+table)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		for i, v := range vals {
			if s, ok := v.([]byte); ok {
				v = string(s)
			}
			fmt.Fprintf(&b, "%s=%v ", cols[i], v)
		}
		b.WriteString("\n")
	}
	return b.String(), rows.Err()
}
