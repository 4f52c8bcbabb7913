// Command roster-load measures Roster. In its default mode (scim) it
// provisions users and groups with memberships into a running Roster
// server through SCIM, then lists and filters them, and prints throughput
// and p50/p99 latency per operation. It only ever sends requests to the
// URLs it is given, and stops after -max-duration; several comma-separated
// URLs (Roster processes sharing one database) share the requests round
// robin. Mode pg-ceiling measures the database's own single-row commit
// rate (-db), the ceiling Roster's writes compare to; mode fill writes a
// large organization straight into a database through the store's bulk
// loader; mode search measures searches, lookups and key checks against a
// server holding such an organization.
//
//	roster-load -url http://127.0.0.1:8080 -key $KEY -users 10000 -groups 100 -members 50 -c 32
//	roster-load -mode pg-ceiling -db postgres://... -commits 20000 -c 8
//	roster-load -mode fill -db sqlite:big.db -users 1000000 -teams 10000 -memberships 5000000
//	roster-load -mode search -url http://127.0.0.1:8080 -key $KEY -users 1000000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "roster-load:", err)
		os.Exit(1)
	}
}

// config is what one load run does.
type config struct {
	mode          string   // "scim" (the default) or "pg-ceiling"
	urls          []string // Roster servers, sharing the requests
	db            string   // PostgreSQL URL for pg-ceiling
	commits       int      // single-row commits per pg-ceiling run
	url           string
	key           string
	users         int
	groups        int
	members       int // members per group
	concurrency   int
	lookups       int // filter requests per kind
	deactivations int // users deactivated by SCIM PATCH, the last phase
	prefix        string
	maxDuration   time.Duration
}

func parseFlags(args []string, getenv func(string) string) (config, error) {
	var c config
	fs := flag.NewFlagSet("roster-load", flag.ContinueOnError)
	fs.StringVar(&c.mode, "mode", "scim", "scim (provision through SCIM), pg-ceiling (time single-row commits on -db), fill (bulk-load a database) or search (measure reads)")
	fs.StringVar(&c.db, "db", getenv("ROSTER_DB"), "PostgreSQL URL for -mode pg-ceiling (ROSTER_DB)")
	fs.IntVar(&c.commits, "commits", 20000, "single-row commits per concurrency in -mode pg-ceiling")
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "Roster server base URLs, comma-separated (the only targets)")
	fs.StringVar(&c.key, "key", getenv("ROSTER_LOAD_KEY"), "API key of an organization admin or organization service account (ROSTER_LOAD_KEY)")
	fs.IntVar(&c.users, "users", 10000, "users to create")
	fs.IntVar(&c.groups, "groups", 100, "groups to create")
	fs.IntVar(&c.members, "members", 50, "members added to each group")
	fs.IntVar(&c.concurrency, "c", 32, "requests in flight at once")
	fs.IntVar(&c.lookups, "lookups", 2000, "filter requests of each kind")
	fs.IntVar(&c.deactivations, "deactivations", 0, "users deactivated by SCIM PATCH after the other phases (at most -users)")
	fs.StringVar(&c.prefix, "prefix", fmt.Sprintf("load%d", time.Now().Unix()), "prefix of created names, so runs do not collide")
	fs.DurationVar(&c.maxDuration, "max-duration", 15*time.Minute, "stop after this long")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.mode == "pg-ceiling" {
		if !strings.HasPrefix(c.db, "postgres") || c.commits < 1 || c.concurrency < 1 || c.concurrency > 1024 {
			return c, errors.New("-mode pg-ceiling needs -db postgres://..., -commits >= 1 and -c 1 to 1024")
		}
		return c, nil
	}
	switch {
	case c.mode != "scim":
		return c, fmt.Errorf("-mode %q: want scim or pg-ceiling", c.mode)
	case c.key == "":
		return c, errors.New("give -key or ROSTER_LOAD_KEY")
	case c.users < 1 || c.users > 1_000_000 || c.groups < 0 || c.groups > 100_000 || c.members < 0:
		return c, errors.New("-users must be 1 to 1,000,000 and -groups 0 to 100,000")
	case c.concurrency < 1 || c.concurrency > 1024:
		return c, errors.New("-c must be 1 to 1024")
	}
	c.members = min(c.members, c.users)
	c.deactivations = max(0, min(c.deactivations, c.users))
	for _, u := range strings.Split(c.url, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			c.urls = append(c.urls, u)
		}
	}
	if len(c.urls) == 0 {
		return c, errors.New("give -url")
	}
	c.url = strings.Join(c.urls, ",")
	return c, nil
}

// modeOf returns the -mode flag's value among args: "scim" unless given.
func modeOf(args []string) string {
	for i, a := range args {
		a = strings.TrimPrefix(a, "-")
		if v, ok := strings.CutPrefix(a, "-mode="); ok {
			return v
		} else if v, ok := strings.CutPrefix(a, "mode="); ok {
			return v
		}
		if (a == "mode" || a == "-mode") && i+1 < len(args) {
			return args[i+1]
		}
	}
	return "scim"
}

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	switch mode := modeOf(args); mode {
	case "fill":
		return runFill(ctx, args, out)
	case "search":
		return runSearch(ctx, args, getenv, out)
	case "scim", "pg-ceiling":
	default:
		return fmt.Errorf("-mode %q: want scim, pg-ceiling, fill or search", mode)
	}
	cfg, err := parseFlags(args, getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.maxDuration)
	defer cancel()
	if cfg.mode == "pg-ceiling" {
		return pgCeiling(ctx, cfg, out)
	}
	l := newLoader(cfg)
	if err := l.ping(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "roster-load: %s, %d users, %d groups x %d members, concurrency %d\n",
		cfg.url, cfg.users, cfg.groups, cfg.members, cfg.concurrency)
	for _, phase := range l.phases() {
		st, err := phase.run(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", phase.name, err)
		}
		st.print(out, phase.name)
	}
	return nil
}
