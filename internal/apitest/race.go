package apitest

import (
	"os"
	"strconv"
	"sync"
	"testing"
)

// DefaultTrials is how many times a concurrency test repeats its race
// unless ROSTER_RACE_TRIALS says otherwise.
const DefaultTrials = 50

// Trials is how many times a concurrency test repeats its race:
// ROSTER_RACE_TRIALS when it is a positive number, else DefaultTrials.
func Trials(tb testing.TB) int {
	tb.Helper()
	s := os.Getenv("ROSTER_RACE_TRIALS")
	if s == "" {
		return DefaultTrials
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		tb.Fatalf("ROSTER_RACE_TRIALS=%q: want a positive number", s)
	}
	return n
}

// Race runs every fn in its own goroutine, all released at once by one
// barrier so that they overlap as much as possible, and waits for them.
func Race(fns ...func()) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for _, fn := range fns {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn()
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// CountLost races edits a and b of two different fields, trials times,
// and returns after how many trials kept found one of them gone. Both
// edits of trial i must be answered want; kept(i) reads the state after
// trial i and reports whether both of its edits are there.
func CountLost(tb testing.TB, trials, want int, a, b func(i int) *Response, kept func(i int) bool) int {
	tb.Helper()
	lost := 0
	for i := range trials {
		var ra, rb *Response
		Race(func() { ra = a(i) }, func() { rb = b(i) })
		for _, r := range []*Response{ra, rb} {
			if r == nil || r.StatusCode != want {
				tb.Fatalf("trial %d: an edit was not answered %d: %v", i, want, describe(r))
			}
		}
		if !kept(i) {
			lost++
		}
	}
	return lost
}

func describe(r *Response) string {
	if r == nil {
		return "no response"
	}
	return strconv.Itoa(r.StatusCode) + " " + string(r.Body)
}

// NoneLost fails the test unless CountLost finds both edits of every trial
// kept, and logs the count: the figure issue #19 measures.
func NoneLost(t testing.TB, what string, a, b func(i int) *Response, kept func(i int) bool) {
	t.Helper()
	n := Trials(t)
	lost := CountLost(t, n, 200, a, b, kept)
	t.Logf("%s: %d of %d trials lost an update", what, lost, n)
	if lost > 0 {
		t.Errorf("%s: %d of %d trials lost one of two concurrent edits", what, lost, n)
	}
}
