package scim_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/store"
)

// heavyGroup seeds n users and a group holding them all; it returns the
// environment, the admin key, the group id and the member ids.
func heavyGroup(b testing.TB, n int) (*apitest.Env, apitest.Key, string, []string) {
	b.Helper()
	e := apitest.New(b)
	admin := e.MustSignup("root")
	seedUsers(b, e, n)
	var ids []string
	err := e.DB.Read(b.Context(), func(tx *store.Tx) error {
		users, _, err := tx.ListUsers(b.Context(), "org_default", store.UserFilter{Limit: n + 10})
		for _, u := range users {
			if u.Username != "root" {
				ids = append(ids, u.ID)
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	members := make([]map[string]string, 0, len(ids))
	for _, id := range ids {
		members = append(members, map[string]string{"value": id})
	}
	body, _ := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "Heavy", "members": members[:min(len(members), 1000)]})
	r := e.Do("POST", "/scim/v2/Groups", string(body), admin.Key)
	if r.StatusCode != 201 {
		b.Fatalf("create group: %d %s", r.StatusCode, r.Body)
	}
	return e, admin.Key, r.Map(b)["id"].(string), ids
}

// filterTerms is a value filter with n `or` terms on members.
func filterTerms(n int) string {
	terms := make([]string, n)
	for i := range terms {
		terms[i] = fmt.Sprintf(`value eq "%c"`, rune(0x30+i%10))
	}
	return "members[" + strings.Join(terms, " or ") + "]"
}

// #19: a PATCH within the documented bounds whose work would hold the
// writer for seconds is refused up front, on either side of the bound:
// too many filter comparisons, or too many membership changes.
func TestHeavySCIMPatchIsRefused(t *testing.T) {
	e, key, group, ids := heavyGroup(t, 2300)
	var ops []string
	for range 300 {
		ops = append(ops, `{"op":"remove","path":`+quote(filterTerms(32))+`}`)
	}
	r := e.Do("PATCH", "/scim/v2/Groups/"+group, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`+strings.Join(ops, ",")+`]}`, key)
	if r.StatusCode != 400 || !strings.Contains(string(r.Body), `"tooMany"`) {
		t.Errorf("300 filtered removes over 1,000 members: status %d: %.300s", r.StatusCode, r.Body)
	}
	var add []string
	for _, id := range ids[1000:1001] {
		add = append(add, `{"op":"remove","path":"members[value eq \"`+ids[0]+`\"]"}`, `{"op":"add","path":"members","value":[{"value":"`+id+`"}]}`)
	}
	r = e.Do("PATCH", "/scim/v2/Groups/"+group, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`+strings.Join(add[:2], ",")+`]}`, key)
	if r.StatusCode != 200 {
		t.Fatalf("a small PATCH: status %d: %.300s", r.StatusCode, r.Body)
	}
	put := map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "Heavy"}
	var members []map[string]string
	for _, id := range ids[1100:] { // 1,200 join, 999 leave
		members = append(members, map[string]string{"value": id})
	}
	put["members"] = members
	body, _ := json.Marshal(put)
	r = e.Do("PUT", "/scim/v2/Groups/"+group, string(body), key)
	if r.StatusCode != 400 || !strings.Contains(string(r.Body), "at most 1000 members") {
		t.Errorf("a PUT changing 2,199 memberships: status %d: %.300s", r.StatusCode, r.Body)
	}
}

// BenchmarkHeavySCIMPatch measures the worst PATCHes within the documented
// bounds (1,000 operations, 63-term filters, large member lists): each op
// is one request, and its time is how long it holds the writer.
func BenchmarkHeavySCIMPatch(b *testing.B) {
	e, key, group, ids := heavyGroup(b, 10000)
	filter := filterTerms(32) // 32 comparisons and 31 ors: 63 terms
	var ops []string
	for range 1000 {
		ops = append(ops, `{"op":"remove","path":`+quote(filter)+`}`)
	}
	filtered := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + strings.Join(ops, ",") + `]}`
	// The same with 1,000 different filters: each is parsed, before the
	// transaction.
	distinct := make([]string, len(ops))
	for i := range distinct {
		distinct[i] = `{"op":"remove","path":` + quote(strings.Replace(filter, `"0"`, fmt.Sprintf(`"x%d"`, i), 1)) + `}`
	}
	other := e.Do("POST", "/scim/v2/Groups", `{"displayName":"Other"}`, key).Map(b)["id"].(string)
	for _, c := range []struct{ name, body string }{
		{"1000-filtered-removes", filtered},
		{"1000-distinct-filtered-removes", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + strings.Join(distinct, ",") + `]}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				start := time.Now()
				var r *apitest.Response
				blocked := slowestWriteDuring(b, e, key, other, func() { r = e.Do("PATCH", "/scim/v2/Groups/"+group, c.body, key) })
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/patch")
				b.ReportMetric(float64(blocked.Milliseconds()), "ms/slowest-other-write")
				b.Logf("status %d in %v (%d bytes), slowest other write %v: %.200s", r.StatusCode, time.Since(start), len(c.body), blocked, r.Body)
			}
		})
	}
	patchMembers := func(from, to int) string {
		var add []string
		for _, id := range ids[from:to] {
			add = append(add, `{"value":"`+id+`"}`)
		}
		return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[` + strings.Join(add, ",") + `]}]}`
	}
	for _, c := range []struct {
		name     string
		from, to int
	}{{"add-1000-members", 1000, 2000}, {"add-8000-members", 2000, 10000}} {
		body := patchMembers(c.from, c.to)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				start := time.Now()
				r := e.Do("PATCH", "/scim/v2/Groups/"+group, body, key)
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/patch")
				b.Logf("status %d in %v (%d bytes): %.160s", r.StatusCode, time.Since(start), len(body), r.Body)
			}
		})
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// slowestWriteDuring runs heavy while renaming group other again and
// again, and returns the longest a rename took: how long heavy held the
// writes of the instance.
func slowestWriteDuring(b *testing.B, e *apitest.Env, key apitest.Key, other string, heavy func()) time.Duration {
	done := make(chan struct{})
	slowest := make(chan time.Duration)
	go func() {
		var worst time.Duration
		for i := 0; ; i++ {
			select {
			case <-done:
				slowest <- worst
				return
			default:
			}
			start := time.Now()
			r := e.Do("PATCH", "/scim/v2/Groups/"+other, replaceOp("displayName", fmt.Sprintf("Other %d", i)), key)
			if r.StatusCode != 200 {
				b.Errorf("rename during the heavy PATCH: %d %s", r.StatusCode, r.Body)
			}
			worst = max(worst, time.Since(start))
		}
	}()
	heavy()
	close(done)
	return <-slowest
}
