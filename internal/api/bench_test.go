package api_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/auth"
	"roster/internal/store"
)

// Run with:
//
//	go test -run '^$' -bench . -benchtime 2000x ./internal/api/
//
// and on PostgreSQL after `source scripts/pg.sh`. Each benchmark function
// seeds its own database once (100,000 users) and measures in sub-benchmarks,
// so the seeding is not repeated as the framework grows b.N. Every request's
// duration is recorded; p50 and p99 are reported next to the mean (ns/op).

const (
	benchUsers     = 100_000
	benchBatch     = 10_000 // users per seeding transaction
	benchQueryPool = 64     // distinct queries per kind
)

// benchEnv is a server on a database seeded with benchUsers users.
type benchEnv struct {
	e       *apitest.Env
	admin   apitest.User
	handler http.Handler // the whole server handler, middleware included
	queries map[string][]string
}

// searchKinds are the query kinds of BenchmarkUserSearch, in order.
var searchKinds = []string{"prefix", "domain", "rare", "none"}

var (
	benchFirst = strings.Fields(`james mary john patricia robert jennifer michael linda william elizabeth
		david barbara richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy
		matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna
		joshua michelle kenneth carol kevin amanda brian dorothy george melissa timothy deborah ronald
		stephanie edward rebecca jason sharon jeffrey laura ryan cynthia jacob kathleen gary amy nicholas
		angela eric shirley jonathan anna stephen brenda larry pamela justin emma scott nicole brandon
		helen benjamin samantha samuel katherine gregory christine alexander debra frank rachel patrick
		carolyn raymond janet jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie
		adam olivia nathan joyce henry virginia zoë josé øyvind siobhan mateus aiko priya wei chloé lukas
		ngozi thiago fatima björn ingrid kenji amara rafael yusuf elif`)
	benchLast = strings.Fields(`smith johnson williams brown jones garcia miller davis rodriguez martinez
		hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white
		harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill
		flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans
		turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez
		ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks
		chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long
		ross foster jimenez müller schmidt o'brien kowalski nakamura okafor silva johansson dubois rossi
		novak tanaka haddad kaur singh fernández van-der-berg ivanova petrov lindqvist ferreira`)
	benchDomains = strings.Fields(`gmail.com gmail.com gmail.com gmail.com outlook.com outlook.com
		yahoo.com acme-corp.com acme-corp.com acme-corp.com acme-corp.com globex.io globex.io
		initech.net initech.net umbrella.co.uk hooli.xyz contoso.com fastmail.fm proton.me
		northwind-traders.com wayne-enterprises.com`)
)

// seededUser is a generated user with the lowercased text search matches.
type seededUser struct {
	u      roster.User
	search string
}

// genUsers makes n varied users, deterministically.
func genUsers(n int) []seededUser {
	rng := rand.New(rand.NewPCG(2024, 100_000))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	title := func(s string) string {
		var b strings.Builder
		up := true
		for _, r := range s {
			if up {
				b.WriteString(strings.ToUpper(string(r)))
			} else {
				b.WriteRune(r)
			}
			up = r == '-' || r == '\''
		}
		return b.String()
	}
	ascii := func(s string) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
				return r
			case r == 'ö' || r == 'ø':
				return 'o'
			case r == 'ü':
				return 'u'
			case r == 'é':
				return 'e'
			case r == 'ë':
				return 'e'
			case r == 'á':
				return 'a'
			}
			return -1
		}, s)
	}
	usedName, usedEmail := map[string]bool{}, map[string]bool{}
	unique := func(used map[string]bool, base string) string {
		s := base
		for used[s] {
			s = fmt.Sprintf("%s%d", base, rng.IntN(1000))
		}
		used[s] = true
		return s
	}
	users := make([]seededUser, 0, n)
	for range n {
		first, last := pick(benchFirst), pick(benchLast)
		f, l := ascii(first), ascii(last)
		var username string
		switch rng.IntN(6) {
		case 0:
			username = f + l
		case 1:
			username = f[:1] + l
		case 2:
			username = f + "_" + l
		case 3:
			username = l + f[:1]
		case 4:
			username = f + "-" + l[:min(3, len(l))]
		default:
			username = fmt.Sprintf("%s%d", f, rng.IntN(100))
		}
		username = unique(usedName, username)
		var local string
		switch rng.IntN(3) {
		case 0:
			local = f + "." + l
		case 1:
			local = f[:1] + l
		default:
			local = f + "_" + l + fmt.Sprint(rng.IntN(100))
		}
		email := unique(usedEmail, local+"@"+pick(benchDomains))
		if rng.IntN(5) == 0 {
			email = strings.ToUpper(email[:1]) + email[1:] // mixed case, as people type them
		}
		u := roster.User{ID: roster.NewID("u"), OrgID: roster.DefaultOrgID, Username: username, Email: email,
			Name: title(first) + " " + title(last), Role: roster.OrgMember, Status: roster.StatusActive}
		switch r := rng.IntN(100); {
		case r < 3:
			u.Role = roster.OrgAdmin
		case r < 15:
			u.Role = roster.OrgViewer
		}
		switch r := rng.IntN(100); {
		case r < 10: // a pending invite: no username, name or password yet
			u.Status, u.Username, u.Name = roster.StatusInvited, "", ""
		case r < 17:
			u.Status = roster.StatusDeactivated
		case r < 20:
			u.Status = roster.StatusRemoved
		default:
			u.LastActiveAt = time.Now().Add(-time.Duration(rng.IntN(90*24)) * time.Hour).Truncate(time.Microsecond)
		}
		s := seededUser{u: u}
		if u.Status != roster.StatusRemoved {
			s.search = strings.ToLower(u.Username + "\n" + u.Name + "\n" + u.Email)
		}
		users = append(users, s)
	}
	return users
}

