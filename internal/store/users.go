package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"roster"
)

const userColumns = `id, org_id, username, email, name, role, status, password_hash, created_at, updated_at, last_active_at, email_proven, instance_admin, account_id`

func scanUser(row interface{ Scan(...any) error }) (*roster.User, error) {
	var u roster.User
	var created, updated, active sql.NullInt64
	var account sql.NullString
	if err := row.Scan(&u.ID, &u.OrgID, &u.Username, &u.Email, &u.Name, &u.Role, &u.Status,
		&u.PasswordHash, &created, &updated, &active, &u.EmailProven, &u.InstanceAdmin, &account); err != nil {
		return nil, mapError(err)
	}
	u.AccountID = account.String
	u.CreatedAt, u.UpdatedAt, u.LastActiveAt = fromMicros(created), fromMicros(updated), fromMicros(active)
	return &u, nil
}

// userKey qualifies a folded username or canonical email with its
// organization, so that the instance-wide unique indexes on
// users.username_key and email_key (inline UNIQUE constraints of 0001,
// which SQLite cannot drop) keep them unique per organization (#18): the
// first organization's keys are as they always were, any other's start
// with "@<organization id>/", which no username or email can.
func userKey(orgID, key string) string {
	if orgID == roster.DefaultOrgID || orgID == "" {
		return key
	}
	return "@" + orgID + "/" + key
}

// userKeys derives the stored comparison, ordering and search columns.
func userKeys(u *roster.User) (usernameKey, emailKey sql.NullString, sortKey, search string) {
	if u.Status == roster.StatusRemoved {
		// A removed user frees its username and email for someone new.
		return sql.NullString{}, sql.NullString{}, roster.Fold(u.Email), ""
	}
	if u.Username != "" {
		usernameKey = sql.NullString{String: userKey(u.OrgID, roster.Fold(u.Username)), Valid: true}
	}
	emailKey = sql.NullString{String: userKey(u.OrgID, roster.CanonicalEmail(u.Email)), Valid: true}
	sortKey = roster.Fold(u.Username)
	if sortKey == "" {
		sortKey = roster.Fold(u.Email)
	}
	search = strings.ToLower(u.Username + "\n" + u.Name + "\n" + u.Email)
	return usernameKey, emailKey, sortKey, search
}

