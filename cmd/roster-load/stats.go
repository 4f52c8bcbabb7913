package main

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// stats records one operation's latencies and failures.
type stats struct {
	mu       sync.Mutex
	lat      []time.Duration
	errors   int
	firstErr string
	elapsed  time.Duration
}

func (s *stats) add(d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.errors == 0 {
			s.firstErr = err.Error()
		}
		s.errors++
		return
	}
	s.lat = append(s.lat, d)
}

// quantile returns the q-th latency (0 < q <= 1) of successful requests.
func (s *stats) quantile(q float64) time.Duration {
	if len(s.lat) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), s.lat...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// print writes one line: count, errors, throughput, p50 and p99.
func (s *stats) print(w io.Writer, name string) {
	n := len(s.lat)
	rate := float64(n) / s.elapsed.Seconds()
	fmt.Fprintf(w, "%-22s %7d ok %5d err %9.1f req/s  p50 %10s  p99 %10s  (%.1f s)\n",
		name, n, s.errors, rate, ms(s.quantile(0.5)), ms(s.quantile(0.99)), s.elapsed.Seconds())
	if s.errors > 0 {
		fmt.Fprintf(w, "%-22s first error: %s\n", "", s.firstErr)
	}
}

// parallel runs job(i) for i in [0, n) on c workers and times each call.
func parallel(n, c int, stop <-chan struct{}, job func(i int) error) *stats {
	st := &stats{lat: make([]time.Duration, 0, n)}
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := time.Now()
				err := job(i)
				st.add(time.Since(t), err)
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-stop:
			break feed
		}
	}
	close(next)
	wg.Wait()
	st.elapsed = time.Since(start)
	return st
}