// searchQueries picks benchQueryPool queries of each kind from the seeded users.
func searchQueries(users []seededUser) map[string][]string {
	rng := rand.New(rand.NewPCG(7, 7))
	q := map[string][]string{}
	for len(q["prefix"]) < benchQueryPool || len(q["rare"]) < benchQueryPool {
		u := users[rng.IntN(len(users))]
		if u.u.Username == "" || u.u.Status == roster.StatusRemoved {
			continue
		}
		if len(q["prefix"]) < benchQueryPool {
			// A prefix as someone types it, in any case.
			p := u.u.Username[:min(len(u.u.Username), 3+rng.IntN(2))]
			if rng.IntN(2) == 0 {
				p = strings.ToUpper(p[:1]) + p[1:]
			}
			q["prefix"] = append(q["prefix"], p)
		}
		if len(q["rare"]) < benchQueryPool {
			q["rare"] = append(q["rare"], u.u.Username) // the whole username: one or a few users
		}
	}
	domainParts := []string{"acme", "globex", "initech", "umbrella.co", "hooli", "contoso", "fastmail",
		"proton", "northwind", "wayne-ent", "gmail", "outlook", "@yahoo"}
	for i := range benchQueryPool {
		q["domain"] = append(q["domain"], domainParts[i%len(domainParts)])
		// Letters that appear in no name, username or email above.
		q["none"] = append(q["none"], fmt.Sprintf("qzx%dvj", i))
	}
	return q
}

// matchStats reports how many seeded users the queries of a kind match.
func matchStats(users []seededUser, qs []string) (lo, median, hi int) {
	counts := make([]int, 0, len(qs))
	for _, q := range qs {
		q = strings.ToLower(q)
		n := 0
		for _, u := range users {
			if u.search != "" && strings.Contains(u.search, q) {
				n++
			}
		}
		counts = append(counts, n)
	}
	slices.Sort(counts)
	return counts[0], counts[len(counts)/2], counts[len(counts)-1]
}

// newBenchEnv starts a server and seeds it: an admin with an API key made
// through the API, then benchUsers users written straight through the
// store in a few large transactions, all with one precomputed password hash.
func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	start := time.Now()
	e := apitest.New(b)
	admin := e.MustSignup("admin")
	hash, err := auth.HashPassword(apitest.Password, apitest.TestArgon2)
	if err != nil {
		b.Fatal(err)
	}
	users := genUsers(benchUsers)
	ctx := context.Background()
	for i := 0; i < len(users); i += benchBatch {
		batch := users[i:min(i+benchBatch, len(users))]
		err := e.DB.Tx(ctx, func(tx *store.Tx) error {
			for j := range batch {
				u := batch[j].u // CreateUser sets times on its argument
				if u.Status != roster.StatusInvited {
					u.PasswordHash = hash
				}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return fmt.Errorf("seed user %s: %w", u.Username, err)
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if e.DB.Engine() == store.Postgres {
		// A live server's autovacuum gathers planner statistics within a
		// minute of a bulk load; gather them now so the whole run sees the
		// plans such a server would. SQLite gathers none unless asked, and
		// the server never asks, so the benchmark does not either.
		err := e.DB.Tx(ctx, func(tx *store.Tx) error { return tx.ExecForTest(ctx, "ANALYZE users") })
		if err != nil {
			b.Fatal(err)
		}
	}
	env := &benchEnv{e: e, admin: admin, handler: e.Server.Config.Handler, queries: searchQueries(users)}
	b.Logf("engine %s: seeded %d users in %v", e.DB.Engine(), len(users)+1, time.Since(start).Round(time.Millisecond))
	for _, kind := range searchKinds {
		lo, med, hi := matchStats(users, env.queries[kind])
		b.Logf("query kind %-6s e.g. %-16q matches min %d, median %d, max %d users", kind, env.queries[kind][0], lo, med, hi)
	}
	return env
}

// serve runs one request through the server's handler in-process, without
// TCP, and returns how long the server took.
func (env *benchEnv) serve(b *testing.B, path string) time.Duration {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+string(env.admin.Key))
	rec := httptest.NewRecorder()
	t0 := time.Now()
	env.handler.ServeHTTP(rec, req)
	d := time.Since(t0)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: status %d: %s", path, rec.Code, rec.Body)
	}
	return d
}

// fetch sends one request over TCP to the test server and returns how long
// it took the client, body read included.
func (env *benchEnv) fetch(b *testing.B, client *http.Client, path string) time.Duration {
	req, err := http.NewRequest("GET", env.e.Server.URL+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+string(env.admin.Key))
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: status %d, %v", path, resp.StatusCode, err)
	}
	return d
}