// CreateUser inserts a user; CreatedAt and UpdatedAt come from the tx clock.
func (tx *Tx) CreateUser(ctx context.Context, u *roster.User) error {
	u.CreatedAt, u.UpdatedAt = tx.now, tx.now
	uk, ek, sk, search := userKeys(u)
	_, err := tx.exec(ctx, `INSERT INTO users (id, org_id, username, username_key, email, email_key, name, role, status,
		password_hash, sort_key, search, created_at, updated_at, last_active_at, email_proven, instance_admin, account_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.OrgID, u.Username, uk, u.Email, ek, u.Name, string(u.Role), string(u.Status),
		u.PasswordHash, sk, search, micros(u.CreatedAt), micros(u.UpdatedAt), micros(u.LastActiveAt), u.EmailProven,
		u.InstanceAdmin, nullString(u.AccountID))
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

// UpdateUser writes every mutable field of u, read earlier in this
// transaction, if the row is still as read: its updated_at, which every
// write moves forward, is still u.UpdatedAt. Otherwise another
// transaction changed the user since (a read-modify-write without the
// organization lock, on PostgreSQL) and the transaction fails with
// ErrUserChanged, which DB.Tx runs again on the fresh row. UpdatedAt
// becomes now, or a microsecond past the old value when clocks disagree.
func (tx *Tx) UpdateUser(ctx context.Context, u *roster.User) error {
	read := u.UpdatedAt
	if u.UpdatedAt = tx.now; !u.UpdatedAt.After(read) {
		u.UpdatedAt = read.Add(time.Microsecond)
	}
	uk, ek, sk, search := userKeys(u)
	res, err := tx.exec(ctx, `UPDATE users SET username = ?, username_key = ?, email = ?, email_key = ?, name = ?,
		role = ?, status = ?, password_hash = ?, sort_key = ?, search = ?, updated_at = ?, last_active_at = ?,
		email_proven = ?, instance_admin = ?, account_id = ? WHERE id = ? AND updated_at = ?`,
		u.Username, uk, u.Email, ek, u.Name, string(u.Role), string(u.Status), u.PasswordHash, sk, search,
		micros(u.UpdatedAt), micros(u.LastActiveAt), u.EmailProven, u.InstanceAdmin, nullString(u.AccountID), u.ID, read.UnixMicro())
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	u.UpdatedAt = read
	if _, err := tx.UserByID(ctx, u.OrgID, u.ID); err != nil {
		return fmt.Errorf("update user %s: %w", u.ID, err)
	}
	return fmt.Errorf("update user %s: %w", u.ID, ErrUserChanged)
}

// LockUser serializes the transactions that read a user to change them
// without the organization lock (SCIM's PATCH, PUT and deactivation of a
// member), on PostgreSQL: it comes after the organization lock when the
// transaction takes that, and before any team lock (store/tx.go). A user
// that does not exist locks nothing; the read that follows says so.
// Holders of the organization lock that write a user back are kept apart
// from these by UpdateUser's check instead.
func (tx *Tx) LockUser(ctx context.Context, userID string) error {
	if tx.engine != Postgres || !tx.once("user:"+userID) {
		return nil
	}
	var id string
	err := tx.queryRow(ctx, `SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE`, userID).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("lock user %s: %w", userID, mapError(err))
	}
	return nil
}

// ErrUserChanged fails a transaction that would write back a user another
// transaction changed after it read them; DB.Tx runs it again.
var ErrUserChanged = roster.ReasonErrorf(roster.EUnavailable, roster.ReasonUserChanged,
	"this user was changed by another request at the same moment; try again")

// TouchUser records that the user was active, at most once a minute.
func (tx *Tx) TouchUser(ctx context.Context, userID string) error {
	now := tx.now.UnixMicro()
	_, err := tx.exec(ctx, `UPDATE users SET last_active_at = ? WHERE id = ? AND (last_active_at IS NULL OR last_active_at < ?)`,
		now, userID, now-60_000_000)
	return err
}

// UserByID returns a user of the organization that has not been removed;
// another organization's user is not found, as a nonexistent one is.
func (tx *Tx) UserByID(ctx context.Context, orgID, id string) (*roster.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ? AND org_id = ? AND status <> 'removed'`, id, orgID))
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", id, err)
	}
	return u, nil
}

// UserByUsername finds a user of the organization by username,
// case-insensitively.
func (tx *Tx) UserByUsername(ctx context.Context, orgID, username string) (*roster.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username_key = ?`, userKey(orgID, roster.Fold(username))))
	if err != nil {
		return nil, fmt.Errorf("user %q: %w", username, err)
	}
	return u, nil
}

// UserByEmail finds a user of the organization by email, compared by
// roster.CanonicalEmail: the stored email_key is computed by the same
// function (migration 0009), qualified by organization (userKey).
func (tx *Tx) UserByEmail(ctx context.Context, orgID, email string) (*roster.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email_key = ?`, userKey(orgID, roster.CanonicalEmail(email))))
	if err != nil {
		return nil, fmt.Errorf("user with email %q: %w", email, err)
	}
	return u, nil
}

// CountUsers counts the users of the instance that were not removed.
func (tx *Tx) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE status <> 'removed'`).Scan(&n)
	return n, mapError(err)
}

// CountActiveAdmins counts the organization's active admins.
func (tx *Tx) CountActiveAdmins(ctx context.Context, orgID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE org_id = ? AND status = 'active' AND role = 'admin'`, orgID).Scan(&n)
	return n, mapError(err)
}

