package scim_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// Concurrent SCIM changes (issue #19, C5): two PATCHes of different
// fields of one resource both answered 200 must both be kept, and of two
// PATCHes sent with the same If-Match exactly one may succeed; the other
// is 412 and changes nothing. ROSTER_RACE_TRIALS=200 runs 200 trials.

// send is a SCIM request with an If-Match header ("" for none), safe to
// call from the goroutines of a race.
func (p *idp) send(method, path, body, match string) *apitest.Response {
	req, err := http.NewRequestWithContext(p.t.Context(), method, p.e.Server.URL+"/scim/v2"+path, strings.NewReader(body))
	if err != nil {
		p.t.Errorf("new request: %v", err)
		return nil
	}
	req.Header.Set("Content-Type", "application/scim+json")
	req.Header.Set("Authorization", "Bearer "+string(p.key))
	if match != "" {
		req.Header.Set("If-Match", match)
	}
	resp, err := p.e.Server.Client().Do(req)
	if err != nil {
		p.t.Errorf("%s %s: %v", method, path, err)
		return nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return &apitest.Response{Response: resp, Body: data}
}

func replaceOp(path, value string) string {
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":%q,"value":%q}]}`, path, value)
}

// oneWinsIfMatch races two PATCHes of path, bodies a(i) through p and
// b(i) through q (p again, or a second server on the same database), both
// sent with the ETag just read, and fails unless in every trial exactly
// one is answered 200, the other 412, and only the winner's edit is in
// the resource: kept(i) reports whether a's and b's edits are there.
func oneWinsIfMatch(t *testing.T, p, q *idp, what, path string, a, b func(i int) string, kept func(i int) (bool, bool)) {
	t.Helper()
	n := apitest.Trials(t)
	both, wrong := 0, 0
	for i := range n {
		etag := p.send("GET", path, "", "").Header.Get("ETag")
		var ra, rb *apitest.Response
		apitest.Race(func() { ra = p.send("PATCH", path, a(i), etag) }, func() { rb = q.send("PATCH", path, b(i), etag) })
		if ra == nil || rb == nil {
			t.FailNow()
		}
		aKept, bKept := kept(i)
		switch {
		case ra.StatusCode == 200 && rb.StatusCode == 200:
			both++
		case ra.StatusCode == 200 && rb.StatusCode == 412 && aKept && !bKept:
		case ra.StatusCode == 412 && rb.StatusCode == 200 && bKept && !aKept:
		default:
			wrong++
			t.Logf("trial %d: answers %d and %d, edits kept %v and %v: %s %s", i, ra.StatusCode, rb.StatusCode, aKept, bKept, ra.Body, rb.Body)
		}
	}
	t.Logf("%s: %d of %d trials let both PATCHes with one If-Match succeed", what, both, n)
	if both > 0 || wrong > 0 {
		t.Errorf("%s: %d of %d trials both succeeded with one If-Match, %d answered otherwise wrongly", what, both, n, wrong)
	}
}

// TestGroupPatchesBothKept races a group's displayName with its members.
func TestGroupPatchesBothKept(t *testing.T) {
	p, _ := newIdP(t)
	g := "/Groups/" + p.do(201, "POST", "/Groups", `{"displayName":"Vision"}`)["id"].(string)
	user := p.do(201, "POST", "/Users", alice)["id"].(string)
	apitest.NoneLost(t, "group displayName vs members",
		func(i int) *apitest.Response {
			return p.send("PATCH", g, replaceOp("displayName", fmt.Sprintf("Vision %d", i)), "")
		},
		func(i int) *apitest.Response {
			op := `{"op":"add","path":"members","value":[{"value":"` + user + `"}]}`
			if i%2 == 1 {
				op = `{"op":"remove","path":"members[value eq \"` + user + `\"]"}`
			}
			return p.send("PATCH", g, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`+op+`]}`, "")
		},
		func(i int) bool {
			doc := p.do(200, "GET", g, nil)
			return doc["displayName"] == fmt.Sprintf("Vision %d", i) && (get(doc, "members", "0", "value") == user) == (i%2 == 0)
		})
}

// TestRolePatchesBothKept races two PATCHes that each add (or remove) a
// different permission of one role.
func TestRolePatchesBothKept(t *testing.T) {
	p, _ := newIdP(t)
	r := "/Roles/" + p.do(201, "POST", "/Roles", `{"name":"auditor","inheritedFrom":"viewer"}`)["id"].(string)
	perm := func(name string) func(i int) *apitest.Response {
		return func(i int) *apitest.Response {
			op := `{"op":"add","path":"permissions","value":[{"name":"` + name + `"}]}`
			if i%2 == 1 {
				op = `{"op":"remove","path":"permissions[name eq \"` + name + `\"]"}`
			}
			return p.send("PATCH", r, `{"Operations":[`+op+`]}`, "")
		}
	}
	apitest.NoneLost(t, "role permission vs permission", perm("run:stop"), perm("run:delete"), func(i int) bool {
		names := map[string]bool{}
		for _, e := range p.do(200, "GET", r, nil)["permissions"].([]any) {
			names[get(e, "name").(string)] = true
		}
		return names["run:stop"] == (i%2 == 0) && names["run:delete"] == (i%2 == 0)
	})
}

// TestRolePutAndSCIMPatchBothKept races a REST PUT of a custom role's
// description with a SCIM PATCH adding a permission: whichever goes
// first, the PATCH must not write back the description it read before.
func TestRolePutAndSCIMPatchBothKept(t *testing.T) {
	p, _ := newIdP(t)
	id := p.do(201, "POST", "/Roles", `{"name":"auditor","inheritedFrom":"viewer"}`)["id"].(string)
	apitest.NoneLost(t, "REST role PUT vs SCIM role PATCH",
		func(i int) *apitest.Response {
			return p.e.Do("PUT", "/api/v1/roles/"+id, map[string]any{"name": "auditor", "description": fmt.Sprintf("d %d", i),
				"base": "viewer", "permissions": []string{}}, p.key)
		},
		func(i int) *apitest.Response {
			return p.send("PATCH", "/Roles/"+id, `{"Operations":[{"op":"add","path":"permissions","value":[{"name":"run:stop"}]}]}`, "")
		},
		func(i int) bool { return p.do(200, "GET", "/Roles/"+id, nil)["description"] == fmt.Sprintf("d %d", i) })
}

// TestUserPatchesBothKept races a user's title with its externalId.
func TestUserPatchesBothKept(t *testing.T) {
	p, _ := newIdP(t)
	u := "/Users/" + p.do(201, "POST", "/Users", alice)["id"].(string)
	apitest.NoneLost(t, "user title vs externalId",
		func(i int) *apitest.Response {
			return p.send("PATCH", u, replaceOp("title", fmt.Sprintf("t %d", i)), "")
		},
		func(i int) *apitest.Response {
			return p.send("PATCH", u, replaceOp("externalId", fmt.Sprintf("x %d", i)), "")
		},
		func(i int) bool {
			doc := p.do(200, "GET", u, nil)
			return doc["title"] == fmt.Sprintf("t %d", i) && doc["externalId"] == fmt.Sprintf("x %d", i)
		})
}

// TestSCIMAndRESTUserEditsBothKept races a SCIM PATCH of a member's
// displayName (their name), which takes no organization lock, with an
// admin changing the member's role through REST, which does: each writes
// the whole user row, so without the row's check (store.Tx.UpdateUser)
// one would write back what the other replaced.
func TestSCIMAndRESTUserEditsBothKept(t *testing.T) {
	p, admin := newIdP(t)
	bob := p.e.MustUser(admin.Key, "bob", "member")
	u := "/Users/" + bob.ID
	role := func(i int) string { return []string{"viewer", "member"}[i%2] }
	apitest.NoneLost(t, "SCIM name vs REST role",
		func(i int) *apitest.Response {
			return p.send("PATCH", u, replaceOp("displayName", fmt.Sprintf("Bob %d", i)), "")
		},
		func(i int) *apitest.Response {
			return p.e.Do("PATCH", "/api/v1/users/bob", map[string]any{"role": role(i)}, admin.Key)
		},
		func(i int) bool {
			got := p.e.Must(200, "GET", "/api/v1/users/bob", nil, admin.Key).Map(t)
			return got["name"] == fmt.Sprintf("Bob %d", i) && got["role"] == role(i)
		})
}

// TestIfMatchOneWins: of two PATCHes sent with the same If-Match to a
// group, a role or a user, one succeeds and the other is 412.
func TestIfMatchOneWins(t *testing.T) {
	p, _ := newIdP(t)
	g := "/Groups/" + p.do(201, "POST", "/Groups", `{"displayName":"Vision"}`)["id"].(string)
	oneWinsIfMatch(t, p, p, "Groups", g,
		func(i int) string { return replaceOp("displayName", fmt.Sprintf("Vision %d", i)) },
		func(i int) string { return replaceOp("externalId", fmt.Sprintf("x %d", i)) },
		func(i int) (bool, bool) {
			doc := p.do(200, "GET", g, nil)
			return doc["displayName"] == fmt.Sprintf("Vision %d", i), doc["externalId"] == fmt.Sprintf("x %d", i)
		})
	r := "/Roles/" + p.do(201, "POST", "/Roles", `{"name":"auditor","inheritedFrom":"viewer"}`)["id"].(string)
	oneWinsIfMatch(t, p, p, "Roles", r,
		func(i int) string { return replaceOp("description", fmt.Sprintf("d %d", i)) },
		func(i int) string { return replaceOp("name", fmt.Sprintf("auditor-%d", i)) },
		func(i int) (bool, bool) {
			doc := p.do(200, "GET", r, nil)
			return doc["description"] == fmt.Sprintf("d %d", i), doc["name"] == fmt.Sprintf("auditor-%d", i)
		})
	u := "/Users/" + p.do(201, "POST", "/Users", alice)["id"].(string)
	oneWinsIfMatch(t, p, p, "Users", u,
		func(i int) string { return replaceOp("title", fmt.Sprintf("t %d", i)) },
		func(i int) string { return replaceOp("externalId", fmt.Sprintf("x %d", i)) },
		func(i int) (bool, bool) {
			doc := p.do(200, "GET", u, nil)
			return doc["title"] == fmt.Sprintf("t %d", i), doc["externalId"] == fmt.Sprintf("x %d", i)
		})
}

// TestIfMatchOneWinsAcrossServers sends the two PATCHes with one If-Match
// through two servers on one database, as several Roster processes share
// PostgreSQL: the version is compared under a lock the database holds.
func TestIfMatchOneWinsAcrossServers(t *testing.T) {
	p, _ := newIdP(t)
	q := &idp{t: t, e: apitest.NewWith(t, apitest.Options{DBURL: p.e.DBURL}), key: p.key}
	g := "/Groups/" + p.do(201, "POST", "/Groups", `{"displayName":"Vision"}`)["id"].(string)
	oneWinsIfMatch(t, p, q, "Groups, two servers", g,
		func(i int) string { return replaceOp("displayName", fmt.Sprintf("Vision %d", i)) },
		func(i int) string { return replaceOp("externalId", fmt.Sprintf("x %d", i)) },
		func(i int) (bool, bool) {
			doc := q.do(200, "GET", g, nil)
			return doc["displayName"] == fmt.Sprintf("Vision %d", i), doc["externalId"] == fmt.Sprintf("x %d", i)
		})
	u := "/Users/" + p.do(201, "POST", "/Users", alice)["id"].(string)
	oneWinsIfMatch(t, q, p, "Users, two servers", u,
		func(i int) string { return replaceOp("title", fmt.Sprintf("t %d", i)) },
		func(i int) string { return replaceOp("externalId", fmt.Sprintf("x %d", i)) },
		func(i int) (bool, bool) {
			doc := p.do(200, "GET", u, nil)
			return doc["title"] == fmt.Sprintf("t %d", i), doc["externalId"] == fmt.Sprintf("x %d", i)
		})
}
