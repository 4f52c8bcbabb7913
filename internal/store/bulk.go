package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"roster"
)

// BulkRows is one table's worth of rows for BulkInsert: the columns, how
// many rows, and the values of row i in column order. Values are what the
// store's own statements would write (see BulkUser, BulkTeam, BulkMember).
type BulkRows struct {
	Table   string
	Columns []string
	N       int
	Row     func(i int) []any
}

// bulkColumns are the columns BulkUser, BulkTeam and BulkMember fill.
var bulkColumns = map[string][]string{
	"users": {"id", "org_id", "username", "username_key", "email", "email_key", "name", "role", "status",
		"password_hash", "sort_key", "search", "created_at", "updated_at", "last_active_at", "email_proven"},
	"scim_users":       {"user_id", "org_id", "user_name", "user_name_key", "external_id", "attributes", "created_at", "updated_at"},
	"scim_user_emails": {"user_id", "org_id", "email_key"},
	"teams": {"id", "org_id", "name", "name_key", "display_name", "display_key", "storage", "settings", "alerts",
		"created_by", "created_at", "updated_at"},
	"team_members": {"team_id", "principal_id", "principal_kind", "role", "custom_role_id", "via_group", "created_at"},
}

// BulkColumns names the columns of a table BulkInsert fills.
func BulkColumns(table string) []string { return bulkColumns[table] }

// BulkUser is the users row CreateUser writes for u at time now.
func BulkUser(u *roster.User, now time.Time) []any {
	u.CreatedAt, u.UpdatedAt = now, now
	uk, ek, sk, search := userKeys(u)
	return []any{u.ID, u.OrgID, u.Username, nullText(uk), u.Email, nullText(ek), u.Name, string(u.Role), string(u.Status),
		u.PasswordHash, sk, search, micros(u.CreatedAt).Int64, micros(u.UpdatedAt).Int64, nullInt(micros(u.LastActiveAt)), u.EmailProven}
}

// BulkSCIMProfile is the scim_users row PutSCIMProfile writes for p.
func BulkSCIMProfile(p *roster.SCIMProfile, now time.Time) []any {
	p.CreatedAt, p.UpdatedAt = now, now
	var ext any
	if p.ExternalID != "" {
		ext = p.ExternalID
	}
	if p.Attributes == nil {
		p.Attributes = map[string]any{}
	}
	return []any{p.UserID, p.OrgID, p.UserName, roster.CanonicalEmail(p.UserName), ext, mustJSON(p.Attributes),
		micros(p.CreatedAt).Int64, micros(p.UpdatedAt).Int64}
}

// BulkSCIMEmail is the scim_user_emails row PutSCIMProfile writes for one address.
func BulkSCIMEmail(userID, orgID, email string) []any {
	return []any{userID, orgID, roster.CanonicalEmail(email)}
}

// BulkTeam is the teams row CreateTeam writes for t.
func BulkTeam(t *roster.Team, now time.Time) []any {
	t.CreatedAt, t.UpdatedAt = now, now
	return []any{t.ID, t.OrgID, t.Name, roster.Fold(t.Name), t.DisplayName, roster.Fold(t.DisplayName), mustJSON(t.Storage),
		mustJSON(t.Settings), mustJSON(t.Alerts), t.CreatedBy, micros(t.CreatedAt).Int64, micros(t.UpdatedAt).Int64}
}

// BulkMember is the team_members row AddMember writes for m.
func BulkMember(m *roster.Membership, now time.Time) []any {
	m.CreatedAt = now
	return []any{m.TeamID, m.PrincipalID, string(m.PrincipalKind), string(m.Role), nullText(customRoleID(m)),
		m.ViaGroupClaim, micros(m.CreatedAt).Int64}
}

func nullText(s sql.NullString) any {
	if !s.Valid {
		return nil
	}
	return s.String
}

func nullInt(v sql.NullInt64) any {
	if !v.Valid {
		return nil
	}
	return v.Int64
}

