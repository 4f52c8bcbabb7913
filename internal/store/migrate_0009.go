package store

import (
	"context"
	"fmt"

	"roster"
)

// goSteps are the Go halves of migrations whose backfill needs a domain
// function; each runs in its migration's transaction, after its SQL.
var goSteps = map[int]func(context.Context, *Tx) error{
	9:  backfillCanonicalEmails,
	11: widenProjectVisibility,
}

// backfillCanonicalEmails recomputes every stored email key with
// roster.CanonicalEmail (migration 0009). A key that another row already
// holds (two addresses that only now compare equal, such as a Unicode
// domain and its A-label) is left as it was on the newer row, so the
// migration never fails; lookups by that address then find the older user.
func backfillCanonicalEmails(ctx context.Context, tx *Tx) error {
	if err := rekey(ctx, tx, "users", "id", "email", "email_key", `email_key IS NOT NULL`,
		`ORDER BY created_at, id`); err != nil {
		return err
	}
	if err := rekey(ctx, tx, "scim_users", "user_id", "user_name", "user_name_key", `1 = 1`,
		`ORDER BY created_at, user_id`); err != nil {
		return err
	}
	return rekeySCIMEmails(ctx, tx)
}

// rekey sets keyCol to the canonical form of valueCol on each row where
// that key is still free (unique per table, and per organization for
// scim_users, whose keys never collide across tables).
func rekey(ctx context.Context, tx *Tx, table, idCol, valueCol, keyCol, where, order string) error {
	type row struct{ id, value, key string }
	rows, err := tx.query(ctx, fmt.Sprintf(`SELECT %s, %s, %s FROM %s WHERE %s %s`, idCol, valueCol, keyCol, table, where, order))
	if err != nil {
		return fmt.Errorf("read %s keys: %w", table, err)
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.value, &r.key); err != nil {
			rows.Close()
			return fmt.Errorf("read %s keys: %w", table, mapError(err))
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s keys: %w", table, mapError(err))
	}
	scope := ""
	if table == "scim_users" {
		scope = " AND org_id = (SELECT org_id FROM scim_users WHERE " + idCol + " = ?)"
	}
	for _, r := range all {
		key := roster.CanonicalEmail(r.value)
		if key == r.key {
			continue
		}
		args := []any{key, r.id}
		if scope != "" {
			args = append(args, r.id)
		}
		var n int
		q := fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE %s = ? AND %s <> ?%s`, table, keyCol, idCol, scope)
		if err := tx.queryRow(ctx, q, args...).Scan(&n); err != nil {
			return fmt.Errorf("check %s key: %w", table, mapError(err))
		}
		if n > 0 {
			continue // an older row holds it; see backfillCanonicalEmails
		}
		if _, err := tx.exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = ? WHERE %s = ?`, table, keyCol, idCol), key, r.id); err != nil {
			return fmt.Errorf("rekey %s %s: %w", table, r.id, err)
		}
	}
	return nil
}

// rekeySCIMEmails rebuilds scim_user_emails keys; a user's two addresses
// that now share a key keep one row.
func rekeySCIMEmails(ctx context.Context, tx *Tx) error {
	type row struct{ user, org, key string }
	rows, err := tx.query(ctx, `SELECT user_id, org_id, email_key FROM scim_user_emails ORDER BY user_id, email_key`)
	if err != nil {
		return fmt.Errorf("read scim email keys: %w", err)
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.user, &r.org, &r.key); err != nil {
			rows.Close()
			return fmt.Errorf("read scim email keys: %w", mapError(err))
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read scim email keys: %w", mapError(err))
	}
	for _, r := range all {
		key := roster.CanonicalEmail(r.key)
		if key == r.key {
			continue
		}
		if _, err := tx.exec(ctx, `DELETE FROM scim_user_emails WHERE user_id = ? AND email_key = ?`, r.user, r.key); err != nil {
			return fmt.Errorf("rekey scim email of %s: %w", r.user, err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO scim_user_emails (user_id, org_id, email_key) VALUES (?, ?, ?)
			ON CONFLICT (user_id, email_key) DO NOTHING`, r.user, r.org, key); err != nil {
			return fmt.Errorf("rekey scim email of %s: %w", r.user, err)
		}
	}
	return nil
}

// RunMigrationStepForTest runs the Go half of a migration again, for tests
// of its backfill.
func (tx *Tx) RunMigrationStepForTest(ctx context.Context, version int) error {
	return goSteps[version](ctx, tx)
}
