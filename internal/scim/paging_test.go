package scim_test

import (
	"fmt"
	"testing"
)

// ids are the ids of a list's resources, in order.
func ids(res []map[string]any) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i], _ = r["id"].(string)
	}
	return out
}

// samePage fails unless got is want[from:from+n] (clipped to want).
func samePage(t *testing.T, what string, got, want []string, from, n int) {
	t.Helper()
	lo := min(from, len(want))
	exp := want[lo:min(lo+n, len(want))]
	if fmt.Sprint(got) != fmt.Sprint(exp) {
		t.Fatalf("%s: got %d ids %v, want %d ids %v", what, len(got), got, len(exp), exp)
	}
}

// TestUserPagingAcrossBatches pins list paging over more users than one
// scan batch: 1-based startIndex in the stable creation order, count
// cut to 9999 and 9999 by default (W&B's), totalResults counting every match, for
// no filter, a filter no index answers and an indexed one.
func TestUserPagingAcrossBatches(t *testing.T) {
	p, admin := newIdP(t)
	const n = 1203
	seedUsers(t, p.e, n)
	all := ids(list(t, p.do(200, "GET", "/Users?count=1000", nil), n+1))
	all = append(all, ids(list(t, p.do(200, "GET", "/Users?startIndex=1001&count=1000", nil), n+1))...)
	if len(all) != n+1 {
		t.Fatalf("%d users listed, want %d", len(all), n+1)
	}
	samePage(t, "default count", ids(list(t, p.do(200, "GET", "/Users", nil), n+1)), all, 0, n+1)
	samePage(t, "count above the maximum", ids(list(t, p.do(200, "GET", "/Users?startIndex=3&count=50000", nil), n+1)), all, 2, n+1)
	samePage(t, "last page", ids(list(t, p.do(200, "GET", "/Users?startIndex=1200&count=10", nil), n+1)), all, 1199, 10)
	samePage(t, "past the end", ids(list(t, p.do(200, "GET", "/Users?startIndex=2000", nil), n+1)), all, 2000, 100)

	// Every seeded user (not the admin) matches; a page straddles the
	// boundary between two scan batches.
	var seeded []string
	for _, id := range all {
		if id != admin.ID {
			seeded = append(seeded, id)
		}
	}
	f := q(`userName sw "seed-"`)
	samePage(t, "scan across batches", ids(list(t, p.do(200, "GET", "/Users?filter="+f+"&startIndex=498&count=5", nil), n)), seeded, 497, 5)
	samePage(t, "scan past 1000", ids(list(t, p.do(200, "GET", "/Users?filter="+f+"&startIndex=1001&count=1000", nil), n)), seeded, 1000, 1000)
	list(t, p.do(200, "GET", "/Users?filter="+f+"&count=0", nil), n)

	// An indexed filter: two users, in creation order, paged.
	byName := map[string]string{}
	for _, r := range list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "seed-7@idp.example.com" or externalId eq "ext-1100"`), nil), 2) {
		byName[r["userName"].(string)] = r["id"].(string)
	}
	two := []string{}
	for _, id := range seeded {
		if id == byName["seed-7@idp.example.com"] || id == byName["seed-1100@idp.example.com"] {
			two = append(two, id)
		}
	}
	f = q(`userName eq "seed-7@idp.example.com" or externalId eq "ext-1100"`)
	samePage(t, "indexed page", ids(list(t, p.do(200, "GET", "/Users?filter="+f+"&startIndex=2&count=1", nil), 2)), two, 1, 1)
}

// TestGroupPaging pins list paging of groups, without a filter, with an
// indexed one and with one no index answers.
func TestGroupPaging(t *testing.T) {
	p, _ := newIdP(t)
	var made []string
	for _, name := range []string{"Gamma", "Alpha", "Beta", "Golf"} {
		made = append(made, p.do(201, "POST", "/Groups", fmt.Sprintf(`{"displayName":%q}`, name))["id"].(string))
	}
	all := ids(list(t, p.do(200, "GET", "/Groups", nil), len(made)))
	samePage(t, "window", ids(list(t, p.do(200, "GET", "/Groups?startIndex=2&count=2", nil), len(made))), all, 1, 2)
	samePage(t, "past the end", ids(list(t, p.do(200, "GET", "/Groups?startIndex=9", nil), len(made))), all, 8, 100)
	list(t, p.do(200, "GET", "/Groups?count=0", nil), len(made))
	var gs []string
	for _, id := range all {
		if id == made[0] || id == made[3] {
			gs = append(gs, id)
		}
	}
	samePage(t, "scan", ids(list(t, p.do(200, "GET", "/Groups?filter="+q(`displayName sw "G"`)+"&startIndex=2&count=1", nil), 2)), gs, 1, 1)
	f := q(`displayName eq "Golf" or displayName eq "Gamma"`)
	samePage(t, "indexed", ids(list(t, p.do(200, "GET", "/Groups?filter="+f+"&startIndex=1&count=1", nil), 2)), gs, 0, 1)
}