// BulkInsert writes many rows of one table fast, for benchmarks and
// first loads only: on PostgreSQL through COPY, on SQLite in large
// transactions of multi-row INSERTs with synchronous=OFF for the load (the
// database is checkpointed and synchronous=FULL restored at the end).
// Triggers and indexes apply as for any insert (the SQLite search index
// among them); the caller makes rows with BulkUser and its siblings so
// they are exactly what the app writes. It must not run while the
// database serves requests.
func (db *DB) BulkInsert(ctx context.Context, r BulkRows) error {
	if len(r.Columns) == 0 || r.N == 0 {
		return nil
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("bulk insert into %s: %w", r.Table, err)
	}
	defer conn.Close()
	if db.engine == Postgres {
		err = bulkCopy(ctx, conn, r)
	} else {
		err = bulkSQLite(ctx, conn, r)
	}
	if err != nil {
		return fmt.Errorf("bulk insert into %s: %w", r.Table, err)
	}
	return nil
}

func bulkCopy(ctx context.Context, conn *sql.Conn, r BulkRows) error {
	// COPY of millions of rows outlasts the pool's statement bound.
	if _, err := conn.ExecContext(ctx, `SET statement_timeout = 0`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `RESET statement_timeout`)
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("not a pgx connection")
		}
		i := 0
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if i == r.N {
				return nil, nil
			}
			row := r.Row(i)
			i++
			if err := checkText(row); err != nil {
				return nil, err
			}
			return row, nil
		})
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{r.Table}, r.Columns, src)
		return err
	})
}

// bulkSQLiteRows and bulkSQLiteTx are the rows of one INSERT statement and
// of one transaction during a SQLite bulk load.
const (
	bulkSQLiteRows = 64
	bulkSQLiteTx   = 100_000
)

func bulkSQLite(ctx context.Context, conn *sql.Conn, r BulkRows) (err error) {
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
		return err
	}
	defer func() {
		_, e1 := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = FULL`)
		_, e2 := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA wal_checkpoint(TRUNCATE)`)
		err = errors.Join(err, e1, e2)
	}()
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(r.Columns)), ", ") + ")"
	head := `INSERT INTO ` + r.Table + ` (` + strings.Join(r.Columns, ", ") + `) VALUES `
	full, err := conn.PrepareContext(ctx, head+strings.TrimSuffix(strings.Repeat(one+", ", bulkSQLiteRows), ", "))
	if err != nil {
		return err
	}
	defer full.Close()
	for start := 0; start < r.N; start += bulkSQLiteTx {
		if err := bulkSQLiteChunk(ctx, conn, full, head, one, r, start, min(start+bulkSQLiteTx, r.N)); err != nil {
			return err
		}
	}
	return nil
}

// bulkSQLiteChunk inserts rows [from, to) in one transaction.
func bulkSQLiteChunk(ctx context.Context, conn *sql.Conn, full *sql.Stmt, head, one string, r BulkRows, from, to int) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt := tx.StmtContext(ctx, full)
	args := make([]any, 0, bulkSQLiteRows*len(r.Columns))
	for i := from; i < to; {
		args = args[:0]
		n := min(bulkSQLiteRows, to-i)
		for k := 0; k < n; k++ {
			args = append(args, r.Row(i+k)...)
		}
		if err := checkText(args); err != nil {
			return err
		}
		if n == bulkSQLiteRows {
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, head+strings.TrimSuffix(strings.Repeat(one+", ", n), ", "), args...)
		}
		if err != nil {
			return mapError(err)
		}
		i += n
	}
	return tx.Commit()
}

// Analyze refreshes the planner's statistics after a bulk load.
func (db *DB) Analyze(ctx context.Context) error {
	q := `ANALYZE`
	if db.engine == SQLite {
		q = `PRAGMA optimize=0x10002`
	}
	if _, err := db.write.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
