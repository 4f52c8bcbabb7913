package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
)

// AuthFailures returns the failure budgets of keys that still remember a
// failure, as their theoretical arrival times (GCRA), by key.
func (tx *Tx) AuthFailures(ctx context.Context, keys []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(keys)+1)
	for _, k := range keys {
		args = append(args, k)
	}
	args = append(args, tx.now.UnixMicro())
	rows, err := tx.query(ctx, `SELECT key, tat FROM auth_failures WHERE key IN (`+placeholders(len(keys))+`) AND tat > ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("read failure budgets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var tat int64
		if err := rows.Scan(&k, &tat); err != nil {
			return nil, fmt.Errorf("read failure budgets: %w", mapError(err))
		}
		out[k] = time.UnixMicro(tat).UTC()
	}
	return out, mapError(rows.Err())
}

// RecordAuthFailure spends one failure of key's budget, which earns one
// back every per, and returns its new theoretical arrival time. userID,
// when not empty, ties the row to the user it limits. A row whose time
// had passed starts a new run of failures (its lockout mark cleared).
func (tx *Tx) RecordAuthFailure(ctx context.Context, key, userID string, per time.Duration) (time.Time, error) {
	now, step := tx.now.UnixMicro(), per.Microseconds()
	var tat int64
	err := tx.queryRow(ctx, `INSERT INTO auth_failures (key, user_id, tat, locked_at) VALUES (?, ?, ?, 0)
		ON CONFLICT (key) DO UPDATE SET
			tat = CASE WHEN auth_failures.tat > CAST(? AS BIGINT) THEN auth_failures.tat ELSE CAST(? AS BIGINT) END + CAST(? AS BIGINT),
			locked_at = CASE WHEN auth_failures.tat > CAST(? AS BIGINT) THEN auth_failures.locked_at ELSE 0 END
		RETURNING tat`,
		key, sql.NullString{String: userID, Valid: userID != ""}, now+step, now, now, step, now).Scan(&tat)
	if err != nil {
		return time.Time{}, fmt.Errorf("record failure of %s: %w", key, mapError(err))
	}
	return time.UnixMicro(tat).UTC(), nil
}

// MarkAuthLocked marks key as out of budget in its current run of failures
// and reports whether it was not marked yet, so the lockout is new.
func (tx *Tx) MarkAuthLocked(ctx context.Context, key string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE auth_failures SET locked_at = ? WHERE key = ? AND locked_at = 0`, tx.now.UnixMicro(), key)
	if err != nil {
		return false, fmt.Errorf("mark %s locked: %w", key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ClearAuthFailures forgets the failures of keys.
func (tx *Tx) ClearAuthFailures(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	if _, err := tx.exec(ctx, `DELETE FROM auth_failures WHERE key IN (`+placeholders(len(keys))+`)`, args...); err != nil {
		return fmt.Errorf("clear failures: %w", err)
	}
	return nil
}

// ClearUserAuthFailures forgets every failure tied to a user and reports
// how many budgets still remembered one.
func (tx *Tx) ClearUserAuthFailures(ctx context.Context, userID string) (int64, error) {
	var live int64
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM auth_failures WHERE user_id = ? AND tat > ?`, userID, tx.now.UnixMicro()).Scan(&live); err != nil {
		return 0, fmt.Errorf("count failures of user %s: %w", userID, mapError(err))
	}
	if _, err := tx.exec(ctx, `DELETE FROM auth_failures WHERE user_id = ?`, userID); err != nil {
		return 0, fmt.Errorf("clear failures of user %s: %w", userID, err)
	}
	return live, nil
}

// DeleteExpiredAuthFailures removes budgets that remember no failure.
func (tx *Tx) DeleteExpiredAuthFailures(ctx context.Context) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM auth_failures WHERE tat <= ?`, tx.now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("delete expired failures: %w", err)
	}
	return res.RowsAffected()
}

// SaveLoginDevice records a device that signed in as userID, or extends
// it, until expires.
func (tx *Tx) SaveLoginDevice(ctx context.Context, hash []byte, userID string, expires time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO login_devices (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (token_hash) DO UPDATE SET expires_at = excluded.expires_at`,
		hex.EncodeToString(hash), userID, tx.now.UnixMicro(), expires.UnixMicro())
	if err != nil {
		return fmt.Errorf("save login device: %w", err)
	}
	return nil
}

// LoginDeviceUser returns the user an unexpired device token belongs to.
func (tx *Tx) LoginDeviceUser(ctx context.Context, hash []byte) (string, error) {
	var userID string
	err := tx.queryRow(ctx, `SELECT user_id FROM login_devices WHERE token_hash = ? AND expires_at > ?`,
		hex.EncodeToString(hash), tx.now.UnixMicro()).Scan(&userID)
	if err != nil {
		return "", fmt.Errorf("login device: %w", mapError(err))
	}
	return userID, nil
}

// DeleteExpiredLoginDevices removes devices past their expiry.
func (tx *Tx) DeleteExpiredLoginDevices(ctx context.Context) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM login_devices WHERE expires_at <= ?`, tx.now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("delete expired login devices: %w", err)
	}
	return res.RowsAffected()
}