// CountSeats counts the users holding a seat (O13): invited and active.
func (tx *Tx) CountSeats(ctx context.Context, orgID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE org_id = ? AND status IN ('invited', 'active')`, orgID).Scan(&n)
	return n, mapError(err)
}

// UserFilter selects a page of the user list.
type UserFilter struct {
	Query  string            // substring of username, name or email; under MinSearchLen, username prefix
	Role   roster.OrgRole    // empty for any
	Status roster.UserStatus // empty for any but removed
	Limit  int
	Cursor string // from the previous page's NextCursor, of the same sort
	Sort   string // one of UserSorts; "" for username
	Desc   bool   // descending
}

// userSort is how the user list orders by one column: an SQL expression
// and whether its values are integers (times), so cursors carry them
// typed. Ties are broken by id.
type userSort struct {
	expr    string
	integer bool
}

// userSorts are the columns the user list can be ordered by. Composite
// text keys join the column and the username with a tab, which no name
// holds, so rows with one role or status come in username order.
var userSorts = map[string]userSort{
	"username":    {expr: "sort_key"},
	"name":        {expr: "LOWER(name) || '	' || sort_key"},
	"email":       {expr: "email_key"},
	"role":        {expr: "role || '	' || sort_key"},
	"status":      {expr: "status || '	' || sort_key"},
	"last_active": {expr: "COALESCE(last_active_at, 0)", integer: true},
	"created":     {expr: "created_at", integer: true},
}

// UserSorts names the columns the user list can be ordered by.
var UserSorts = []string{"username", "name", "email", "role", "status", "last_active", "created"}

// ValidUserSort reports whether s names a column of UserSorts, or is empty.
func ValidUserSort(s string) bool {
	_, ok := userSorts[s]
	return ok || s == ""
}

// ListUsers returns one page of the organization's users in the order
// f.Sort names (username, or email while invited, by default), and the
// cursor of the next page. A query keeps the users whose username, name or
// email holds it (users_search.go says how it is found).
func (tx *Tx) ListUsers(ctx context.Context, orgID string, f UserFilter) ([]*roster.User, string, error) {
	where := []string{"org_id = ?"}
	args := []any{orgID}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	} else {
		where = append(where, "status <> 'removed'")
	}
	if f.Role != "" {
		where, args = append(where, "role = ?"), append(args, string(f.Role))
	}
	sort, ok := userSorts[f.Sort]
	if !ok {
		f.Sort, sort = "username", userSorts["username"]
	}
	if f.Cursor != "" {
		cond, cargs, err := cursorCond(sort, f)
		if err != nil {
			return nil, "", err
		}
		where, args = append(where, cond), append(args, cargs...)
	}
	var rows *sql.Rows
	var err error
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		rows, err = tx.searchUsers(ctx, orgID, q, userPage{where: where, args: args, sort: sort, f: f})
	} else {
		q, qargs := userPage{where: where, args: args, sort: sort, f: f}.sql(userColumns+", CAST("+sort.expr+" AS TEXT) AS sort_value", "users", nil, nil)
		rows, err = tx.query(ctx, q, qargs...)
	}
	if err != nil {
		return nil, "", fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []*roster.User
	var lastSort string
	for rows.Next() {
		var sortKey string
		u, err := scanUser(scanPlus{rows, &sortKey})
		if err != nil {
			return nil, "", fmt.Errorf("list users: %w", err)
		}
		if len(users) == f.Limit {
			return users, encodeCursor(lastSort, users[len(users)-1].ID), rows.Err()
		}
		users, lastSort = append(users, u), sortKey
	}
	return users, "", mapError(rows.Err())
}

// cursorCond is the condition that keeps the rows after f.Cursor in f's order.
func cursorCond(sort userSort, f UserFilter) (string, []any, error) {
	key, id, err := decodeCursor(f.Cursor)
	if err != nil {
		return "", nil, err
	}
	var v any = key
	if sort.integer {
		if v, err = strconv.ParseInt(key, 10, 64); err != nil {
			return "", nil, roster.Errorf(roster.EInvalid, "cursor is not one this server gave out for this order")
		}
	}
	cmp := ">"
	if f.Desc {
		cmp = "<"
	}
	return "(" + sort.expr + " " + cmp + " ? OR (" + sort.expr + " = ? AND id " + cmp + " ?))", []any{v, v, id}, nil
}

// scanPlus scans a row's leading columns into a scanner and the rest into extra.
type scanPlus struct {
	rows  *sql.Rows
	extra *string
}

func (s scanPlus) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func encodeCursor(sortKey, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(sortKey + "\x00" + id))
}

func decodeCursor(c string) (sortKey, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		var ok bool
		if sortKey, id, ok = strings.Cut(string(b), "\x00"); ok {
			return sortKey, id, nil
		}
	}
	return "", "", roster.Errorf(roster.EInvalid, "cursor is not one this server gave out")
}
