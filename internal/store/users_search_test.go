package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// TestListUsersSearchMatchesScan checks the user search against a plain
// scan of the same users, for queries the trigram index narrows to a few
// users and for queries that match too many users or are too short for it,
// through renames, removals and every page size.
func TestListUsersSearchMatchesScan(t *testing.T) {
	// A tenth of the real candidate limit and of the users reaches the
	// same paths in a tenth of the time (SQLite is Go code, slow under -race).
	defer store.SetSearchCandidateLimitForTest(store.SetSearchCandidateLimitForTest(200))
	db := storetest.MustOpen(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"ada", "grace", "alan", "linus", "ken", "rob", "margaret", "barbara", "edsger", "donald"}
	names := []string{"Ada Lovelace", `Ann "Nan" O'Neil`, "50%_off\\deal", "Zoë Ünal", "Grace Hopper", "Ken Thompson", ""}
	statuses := []roster.UserStatus{roster.StatusActive, roster.StatusActive, roster.StatusInvited, roster.StatusDeactivated}
	roles := []roster.OrgRole{roster.OrgMember, roster.OrgMember, roster.OrgViewer, roster.OrgAdmin}
	// Every email holds "example", so that query matches more users than
	// the index path takes (300 against its 200).
	users := make([]*roster.User, 300)
	for i := range users {
		w := words[rng.IntN(len(words))]
		u := &roster.User{ID: roster.NewID("u"), OrgID: roster.DefaultOrgID, Username: fmt.Sprintf("%s%d", w, i),
			Email: fmt.Sprintf("%s.%d@%s.example.com", strings.ToUpper(w[:1])+w[1:], i, words[rng.IntN(len(words))]),
			Name:  names[rng.IntN(len(names))], Status: statuses[rng.IntN(len(statuses))], Role: roles[rng.IntN(len(roles))]}
		if u.Status == roster.StatusInvited {
			u.Username, u.Name = "", ""
		}
		users[i] = u
	}
	write := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := db.Tx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	write(func(tx *store.Tx) error {
		for _, u := range users {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	// Renames, removals and reactivations change what the index must find.
	write(func(tx *store.Tx) error {
		for _, u := range users[:30] {
			switch rng.IntN(3) {
			case 0:
				if u.Username != "" {
					u.Username = "renamed_" + u.Username
				}
			case 1:
				u.Status = roster.StatusRemoved
			default:
				u.Name = "Barbara Liskov"
			}
			if err := tx.UpdateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if storetest.Engine() == store.SQLite {
		write(func(tx *store.Tx) error {
			return tx.ExecForTest(ctx, `INSERT INTO users_search (users_search, rank) VALUES ('integrity-check', 1)`)
		})
	}

	queries := []string{"example", "EXAMPLE.com", "ad", "a", "e", "renamed_", "renamed_ada1", "Lovelace", `"nan"`, `"`,
		"50%", "%_", `\d`, "_off", "zoë", "ÜNAL", "barbara liskov", "nobody-here", "grace.1", "1@", ".2", "  ken  "}
	for range 40 {
		u := users[rng.IntN(len(users))]
		s := u.Username + "\n" + u.Name + "\n" + u.Email
		i := rng.IntN(len(s))
		q := s[i:min(len(s), i+1+rng.IntN(8))]
		if rng.IntN(2) == 0 {
			q = strings.ToUpper(q)
		}
		queries = append(queries, q)
	}
	for _, q := range queries {
		for _, f := range []store.UserFilter{
			{Query: q, Limit: 50},
			{Query: q, Limit: 7, Role: roster.OrgViewer},
			{Query: q, Limit: 200, Status: roster.StatusInvited},
			{Query: q, Limit: 1000, Status: roster.StatusActive, Role: roster.OrgAdmin},
		} {
			want := scanUsers(users, f)
			var got []string
			for page := 0; ; page++ {
				var list []*roster.User
				var next string
				err := db.Read(ctx, func(tx *store.Tx) error {
					var err error
					list, next, err = tx.ListUsers(ctx, roster.DefaultOrgID, f)
					return err
				})
				if err != nil {
					t.Fatalf("query %q: %v", q, err)
				}
				if len(list) > f.Limit || (next != "" && len(list) != f.Limit) {
					t.Fatalf("query %q: page of %d with limit %d and next cursor %q", q, len(list), f.Limit, next)
				}
				for _, u := range list {
					got = append(got, u.ID)
				}
				if next == "" {
					break
				}
				f.Cursor = next
			}
			if storetest.Engine() != store.SQLite {
				// PostgreSQL orders text by the database's collation.
				slices.Sort(got)
				slices.Sort(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("query %q role %q status %q: got %d users, want %d", q, f.Role, f.Status, len(got), len(want))
			}
		}
	}
}

// scanUsers is the user search done the slow, obvious way: ids of the
// users f selects, ordered by username (email while invited), then id.
// Queries under store.MinSearchLen characters match the start of that key.
func scanUsers(users []*roster.User, f store.UserFilter) []string {
	q := strings.ToLower(strings.TrimSpace(f.Query))
	type hit struct{ sortKey, id string }
	var hits []hit
	for _, u := range users {
		switch {
		case u.Status == roster.StatusRemoved,
			f.Status != "" && u.Status != f.Status,
			f.Role != "" && u.Role != f.Role,
			!strings.Contains(strings.ToLower(u.Username+"\n"+u.Name+"\n"+u.Email), q):
			continue
		}
		key := strings.ToLower(u.Username)
		if key == "" {
			key = strings.ToLower(u.Email)
		}
		if utf8.RuneCountInString(q) < store.MinSearchLen && !strings.HasPrefix(key, q) {
			continue
		}
		hits = append(hits, hit{key, u.ID})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return strings.Compare(a.sortKey+"\x00"+a.id, b.sortKey+"\x00"+b.id)
	})
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	return ids
}

// TestListUsersEveryOrderPagesOnce walks the user list in every order,
// both ways, a few users a page: each user comes once, in order.
func TestListUsersEveryOrderPagesOnce(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := t.Context()
	names := []string{"Zoe Adams", "ann Bell", "Ann Bell", "", "Carl Dunn", "bo", "Émile Faure"}
	emailOf := map[string]string{}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		for i, n := range names {
			u := &roster.User{ID: fmt.Sprintf("u_sort%02d", i), OrgID: roster.DefaultOrgID, Username: fmt.Sprintf("user%d", 7-i),
				Email: fmt.Sprintf("e%d@example.com", (i*3)%7), Name: n, Role: []roster.OrgRole{roster.OrgAdmin, roster.OrgMember, roster.OrgViewer}[i%3],
				Status: roster.StatusActive, CreatedAt: time.Unix(int64(1000+i*(i%2*2-1)), 0), UpdatedAt: time.Unix(1000, 0)}
			if i%2 == 0 {
				u.LastActiveAt = time.Unix(int64(5000-i*10), 0)
			}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			emailOf[u.ID] = u.Email
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, sort := range store.UserSorts {
		for _, desc := range []bool{false, true} {
			var all []string
			cursor := ""
			for range 20 {
				var page []*roster.User
				err := db.Read(ctx, func(tx *store.Tx) error {
					var err error
					page, cursor, err = tx.ListUsers(ctx, roster.DefaultOrgID, store.UserFilter{Sort: sort, Desc: desc, Limit: 2, Cursor: cursor})
					return err
				})
				if err != nil {
					t.Fatalf("%s desc=%v: %v", sort, desc, err)
				}
				for _, u := range page {
					all = append(all, u.ID)
				}
				if cursor == "" {
					break
				}
			}
			var one []string
			err := db.Read(ctx, func(tx *store.Tx) error {
				page, _, err := tx.ListUsers(ctx, roster.DefaultOrgID, store.UserFilter{Sort: sort, Desc: desc, Limit: 100})
				for _, u := range page {
					one = append(one, u.ID)
				}
				return err
			})
			if err != nil || len(one) != len(names) || !slices.Equal(all, one) {
				t.Errorf("%s desc=%v: pages %v, one page %v (%v)", sort, desc, all, one, err)
			}
			if sort == "email" && !desc && !slices.IsSortedFunc(one, func(a, b string) int { return strings.Compare(emailOf[a], emailOf[b]) }) {
				t.Errorf("email order %v", one)
			}
		}
	}
}

// TestUserSearchBoundedPaths checks that a search matching many users
// only at the start of their usernames, wherever those sort, is answered
// from the prefix range and the trigram index rather than a walk of the
// list (issue #12: "scim39" among scimNNNN), that a query common in the
// rest of the text walks, and that every path pages through exactly the
// matches in order, both ways.
func TestUserSearchBoundedPaths(t *testing.T) {
	// A tenth of the real candidate limit and of the users, as in
	// TestListUsersSearchMatchesScan.
	defer store.SetSearchCandidateLimitForTest(store.SetSearchCandidateLimitForTest(200))
	db := storetest.MustOpen(t)
	ctx := t.Context()
	users := make([]*roster.User, 400)
	err := db.Tx(ctx, func(tx *store.Tx) error {
		for i := range users {
			u := &roster.User{ID: fmt.Sprintf("u_b%05d", i), OrgID: roster.DefaultOrgID, Username: fmt.Sprintf("scim%d", i),
				Email: fmt.Sprintf("user.%d@corp.example.com", i), Name: "Member", Role: roster.OrgMember, Status: roster.StatusActive}
			switch {
			case i%50 == 7:
				u.Name = fmt.Sprintf("Not scim39 %d", i) // matches "scim39" after the start
			case i%70 == 3:
				u.Username, u.Status = "", roster.StatusInvited
				u.Email = fmt.Sprintf("scim39.invited%d@corp.example.com", i) // an invited user's key is the email
			}
			users[i] = u
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkBoundedPaths(t, db, users)
	// A database whose text does not sort by code point reads prefixes by
	// LIKE: slower, with the same answers.
	defer db.SetByteOrderForTest(db.SetByteOrderForTest(false))
	checkBoundedPaths(t, db, users)
}

// checkBoundedPaths runs TestUserSearchBoundedPaths' queries on db.
func checkBoundedPaths(t *testing.T, db *store.DB, users []*roster.User) {
	ctx := t.Context()
	for _, c := range []struct {
		q, sort string
		indexed bool
	}{
		{"scim", "username", true}, {"scim39", "username", true}, {"SCIM399", "username", true}, {"cim39", "username", true},
		{"nobody-here", "username", true}, {"scim39", "created", true}, {"scim", "created", false}, {"corp.example", "username", false},
	} {
		var indexed, byteOrder bool
		err := db.Read(ctx, func(tx *store.Tx) error {
			var err error
			indexed, byteOrder, err = tx.SearchIndexedForTest(ctx, roster.DefaultOrgID, strings.ToLower(c.q), c.sort)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if byteOrder && indexed != c.indexed {
			t.Errorf("search %q by %s: indexed %v, want %v", c.q, c.sort, indexed, c.indexed)
		}
		if c.sort != "username" {
			continue
		}
		want := scanUsers(users, store.UserFilter{Query: c.q})
		for _, desc := range []bool{false, true} {
			for _, limit := range []int{7, 200} {
				got := pageAll(t, db, store.UserFilter{Query: c.q, Limit: limit, Desc: desc})
				if desc {
					slices.Reverse(got)
				}
				if storetest.Engine() != store.SQLite {
					slices.Sort(got)
					want := slices.Clone(want)
					slices.Sort(want)
					if !slices.Equal(got, want) {
						t.Errorf("search %q desc=%v limit %d: got %d users, want %d", c.q, desc, limit, len(got), len(want))
					}
					continue
				}
				if !slices.Equal(got, want) {
					t.Errorf("search %q desc=%v limit %d: got %d users, want %d", c.q, desc, limit, len(got), len(want))
				}
			}
		}
	}
}

// pageAll follows f's pages to the end and returns the users' ids in order.
func pageAll(t *testing.T, db *store.DB, f store.UserFilter) []string {
	t.Helper()
	var ids []string
	for {
		var page []*roster.User
		var next string
		err := db.Read(t.Context(), func(tx *store.Tx) error {
			var err error
			page, next, err = tx.ListUsers(t.Context(), roster.DefaultOrgID, f)
			return err
		})
		if err != nil {
			t.Fatalf("query %q: %v", f.Query, err)
		}
		if len(page) > f.Limit || (next != "" && len(page) != f.Limit) {
			t.Fatalf("query %q: page of %d with limit %d and next cursor %q", f.Query, len(page), f.Limit, next)
		}
		for _, u := range page {
			ids = append(ids, u.ID)
		}
		if next == "" {
			return ids
		}
		f.Cursor = next
	}
}
