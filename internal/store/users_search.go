package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// User search (O12, issue #12). A query of three characters or more
// keeps the users in whose users.search (the lower-cased username, name
// and email joined by newlines) it occurs; a query of one or two
// characters, which a trigram index cannot narrow, keeps the users whose
// username starts with it (email while invited). Matches fall in two sets,
// each found by an index in bounded work whatever the query and wherever
// its matches sort:
//
//   - at the start of search: a username prefix (an email prefix while
//     invited), that is sort_key in [q, q+U+10FFFF), one range of
//     users_org_sort read in list order a page at a time;
//   - anywhere after the first character: the trigram index holds search
//     without its first character (migration 0016), and it is asked how
//     many users it finds, up to searchCandidateLimit.
//
// When the trigram index finds fewer than searchCandidateLimit users, a
// page is the first rows of both sets after the cursor, merged by the
// database in list order: a page of the prefix range and a sort of at most
// searchCandidateLimit candidates. When it finds more, the matches are
// common and the page comes from walking the list in order, which meets a
// match every few rows.
//
// A prefix is one range only where text sorts by code point (SQLite, and
// PostgreSQL databases of the C collations: DB.byteOrder); elsewhere the
// prefix set is read by LIKE 'q%', which is correct and walks the list.

// MinSearchLen is the shortest query matched anywhere in a user's
// username, name or email; shorter ones match the start of the username.
const MinSearchLen = 3

// searchCandidateLimit is the most trigram index hits ListUsers sorts
// (a variable only so that tests can lower it: SetSearchCandidateLimitForTest).
var searchCandidateLimit = 2000

// maxRune ends the range of strings that start with a prefix; Roster's
// usernames and emails never hold it.
const maxRune = string(utf8.MaxRune)

// userPage is one page query of the user list: its conditions (the
// cursor's among them) with their arguments, order and size.
type userPage struct {
	where []string
	args  []any
	sort  userSort
	f     UserFilter
}

// order is the page's ORDER BY clause.
func (p userPage) order() string {
	dir := ""
	if p.f.Desc {
		dir = " DESC"
	}
	return " ORDER BY " + p.sort.expr + dir + ", id" + dir
}

// sql selects cols from from (with fromArgs) under the page's conditions
// and more, in order, one more row than the page holds.
func (p userPage) sql(cols, from string, fromArgs []any, more []string, moreArgs ...any) (string, []any) {
	args := append(append(append(append([]any{}, fromArgs...), p.args...), moreArgs...), p.f.Limit+1)
	where := append(append([]string{}, p.where...), more...)
	return `SELECT ` + cols + ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + p.order() + ` LIMIT ?`, args
}

// searchUsers runs the page query of a search for q (lower-cased, trimmed).
func (tx *Tx) searchUsers(ctx context.Context, orgID, q string, p userPage) (*sql.Rows, error) {
	like, likeArg := `users.search LIKE ? ESCAPE '\'`, "%"+escapeLike(q)+"%"
	if tx.engine == Postgres {
		// A cached generic plan cannot see the pattern; plan each search
		// for its own.
		if _, err := tx.exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
			return nil, err
		}
	}
	cols := userColumns + ", CAST(" + p.sort.expr + " AS TEXT) AS sort_value"
	prefix, prefixArgs := tx.prefixCond(q)
	if utf8.RuneCountInString(q) < MinSearchLen {
		s, args := p.sql(cols, "users", nil, []string{prefix, like}, append(prefixArgs, likeArg)...)
		return tx.query(ctx, s, args...)
	}
	tail, indexed, err := tx.searchIndexed(ctx, orgID, q, p.f.Sort)
	if err != nil {
		return nil, err
	}
	if !indexed {
		s, args := p.sql(cols, "users", nil, []string{like}, likeArg)
		return tx.query(ctx, s, args...)
	}
	head, headArgs := p.sql("id", "users", nil, []string{prefix, like}, append(prefixArgs, likeArg)...)
	tailFrom := `(SELECT * FROM users WHERE rowid IN (SELECT value FROM json_each(?))) AS users`
	if tx.engine == Postgres {
		tailFrom = `(SELECT * FROM users WHERE id IN (SELECT json_array_elements_text(CAST(? AS json)))) AS users`
	}
	tailSQL, tailArgs := p.sql("id", tailFrom, []any{tail}, []string{like}, likeArg)
	merged := userPage{sort: p.sort, f: p.f}
	s := `SELECT ` + cols + ` FROM users WHERE id IN (SELECT id FROM (` + head + `) AS head UNION SELECT id FROM (` + tailSQL + `) AS tail)` +
		merged.order() + ` LIMIT ?`
	return tx.query(ctx, s, append(append(headArgs, tailArgs...), p.f.Limit+1)...)
}

