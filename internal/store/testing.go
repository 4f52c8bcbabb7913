package store

import "context"

// ExecForTest runs a raw statement; tests use it to set up states that no
// use case produces (a newer schema, a tampered row).
func (tx *Tx) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := tx.exec(ctx, q, args...)
	return err
}
