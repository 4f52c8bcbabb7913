package scim_test

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/store"
)

// BenchmarkUnadoptedUserNameFilter measures `userName eq "<email>"` for
// users SCIM never touched (the look-up before adoption) at
// ROSTER_BENCH_USERS users (100,000 by default), with p50 and p99.
func BenchmarkUnadoptedUserNameFilter(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("ROSTER_BENCH_USERS")); err == nil && v > 0 {
		n = v
	}
	e := apitest.New(b)
	admin := e.MustSignup("root")
	for start := 0; start < n; start += 5000 {
		err := e.DB.Tx(b.Context(), func(tx *store.Tx) error {
			for i := start; i < min(start+5000, n); i++ {
				u := &roster.User{ID: roster.NewID("u"), OrgID: roster.DefaultOrgID, Username: fmt.Sprintf("pre-%d", i),
					Email: fmt.Sprintf("pre.%d@example.com", i), Name: "Pre Existing", Role: roster.OrgMember, Status: roster.StatusActive}
				if err := tx.CreateUser(b.Context(), u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := url.QueryEscape(fmt.Sprintf(`userName eq "Pre.%d@example.com"`, rand.IntN(n)))
		t := time.Now()
		r := e.Do("GET", "/scim/v2/Users?filter="+f, nil, admin.Key)
		lat = append(lat, time.Since(t))
		if r.StatusCode != 200 || !bytesContain(r.Body, `"totalResults":1`) {
			b.Fatalf("status %d: %s", r.StatusCode, r.Body)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

func bytesContain(b []byte, s string) bool { return strings.Contains(string(b), s) }
