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

// SearchIndexedForTest reports whether ListUsers answers a search for q
// (lower-cased) in the named order from its bounded index paths, and
// whether this database sorts text by code point, where a prefix is one
// index range.
func (tx *Tx) SearchIndexedForTest(ctx context.Context, orgID, q, sort string) (indexed, byteOrder bool, err error) {
	_, indexed, err = tx.searchIndexed(ctx, orgID, q, sort)
	return indexed, tx.byteOrder, err
}

// SetByteOrderForTest makes the database behave as one whose text does
// (or does not) sort by code point, for the user search's prefix range,
// and returns the previous setting.
func (db *DB) SetByteOrderForTest(on bool) bool {
	prev := db.byteOrder
	db.byteOrder = on
	return prev
}

// SetSearchCandidateLimitForTest sets the most trigram index hits a user
// search sorts, so that tests reach both search paths with a few hundred
// users, and returns the previous limit. Tests that call it must not run
// in parallel.
func SetSearchCandidateLimitForTest(n int) int {
	prev := searchCandidateLimit
	searchCandidateLimit = n
	return prev
}
