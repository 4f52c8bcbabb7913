package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"roster"
)

// maxIn bounds the values of one IN (...) list; longer lists are chunked.
const maxIn = 500

// chunks calls fn with successive slices of at most maxIn values.
func chunks(vals []string, fn func(part []any) error) error {
	for start := 0; start < len(vals); start += maxIn {
		part := vals[start:min(start+maxIn, len(vals))]
		args := make([]any, len(part))
		for i, v := range part {
			args[i] = v
		}
		if err := fn(args); err != nil {
			return err
		}
	}
	return nil
}

const profileColumns = `user_id, org_id, user_name, COALESCE(external_id, ''), attributes, created_at, updated_at`

func scanProfile(row interface{ Scan(...any) error }) (*roster.SCIMProfile, error) {
	var p roster.SCIMProfile
	var attrs string
	var created, updated sql.NullInt64
	if err := row.Scan(&p.UserID, &p.OrgID, &p.UserName, &p.ExternalID, &attrs, &created, &updated); err != nil {
		return nil, mapError(err)
	}
	if err := json.Unmarshal([]byte(attrs), &p.Attributes); err != nil {
		return nil, fmt.Errorf("scim profile of %s: decode attributes: %w", p.UserID, err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// SCIMProfiles returns the SCIM profiles of the given users by user id;
// users without one are absent from the map.
func (tx *Tx) SCIMProfiles(ctx context.Context, userIDs []string) (map[string]*roster.SCIMProfile, error) {
	out := make(map[string]*roster.SCIMProfile, len(userIDs))
	err := chunks(userIDs, func(args []any) error {
		rows, err := tx.query(ctx, `SELECT `+profileColumns+` FROM scim_users WHERE user_id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return fmt.Errorf("scim profiles: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanProfile(rows)
			if err != nil {
				return err
			}
			out[p.UserID] = p
		}
		return mapError(rows.Err())
	})
	return out, err
}

// PutSCIMProfile inserts or replaces a user's SCIM profile and the email
// addresses it lists. A zero CreatedAt means the user has no profile yet;
// otherwise p.UpdatedAt is the profile's as read in this transaction, and
// it is replaced only if still so: a profile another transaction changed
// since fails this one with ErrUserChanged (DB.Tx runs it again), as
// UpdateUser does for the user row.
func (tx *Tx) PutSCIMProfile(ctx context.Context, p *roster.SCIMProfile, emails []string) error {
	fresh := p.CreatedAt.IsZero() // no profile yet, so no emails either
	if fresh {
		p.CreatedAt = tx.now
	}
	read := p.UpdatedAt
	if p.UpdatedAt = tx.now; !p.UpdatedAt.After(read) {
		p.UpdatedAt = read.Add(time.Microsecond)
	}
	var ext sql.NullString
	if p.ExternalID != "" {
		ext = sql.NullString{String: p.ExternalID, Valid: true}
	}
	if p.Attributes == nil {
		p.Attributes = map[string]any{}
	}
	res, err := tx.exec(ctx, `INSERT INTO scim_users (user_id, org_id, user_name, user_name_key, external_id, attributes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET user_name = excluded.user_name,
		user_name_key = excluded.user_name_key, external_id = excluded.external_id, attributes = excluded.attributes,
		updated_at = excluded.updated_at WHERE scim_users.updated_at = ?`,
		p.UserID, p.OrgID, p.UserName, roster.CanonicalEmail(p.UserName), ext, mustJSON(p.Attributes), micros(p.CreatedAt), micros(p.UpdatedAt),
		micros(read))
	if err != nil {
		return fmt.Errorf("store scim profile of %s: %w", p.UserID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		p.UpdatedAt = read
		return fmt.Errorf("store scim profile of %s: %w", p.UserID, ErrUserChanged)
	}
	return tx.putSCIMEmails(ctx, p.UserID, p.OrgID, emails, fresh)
}

// putSCIMEmails replaces the SCIM emails of userID; fresh (a profile
// stored for the first time) has none to delete.
func (tx *Tx) putSCIMEmails(ctx context.Context, userID, orgID string, emails []string, fresh bool) error {
	if !fresh {
		if _, err := tx.exec(ctx, `DELETE FROM scim_user_emails WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("replace scim emails of %s: %w", userID, err)
		}
	}
	seen := map[string]bool{}
	var keys []string
	for _, e := range emails {
		if key := roster.CanonicalEmail(e); key != "" && !seen[key] {
			seen[key], keys = true, append(keys, key)
		}
	}
	// One statement for all of them (a round trip each on PostgreSQL).
	return chunks(keys, func(args []any) error {
		var q strings.Builder
		q.WriteString(`INSERT INTO scim_user_emails (user_id, org_id, email_key) VALUES `)
		vals := make([]any, 0, 3*len(args))
		for i, k := range args {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?)")
			vals = append(vals, userID, orgID, k)
		}
		if _, err := tx.exec(ctx, q.String(), vals...); err != nil {
			return fmt.Errorf("store scim emails of %s: %w", userID, err)
		}
		return nil
	})
}

// DeleteSCIMProfile forgets a user's SCIM profile, freeing its userName.
func (tx *Tx) DeleteSCIMProfile(ctx context.Context, userID string) error {
	if _, err := tx.exec(ctx, `DELETE FROM scim_user_emails WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete scim emails of %s: %w", userID, err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM scim_users WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete scim profile of %s: %w", userID, err)
	}
	return nil
}

// SCIMUserNameOwner returns the id of a user whose SCIM userName is
// userName, compared case-insensitively, or "" when none: a user SCIM
// never touched answers to their username and to their email. A user SCIM
// manages comes first.
func (tx *Tx) SCIMUserNameOwner(ctx context.Context, orgID, userName string) (string, error) {
	ids, err := tx.SCIMUserIDs(ctx, orgID, SCIMUserKeys{UserNames: []string{userName}})
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

// SCIMUserKeys are indexed lookups that narrow a SCIM user list: a user
// matches when any of its values matches.
type SCIMUserKeys struct {
	IDs         []string
	UserNames   []string // compared by roster.CanonicalEmail; users SCIM never touched also by username and email
	ExternalIDs []string // compared exactly
	Emails      []string // compared by roster.CanonicalEmail, any address sent
}

// SCIMUserIDs returns the ids of the organization's users that match keys,
// without duplicates.
func (tx *Tx) SCIMUserIDs(ctx context.Context, orgID string, k SCIMUserKeys) ([]string, error) {
	// userNames are often addresses and meet email keys, so both compare
	// by the canonical email form, which folds ASCII letters only.
	fold := func(vals []string) []string {
		out := make([]string, len(vals))
		for i, v := range vals {
			out[i] = roster.CanonicalEmail(v)
		}
		return out
	}
	// users.username_key and email_key hold keys qualified by organization.
	userFold := func(vals []string) []string {
		out := fold(vals)
		for i, v := range out {
			out[i] = userKey(orgID, v)
		}
		return out
	}
	lookups := []struct {
		q    string
		vals []string
	}{
		{`SELECT id FROM users WHERE org_id = ? AND status <> 'removed' AND id IN (%s)`, k.IDs},
		{`SELECT user_id AS id FROM scim_users WHERE org_id = ? AND user_name_key IN (%s)`, fold(k.UserNames)},
		{`SELECT u.id FROM users u WHERE u.org_id = ? AND u.username_key IN (%s)
			AND NOT EXISTS (SELECT 1 FROM scim_users s WHERE s.user_id = u.id)`, userFold(k.UserNames)},
		{`SELECT u.id FROM users u WHERE u.org_id = ? AND u.email_key IN (%s)
			AND NOT EXISTS (SELECT 1 FROM scim_users s WHERE s.user_id = u.id)`, userFold(k.UserNames)},
		{`SELECT user_id AS id FROM scim_users WHERE org_id = ? AND external_id IN (%s)`, k.ExternalIDs},
		{`SELECT id FROM users WHERE org_id = ? AND email_key IN (%s)`, userFold(k.Emails)},
		{`SELECT user_id AS id FROM scim_user_emails WHERE org_id = ? AND email_key IN (%s)`, fold(k.Emails)},
	}
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if !seen[id] {
			seen[id], out = true, append(out, id)
		}
	}
	// Usually (a filter of a few values) all look-ups fit one statement:
	// one round trip instead of one per kind of key.
	var union []string
	var args []any
	fits := true
	for i, l := range lookups {
		switch {
		case len(l.vals) == 0:
			continue
		case len(l.vals) > maxIn:
			fits = false
		}
		union = append(union, fmt.Sprintf("SELECT %d AS rank, id FROM (%s) k%d", i, fmt.Sprintf(l.q, placeholders(len(l.vals))), i))
		args = append(args, orgID)
		for _, v := range l.vals {
			args = append(args, v)
		}
	}
	if len(union) == 0 {
		return nil, nil
	}
	if fits {
		rows, err := tx.query(ctx, "SELECT id FROM ("+strings.Join(union, " UNION ALL ")+") keys ORDER BY rank", args...)
		if err != nil {
			return nil, fmt.Errorf("look up scim users: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return nil, mapError(err)
			}
			add(id)
		}
		return out, mapError(rows.Err())
	}
	for _, l := range lookups {
		err := chunks(l.vals, func(args []any) error {
			rows, err := tx.query(ctx, fmt.Sprintf(l.q, placeholders(len(args))), append([]any{orgID}, args...)...)
			if err != nil {
				return fmt.Errorf("look up scim users: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					return mapError(err)
				}
				add(id)
			}
			return mapError(rows.Err())
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UsersByIDs returns the users with these ids that were not removed, in
// creation order.
func (tx *Tx) UsersByIDs(ctx context.Context, orgID string, ids []string) ([]*roster.User, error) {
	var out []*roster.User
	err := chunks(ids, func(args []any) error {
		users, err := tx.queryUsers(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = ? AND status <> 'removed'
			AND id IN (`+placeholders(len(args))+`)`, append([]any{orgID}, args...)...)
		out = append(out, users...)
		return err
	})
	sortByCreation(out)
	return out, err
}

// UserCursor is a position in the creation order of users.
type UserCursor struct {
	CreatedAt int64 // Unix microseconds
	ID        string
}

// ScanUsers returns up to limit of the organization's users that were not
// removed, in creation order, after the cursor (from the start when nil).
func (tx *Tx) ScanUsers(ctx context.Context, orgID string, after *UserCursor, offset, limit int) ([]*roster.User, error) {
	q := `SELECT ` + userColumns + ` FROM users WHERE org_id = ? AND status <> 'removed'`
	args := []any{orgID}
	if after != nil {
		q += ` AND (created_at > ? OR (created_at = ? AND id > ?))`
		args = append(args, after.CreatedAt, after.CreatedAt, after.ID)
	}
	q += ` ORDER BY created_at, id LIMIT ? OFFSET ?`
	return tx.queryUsers(ctx, q, append(args, limit, offset)...)
}

// CountOrgUsers counts the organization's users that were not removed.
func (tx *Tx) CountOrgUsers(ctx context.Context, orgID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE org_id = ? AND status <> 'removed'`, orgID).Scan(&n)
	return n, mapError(err)
}

func (tx *Tx) queryUsers(ctx context.Context, q string, args ...any) ([]*roster.User, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*roster.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, mapError(rows.Err())
}

func sortByCreation(users []*roster.User) {
	sort.Slice(users, func(i, j int) bool {
		a, b := users[i], users[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return a.ID < b.ID
	})
}
