package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"testing"

	"roster/internal/apitest"
)

// searchOrg builds an organization to search: people with distinct
// usernames, names and emails in every role and status, twenty fillers, and
// a removed user nobody may find. Invited users are labelled by email.
func searchOrg(t *testing.T) (*apitest.Env, apitest.User) {
	t.Helper()
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	people := []struct{ username, email, name, role string }{
		{"ada", "ada@math.example.org", "Ada Lovelace", "member"},
		{"grace_h", "grace@navy.example.mil", "Grace Hopper", "viewer"},
		{"alan-t", "alan@bletchley.example.co.uk", "Alan Turing", "admin"},
		{"linus", "linus@kernel.example.org", "Linus Torvalds", "member"},
		{"ken", "ken@bell.example.com", "Ken Thompson", "member"},
		{"Rob", "rob@bell.example.com", "Rob Pike", "member"},
	}
	for _, p := range people {
		newUser(t, e, admin.Key, p.username, p.email, p.name, p.role)
	}
	for i := 1; i <= 20; i++ {
		newUser(t, e, admin.Key, fmt.Sprintf("user%02d", i), fmt.Sprintf("user%02d@fill.example.net", i), "", "member")
	}
	e.MustInvite(admin.Key, "Margaret@Apollo.example.com", "viewer")
	e.Must(200, "POST", "/api/v1/users/linus/deactivate", nil, admin.Key)
	e.Must(204, "DELETE", "/api/v1/users/Rob", nil, admin.Key)
	return e, admin
}

func fillers() []string {
	var out []string
	for i := 1; i <= 20; i++ {
		out = append(out, fmt.Sprintf("user%02d", i))
	}
	return out
}