// reportPercentiles reports the p50 and p99 of ds in unit (scale long).
func reportPercentiles(b *testing.B, ds []time.Duration, unit string, scale time.Duration) {
	slices.Sort(ds)
	at := func(p float64) float64 {
		i := min(max(int(math.Ceil(p*float64(len(ds))))-1, 0), len(ds)-1) // nearest rank
		return float64(ds[i]) / float64(scale)
	}
	b.ReportMetric(at(0.50), "p50-"+unit)
	b.ReportMetric(at(0.99), "p99-"+unit)
}

func searchPath(q string) string {
	return "/api/v1/users?query=" + url.QueryEscape(q) + "&limit=50"
}

// BenchmarkUserSearch measures GET /api/v1/users?query=...&limit=50 on
// 100,000 users: in-process server time per query kind and for all kinds
// interleaved, and the same mix as a client sees it over TCP.
func BenchmarkUserSearch(b *testing.B) {
	env := newBenchEnv(b)
	for _, kind := range searchKinds {
		qs := env.queries[kind]
		b.Run(kind, func(b *testing.B) {
			ds := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				ds = append(ds, env.serve(b, searchPath(qs[i%len(qs)])))
			}
			reportPercentiles(b, ds, "ms", time.Millisecond)
		})
	}
	mixed := func(i int) string {
		qs := env.queries[searchKinds[i%len(searchKinds)]]
		return searchPath(qs[(i/len(searchKinds))%len(qs)])
	}
	b.Run("mixed", func(b *testing.B) {
		ds := make([]time.Duration, 0, b.N)
		for i := 0; b.Loop(); i++ {
			ds = append(ds, env.serve(b, mixed(i)))
		}
		reportPercentiles(b, ds, "ms", time.Millisecond)
	})
	b.Run("mixed-tcp", func(b *testing.B) {
		client := env.e.Server.Client()
		ds := make([]time.Duration, 0, b.N)
		for i := 0; b.Loop(); i++ {
			ds = append(ds, env.fetch(b, client, mixed(i)))
		}
		reportPercentiles(b, ds, "ms", time.Millisecond)
	})
}

// BenchmarkAPIKeyAuth measures GET /api/v1/viewer with a Bearer key on a
// database of 100,000 users: the server's time in-process (the figure the
// 1 ms aim is about), the key check alone (app.KeyActor), and a client's
// time over TCP.
func BenchmarkAPIKeyAuth(b *testing.B) {
	env := newBenchEnv(b)
	b.Run("server", func(b *testing.B) {
		ds := make([]time.Duration, 0, b.N)
		for b.Loop() {
			ds = append(ds, env.serve(b, "/api/v1/viewer"))
		}
		reportPercentiles(b, ds, "µs", time.Microsecond)
	})
	b.Run("key-check", func(b *testing.B) {
		ctx := context.Background()
		ds := make([]time.Duration, 0, b.N)
		for b.Loop() {
			t0 := time.Now()
			a, err := env.e.App.KeyActor(ctx, string(env.admin.Key), roster.Actor{IP: "192.0.2.1", Via: roster.ViaAPI})
			ds = append(ds, time.Since(t0))
			if err != nil || a.User == nil {
				b.Fatalf("key check: %v", err)
			}
		}
		reportPercentiles(b, ds, "µs", time.Microsecond)
	})
	b.Run("tcp", func(b *testing.B) {
		client := env.e.Server.Client()
		ds := make([]time.Duration, 0, b.N)
		for b.Loop() {
			ds = append(ds, env.fetch(b, client, "/api/v1/viewer"))
		}
		reportPercentiles(b, ds, "µs", time.Microsecond)
	})
}