// prefixCond keeps the users whose sort_key starts with q.
func (tx *Tx) prefixCond(q string) (string, []any) {
	if tx.byteOrder {
		return "sort_key >= ? AND sort_key < ?", []any{q, q + maxRune}
	}
	return `sort_key LIKE ? ESCAPE '\'`, []any{escapeLike(q) + "%"}
}

// tailHits returns, as a JSON array, the rowids (SQLite) or ids of at most
// searchCandidateLimit users in whose search q occurs after the first
// character, found by the trigram index, and how many there are.
func (tx *Tx) tailHits(ctx context.Context, q string) (string, int, error) {
	query, arg := `SELECT rowid FROM users_search WHERE users_search MATCH ? LIMIT ?`, ftsPhrase(q)
	if tx.engine == Postgres {
		query, arg = `SELECT id FROM users WHERE substr(search, 2) LIKE ? ESCAPE '\'`, "%"+escapeLike(q)+"%"
		// A GIN index cannot stop at a limit: it reads every hit. Ask the
		// planner's estimate first, and walk at once when it is many.
		if est, err := tx.estimateRows(ctx, query, arg); err != nil || est >= float64(searchCandidateLimit) {
			return "", searchCandidateLimit, err
		}
		// The trigram index, not a table scan that stops at the limit:
		// a rare query would read the whole table.
		if _, err := tx.exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return "", 0, err
		}
		defer tx.exec(ctx, `SET LOCAL enable_seqscan = on`)
		query += ` LIMIT ?`
	}
	rows, err := tx.query(ctx, query, arg, searchCandidateLimit)
	if err != nil {
		return "", 0, fmt.Errorf("search the trigram index: %w", err)
	}
	defer rows.Close()
	ids := []any{} // rowids on SQLite, ids on PostgreSQL; never JSON null
	for rows.Next() {
		var id any
		if err := rows.Scan(&id); err != nil {
			return "", 0, fmt.Errorf("search the trigram index: %w", mapError(err))
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", 0, fmt.Errorf("search the trigram index: %w", mapError(err))
	}
	b, err := json.Marshal(ids)
	return string(b), len(ids), err
}

// estimateRows is PostgreSQL's estimate of the rows a query returns.
func (tx *Tx) estimateRows(ctx context.Context, query string, args ...any) (float64, error) {
	var doc string
	if err := tx.queryRow(ctx, `EXPLAIN (FORMAT JSON) `+query, args...).Scan(&doc); err != nil {
		return 0, fmt.Errorf("estimate search matches: %w", mapError(err))
	}
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal([]byte(doc), &plan); err != nil || len(plan) == 0 {
		return 0, fmt.Errorf("estimate search matches: unexpected plan %.100q", doc)
	}
	return plan[0].Plan.Rows, nil
}

// searchIndexed reports whether a search for q takes the two index paths,
// and the trigram index's hits for the second: q holds no newline (so a
// match at the start is a username prefix), the trigram index finds fewer
// than searchCandidateLimit users, and the prefix set either comes in list
// order (sorted by username, where a prefix is a range) or is small enough
// to sort too.
func (tx *Tx) searchIndexed(ctx context.Context, orgID, q, sort string) (string, bool, error) {
	if strings.Contains(q, "\n") {
		return "", false, nil
	}
	tail, n, err := tx.tailHits(ctx, q)
	if err != nil || n >= searchCandidateLimit {
		return "", false, err
	}
	if sort == "username" {
		return tail, true, nil
	}
	if !tx.byteOrder {
		return "", false, nil
	}
	var k int
	err = tx.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE org_id = ? AND sort_key >= ? AND sort_key < ? LIMIT ?) AS hits`,
		orgID, q, q+maxRune, searchCandidateLimit).Scan(&k)
	if err != nil {
		return "", false, fmt.Errorf("count prefix matches: %w", mapError(err))
	}
	return tail, k < searchCandidateLimit, nil
}

// ftsPhrase quotes s as an FTS5 phrase, which the trigram tokenizer
// matches as a substring.
func ftsPhrase(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