// O12: the user list is searchable by username, name and email, by prefix
// and substring in any case, filterable by role and status, and never
// shows removed users. Queries under three characters match the start of
// the username (an invited user's email) only (README).
func TestUserSearchAndFilters(t *testing.T) {
	e, admin := searchOrg(t)
	everyone := append([]string{"ada", "alan-t", "alice", "grace_h", "ken", "linus", "Margaret@Apollo.example.com"}, fillers()...)
	members := append([]string{"ada", "ken", "linus"}, fillers()...)
	active := append([]string{"ada", "alan-t", "alice", "grace_h", "ken"}, fillers()...)
	tests := []struct {
		name   string
		params url.Values
		want   []string
	}{
		{"everyone", url.Values{}, everyone},
		{"username prefix", url.Values{"query": {"gra"}}, []string{"grace_h"}},
		{"username substring", url.Values{"query": {"ace_"}}, []string{"grace_h"}},
		{"username in upper case", url.Values{"query": {"ALAN-T"}}, []string{"alan-t"}},
		{"whole username", url.Values{"query": {"ken"}}, []string{"ken"}},
		{"name prefix", url.Values{"query": {"Ada Lo"}}, []string{"ada"}},
		{"name substring", url.Values{"query": {"lovelace"}}, []string{"ada"}},
		{"name substring in upper case", url.Values{"query": {"HOPP"}}, []string{"grace_h"}},
		{"name with a space", url.Values{"query": {"ken th"}}, []string{"ken"}},
		{"email prefix", url.Values{"query": {"alan@"}}, []string{"alan-t"}},
		{"email substring", url.Values{"query": {"math.example"}}, []string{"ada"}},
		{"email domain", url.Values{"query": {"example.org"}}, []string{"ada", "linus"}},
		{"email of an invited user", url.Values{"query": {"apollo"}}, []string{"Margaret@Apollo.example.com"}},
		{"email in other case", url.Values{"query": {"margaret@apollo"}}, []string{"Margaret@Apollo.example.com"}},
		{"substring in several fields", url.Values{"query": {"ker"}}, []string{"linus"}},
		{"two characters match the username's start", url.Values{"query": {"ke"}}, []string{"ken"}},
		{"two characters do not match inside", url.Values{"query": {"nu"}}, nil},
		{"one character matches an invited user's email start", url.Values{"query": {"M"}}, []string{"Margaret@Apollo.example.com"}},
		{"deactivated user", url.Values{"query": {"torvalds"}}, []string{"linus"}},
		{"removed user", url.Values{"query": {"rob"}}, nil},
		{"removed user's email", url.Values{"query": {"rob@bell"}}, nil},
		{"no match", url.Values{"query": {"zzz"}}, nil},
		{"underscore is literal", url.Values{"query": {"_"}}, nil},
		{"underscore is literal inside", url.Values{"query": {"n_t"}}, nil},
		{"percent is literal", url.Values{"query": {"%"}}, nil},
		{"percent is literal inside", url.Values{"query": {"a%e"}}, nil},
		{"backslash is literal", url.Values{"query": {`\`}}, nil},
		{"fillers", url.Values{"query": {"fill.example"}}, fillers()},
		{"blank query", url.Values{"query": {"  "}}, everyone},
		{"admins", url.Values{"role": {"admin"}}, []string{"alan-t", "alice"}},
		{"viewers", url.Values{"role": {"viewer"}}, []string{"Margaret@Apollo.example.com", "grace_h"}},
		{"members", url.Values{"role": {"member"}}, members},
		{"role in upper case", url.Values{"role": {"ADMIN"}}, []string{"alan-t", "alice"}},
		{"invited", url.Values{"status": {"invited"}}, []string{"Margaret@Apollo.example.com"}},
		{"deactivated", url.Values{"status": {"deactivated"}}, []string{"linus"}},
		{"active", url.Values{"status": {"active"}}, active},
		{"active viewers", url.Values{"status": {"active"}, "role": {"viewer"}}, []string{"grace_h"}},
		{"deactivated members", url.Values{"status": {"deactivated"}, "role": {"member"}}, []string{"linus"}},
		{"active members in .org", url.Values{"status": {"active"}, "role": {"member"}, "query": {".org"}}, []string{"ada"}},
		{"admins named a", url.Values{"role": {"admin"}, "query": {"al"}}, []string{"alan-t", "alice"}},
		{"no active admin viewer", url.Values{"status": {"invited"}, "role": {"admin"}}, nil},
	}
	for _, tc := range tests {
		for _, limit := range []string{"", "1", "3", "200"} {
			t.Run(tc.name+"/limit "+limit, func(t *testing.T) {
				params := url.Values{}
				for k, v := range tc.params {
					params[k] = v
				}
				if limit != "" {
					params.Set("limit", limit)
				}
				got := labels(listAll(t, e, admin.Key, params))
				wantSet(t, got, tc.want)
			})
		}
	}
}

// O12: paging with next_cursor visits every user exactly once, whatever
// the page size, and each page respects the limit and the order.
func TestUserListPagination(t *testing.T) {
	e, admin := searchOrg(t)
	all := labels(listAll(t, e, admin.Key, url.Values{"limit": {"200"}}))
	if len(all) != 27 {
		t.Fatalf("%d users, want 27: %v", len(all), all)
	}
	for _, limit := range []int{1, 2, 3, 7, 26, 27, 28, 50} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			got := labels(listAll(t, e, admin.Key, url.Values{"limit": {fmt.Sprint(limit)}}))
			if !slices.Equal(got, all) {
				t.Errorf("pages of %d: %v\nwant the single page's %v", limit, got, all)
			}
		})
	}
	// Without a limit a page holds 50: all 27 users, and no next cursor.
	var p struct {
		Users      []apiUser `json:"users"`
		NextCursor string    `json:"next_cursor"`
	}
	e.Must(200, "GET", "/api/v1/users", nil, admin.Key).JSON(t, &p)
	if len(p.Users) != 27 || p.NextCursor != "" {
		t.Errorf("default page: %d users, cursor %q", len(p.Users), p.NextCursor)
	}
	// A cursor keeps working when users are added behind it and ahead of it.
	e.Must(200, "GET", "/api/v1/users?limit=5", nil, admin.Key).JSON(t, &p)
	newUser(t, e, admin.Key, "aaron", "aaron@example.com", "", "member")
	newUser(t, e, admin.Key, "zoe", "zoe@example.com", "", "member")
	rest := labels(listAll(t, e, admin.Key, url.Values{"limit": {"4"}, "cursor": {p.NextCursor}}))
	seen := map[string]int{}
	for _, l := range append(labels(p.Users), rest...) {
		seen[l]++
		if seen[l] > 1 {
			t.Errorf("%s listed twice across pages", l)
		}
	}
	for _, l := range all {
		if seen[l] != 1 {
			t.Errorf("%s missing from the pages", l)
		}
	}
	if seen["zoe"] != 1 {
		t.Errorf("zoe, added ahead of the cursor, missing")
	}
}

// wantSet reports an error unless got holds want's labels exactly once
// each, in any order.
func wantSet(t *testing.T, got, want []string) {
	t.Helper()
	g := slices.Clone(got)
	w := slices.Clone(want)
	sort.Strings(g)
	sort.Strings(w)
	if !slices.Equal(g, w) {
		t.Errorf("got %v, want %v", g, w)
	}
}
