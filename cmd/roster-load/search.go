package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// searchConfig is what a search run measures against a server holding an
// organization written by -mode fill with the same -users and -prefix.
type searchConfig struct {
	config
	requests int
	conc     []int
	pid      int
}

func parseSearch(args []string, getenv func(string) string) (searchConfig, error) {
	var c searchConfig
	fs := flag.NewFlagSet("roster-load -mode search", flag.ContinueOnError)
	fs.String("mode", "search", "search")
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "Roster server base URL (the only target)")
	fs.StringVar(&c.key, "key", getenv("ROSTER_LOAD_KEY"), "API key of an organization admin (ROSTER_LOAD_KEY)")
	fs.IntVar(&c.users, "users", 1_000_000, "users the fill wrote")
	fs.StringVar(&c.prefix, "prefix", "scim", "username prefix the fill used")
	fs.IntVar(&c.requests, "n", 400, "requests of each kind at each concurrency")
	fs.IntVar(&c.pid, "pid", 0, "server process id, to report its resident memory")
	conc := fs.String("c", "1,8", "concurrencies to measure, comma-separated")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	for _, s := range strings.Split(*conc, ",") {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1 || n > 1024 {
			return c, fmt.Errorf("-c %q: want numbers from 1 to 1024", *conc)
		}
		c.conc = append(c.conc, n)
	}
	if c.key == "" {
		return c, errors.New("give -key or ROSTER_LOAD_KEY")
	}
	c.url = strings.TrimRight(c.url, "/")
	return c, nil
}

// searchKinds are the measured searches: each makes a query from a random
// number below the user count.
func searchKinds(c searchConfig) []struct {
	name  string
	query func(r *rand.Rand) string
} {
	return []struct {
		name  string
		query func(r *rand.Rand) string
	}{
		// A username prefix matching about a tenth of a percent of users
		// to a tenth of them, anywhere in the name order (scim99...).
		{"search prefix", func(r *rand.Rand) string { return fmt.Sprintf("%s%d", c.prefix, 10+r.IntN(990)) }},
		// Inside a word: a surname's tail, one user in twenty.
		{"search substring", func(r *rand.Rand) string { return fillLast[r.IntN(len(fillLast))][2:] + "." }},
		// One user, by part of their address.
		{"search rare", func(r *rand.Rand) string {
			i := r.IntN(c.users)
			return fmt.Sprintf("%s.%d@", strings.ToLower(fillLast[(i/len(fillFirst))%len(fillLast)]), i)
		}},
		// Nobody, with trigrams that each match many users.
		{"search no match", func(r *rand.Rand) string { return fmt.Sprintf("%sx%d", c.prefix, r.IntN(1000)) }},
	}
}

func runSearch(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	c, err := parseSearch(args, getenv)
	if err != nil {
		return err
	}
	l := newLoader(config{url: c.url, key: c.key, concurrency: 16})
	get := func(ctx context.Context, path string) error {
		req, err := http.NewRequestWithContext(ctx, "GET", c.url+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+c.key)
		resp, err := l.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET %s: status %d: %.200s", path, resp.StatusCode, data)
		}
		return err
	}
	fmt.Fprintf(out, "roster-load search: %s, %d users, %d requests of each kind\n", c.url, c.users, c.requests)
	for _, n := range c.conc {
		rng := rand.New(rand.NewPCG(uint64(n), 7))
		run := func(name string, path func() string) {
			paths := make([]string, c.requests)
			for i := range paths {
				paths[i] = path()
			}
			st := parallel(c.requests, n, ctx.Done(), func(i int) error { return get(ctx, paths[i]) })
			st.print(out, fmt.Sprintf("%s c=%d", name, n))
		}
		run("api key (viewer)", func() string { return "/api/v1/viewer" })
		run("userName eq", func() string {
			return "/scim/v2/Users?filter=" + url.QueryEscape(fmt.Sprintf(`userName eq "%s%d"`, c.prefix, rng.IntN(c.users)))
		})
		for _, k := range searchKinds(c) {
			run(k.name, func() string { return "/api/v1/users?limit=50&query=" + url.QueryEscape(k.query(rng)) })
		}
	}
	if c.pid > 0 {
		fmt.Fprintf(out, "server %d: %s\n", c.pid, rss(c.pid))
	}
	return ctx.Err()
}

// rss reads a process's resident and peak resident memory from /proc.
func rss(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS") || strings.HasPrefix(line, "VmHWM") {
			parts = append(parts, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(parts, ", ")
}
