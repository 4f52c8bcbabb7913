package scim_test

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/store"
)

// seedUsers inserts n SCIM-provisioned users straight through the store,
// in batches of one transaction each, which is much faster than SCIM.
func seedUsers(b testing.TB, e *apitest.Env, n int) {
	b.Helper()
	for start := 0; start < n; start += 5000 {
		err := e.DB.Tx(b.Context(), func(tx *store.Tx) error {
			for i := start; i < min(start+5000, n); i++ {
				u := &roster.User{ID: roster.NewID("u"), OrgID: roster.DefaultOrgID, Username: fmt.Sprintf("seed-%d", i),
					Email: fmt.Sprintf("seed.%d@example.com", i), Name: "Seed", Role: roster.OrgMember, Status: roster.StatusActive}
				if err := tx.CreateUser(b.Context(), u); err != nil {
					return err
				}
				p := &roster.SCIMProfile{UserID: u.ID, OrgID: u.OrgID, UserName: fmt.Sprintf("seed-%d@idp.example.com", i),
					ExternalID: "ext-" + strconv.Itoa(i), Attributes: map[string]any{"displayName": "Seed"}}
				if err := tx.PutSCIMProfile(b.Context(), p, []string{u.Email}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUserNameFilter measures `userName eq` through HTTP at
// ROSTER_BENCH_USERS users (100,000 by default) and reports p50 and p99.
func BenchmarkUserNameFilter(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("ROSTER_BENCH_USERS")); err == nil && v > 0 {
		n = v
	}
	e := apitest.New(b)
	admin := e.MustSignup("root")
	start := time.Now()
	seedUsers(b, e, n)
	b.Logf("seeded %d users in %v", n, time.Since(start))
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := url.QueryEscape(fmt.Sprintf(`userName eq "seed-%d@idp.example.com"`, rand.IntN(n)))
		t := time.Now()
		r := e.Do("GET", "/scim/v2/Users?filter="+f, nil, admin.Key)
		lat = append(lat, time.Since(t))
		if r.StatusCode != 200 {
			b.Fatalf("status %d: %s", r.StatusCode, r.Body)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkCreateUser measures SCIM user creation through HTTP with
// parallel clients.
func BenchmarkCreateUser(b *testing.B) {
	e := apitest.New(b)
	admin := e.MustSignup("root")
	var seq atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			body := fmt.Sprintf(`{"userName":"bench-%d@idp.example.com","externalId":"x-%d","name":{"givenName":"B","familyName":"%d"},
				"emails":[{"value":"bench.%d@example.com","type":"work","primary":true}]}`, i, i, i, i)
			if r := e.Do("POST", "/scim/v2/Users", body, admin.Key); r.StatusCode != 201 {
				b.Fatalf("status %d: %s", r.StatusCode, r.Body)
			}
		}
	})
}

// BenchmarkUserListDefaultPage measures GET /Users without count, as
// W&B's scripts send it: a 9999-user page at ROSTER_BENCH_USERS users
// (100,000 by default), with p50, p99, the answer's size and what serving
// it allocates (the server runs in the process).
func BenchmarkUserListDefaultPage(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("ROSTER_BENCH_USERS")); err == nil && v > 0 {
		n = v
	}
	e := apitest.New(b)
	admin := e.MustSignup("root")
	seedUsers(b, e, n)
	count := "" // ROSTER_BENCH_COUNT sets count, to compare page sizes
	if v := os.Getenv("ROSTER_BENCH_COUNT"); v != "" {
		count = "&count=" + v
	}
	lat := make([]time.Duration, 0, b.N)
	size := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		r := e.Do("GET", "/scim/v2/Users?startIndex="+strconv.Itoa(1+rand.IntN(max(1, n-9999)))+count, nil, admin.Key)
		lat = append(lat, time.Since(t))
		if r.StatusCode != 200 {
			b.Fatalf("status %d: %s", r.StatusCode, r.Body)
		}
		size = len(r.Body)
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(size)/(1<<20), "answer-MiB")
}
