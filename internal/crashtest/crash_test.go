package crashtest

import (
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"roster/internal/store/storetest"
)

// EnvTrials sets how many kill -9 trials run per engine (default 2).
const EnvTrials = "ROSTER_CRASH_TRIALS"

// TestKillNineLosesNothing is D3 and L1 under SIGKILL: the real roster
// binary serves a mixed SCIM and REST workload from several clients, is
// killed at a random moment in the middle of it and restarted on the same
// database, and then every acknowledged change must be stored, with its
// audit entry, and no audit entry may name a change that is not stored.
// It runs on a fresh SQLite file, and on a fresh PostgreSQL database when
// ROSTER_TEST_POSTGRES is set.
func TestKillNineLosesNothing(t *testing.T) {
	trials := 2
	if v := os.Getenv(EnvTrials); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", EnvTrials, v)
		}
		trials = n
	}
	bin := binary(t)
	engines := []string{"sqlite"}
	if os.Getenv(storetest.EnvPostgres) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			var total result
			for i := range trials {
				t.Run("trial"+strconv.Itoa(i+1), func(t *testing.T) {
					r := trial(t, bin, freshDB(t, engine))
					total.add(r)
					t.Logf("killed after %d acknowledged requests (%v into the workload); checked %d acknowledged changes and %d audit entries; %d lost",
						r.acked, r.killedAt.Round(time.Millisecond), r.checked, r.audited, r.lost)
				})
			}
			t.Logf("%s: %d trials, %d acknowledged requests, %d acknowledged changes checked, %d audit entries, %d lost",
				engine, trials, total.acked, total.checked, total.audited, total.lost)
		})
	}
}

// result is what one trial found.
type result struct {
	acked, checked, audited, lost int
	killedAt                      time.Duration
}

func (r *result) add(o result) {
	r.acked += o.acked
	r.checked += o.checked
	r.audited += o.audited
	r.lost += o.lost
}

// freshDB is the URL of an empty database: a new SQLite file, or a new
// PostgreSQL database from storetest.
func freshDB(t *testing.T, engine string) string {
	if engine == "postgres" {
		return storetest.URL(t)
	}
	return "sqlite:" + filepath.Join(t.TempDir(), "roster.db")
}

// trial runs one workload, kills the server in its middle, restarts it and
// checks what survived.
func trial(t *testing.T, bin, db string) result {
	cli(t, bin, db, "", "migrate")
	out := cli(t, bin, db, "crash admin password\n", "admin", "create", "--username", "crashadmin", "--email", "crashadmin@example.com")
	adminID := strings.TrimSuffix(strings.TrimSpace(out[strings.LastIndexByte(out, '(')+1:]), ")")
	key := strings.TrimSpace(cli(t, bin, db, "", "admin", "api-key", "create", "--user", "crashadmin", "--name", "crash"))

	srv := startServer(t, bin, db)
	l := newLedger()
	c := &client{base: srv.url, key: key, http: &http.Client{Timeout: 60 * time.Second}}
	killAfter := int64(20 + rand.IntN(100)) // acknowledged changes before the kill
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for n := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{n: n, c: &client{base: c.base, key: key, http: &http.Client{Timeout: c.http.Timeout}}, l: l}
			if err := w.run(stop); err != nil {
				errs <- err
			}
		}()
	}
	start := time.Now()
	waitAcks(l, killAfter, srv)
	time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond) // land anywhere between two answers
	srv.kill()
	killedAt := time.Since(start)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a live server refused a workload request: %v", err)
	}

	srv = startServer(t, bin, db)
	c.base = srv.url
	r := verify(t, c, l, adminID)
	r.acked, r.killedAt = int(l.acks.Load()), killedAt
	return r
}

// waitAcks waits until the workload has n acknowledged changes, or the
// server died, or a generous deadline passed (the workers are bounded).
func waitAcks(l *ledger, n int64, srv *server) {
	deadline := time.Now().Add(2 * time.Minute)
	for l.acks.Load() < n && time.Now().Before(deadline) {
		select {
		case <-srv.done:
			return
		case <-time.After(time.Millisecond):
		}
	}
}
