package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"roster"
	"roster/internal/store"
)

// fillConfig is what a fill run writes: users, teams and memberships
// straight into a database through the store's bulk loader.
type fillConfig struct {
	db          string
	users       int
	teams       int
	memberships int
	prefix      string
}

func parseFill(args []string) (fillConfig, error) {
	var c fillConfig
	fs := flag.NewFlagSet("roster-load -mode fill", flag.ContinueOnError)
	fs.String("mode", "fill", "fill")
	fs.StringVar(&c.db, "db", "", "database URL (sqlite:PATH or postgres://...), migrated here if new")
	fs.IntVar(&c.users, "users", 1_000_000, "users to write")
	fs.IntVar(&c.teams, "teams", 10_000, "teams to write")
	fs.IntVar(&c.memberships, "memberships", 5_000_000, "team memberships to write")
	fs.StringVar(&c.prefix, "prefix", "scim", "username prefix: users are PREFIX0, PREFIX1, ...")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.db == "":
		return c, errors.New("-mode fill needs -db")
	case c.users < 1 || c.teams < 0 || c.memberships < 0:
		return c, errors.New("-users must be at least 1, -teams and -memberships at least 0")
	case c.memberships > 0 && c.teams == 0:
		return c, errors.New("memberships need teams")
	case c.teams > 0 && c.memberships/c.users >= c.teams:
		return c, errors.New("-memberships must be under -users x -teams")
	}
	return c, nil
}

var (
	fillFirst = []string{"Ada", "Grace", "Alan", "Linus", "Ken", "Margaret", "Barbara", "Edsger", "Donald", "Frances",
		"John", "Mary", "Radia", "Tim", "Sophie", "Hedy", "Katherine", "Dennis", "Bjarne", "Guido"}
	fillLast = []string{"Lovelace", "Hopper", "Turing", "Torvalds", "Thompson", "Hamilton", "Liskov", "Dijkstra", "Knuth",
		"Allen", "Backus", "Shaw", "Perlman", "Lee", "Wilson", "Lamarr", "Johnson", "Ritchie", "Stroustrup", "Rossum"}
)

// fillUser is user i: username PREFIXi, a name from two short lists and a
// work address that holds the name and i but not the username.
func fillUser(c fillConfig, i int) (*roster.User, *roster.SCIMProfile) {
	first, last := fillFirst[i%len(fillFirst)], fillLast[(i/len(fillFirst))%len(fillLast)]
	u := &roster.User{ID: fmt.Sprintf("u_fill%08d", i), OrgID: roster.DefaultOrgID, Username: fmt.Sprintf("%s%d", c.prefix, i),
		Email: fmt.Sprintf("%s.%s.%d@corp.example.com", first, last, i), Name: first + " " + last,
		Role: roster.OrgMember, Status: roster.StatusActive}
	p := &roster.SCIMProfile{UserID: u.ID, OrgID: u.OrgID, UserName: u.Username, ExternalID: fmt.Sprintf("ext-%d", i),
		Attributes: map[string]any{"name": map[string]any{"givenName": first, "familyName": last},
			"emails": []any{map[string]any{"value": u.Email, "type": "work", "primary": true}}}}
	return u, p
}

// fillMember is membership k: user k mod users in the (k div users)-th
// team after its own, so no pair repeats; each team's first member is its admin.
func fillMember(c fillConfig, k int) *roster.Membership {
	user, round := k%c.users, k/c.users
	team := (user + round) % c.teams
	role := roster.TeamMember
	if round == 0 && user < c.teams {
		role = roster.TeamAdmin
	}
	return &roster.Membership{TeamID: fmt.Sprintf("t_fill%06d", team), PrincipalID: fmt.Sprintf("u_fill%08d", user),
		PrincipalKind: roster.KindUser, Role: role}
}

func runFill(ctx context.Context, args []string, out io.Writer) error {
	c, err := parseFill(args)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, c.db, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	tables := []store.BulkRows{
		{Table: "users", N: c.users, Row: func(i int) []any { u, _ := fillUser(c, i); return store.BulkUser(u, now) }},
		{Table: "scim_users", N: c.users, Row: func(i int) []any { _, p := fillUser(c, i); return store.BulkSCIMProfile(p, now) }},
		{Table: "scim_user_emails", N: c.users, Row: func(i int) []any {
			u, _ := fillUser(c, i)
			return store.BulkSCIMEmail(u.ID, u.OrgID, u.Email)
		}},
		{Table: "teams", N: c.teams, Row: func(i int) []any {
			return store.BulkTeam(&roster.Team{ID: fmt.Sprintf("t_fill%06d", i), OrgID: roster.DefaultOrgID,
				Name: fmt.Sprintf("team-%d", i), DisplayName: fmt.Sprintf("Team %d", i),
				Storage: roster.Storage{Type: roster.StorageDefault}}, now)
		}},
		{Table: "team_members", N: c.memberships, Row: func(k int) []any { return store.BulkMember(fillMember(c, k), now) }},
	}
	fmt.Fprintf(out, "roster-load fill: %s, %d users, %d teams, %d memberships\n", store.RedactURL(c.db), c.users, c.teams, c.memberships)
	total := time.Now()
	for _, t := range tables {
		t.Columns = store.BulkColumns(t.Table)
		start := time.Now()
		if err := db.BulkInsert(ctx, t); err != nil {
			return err
		}
		d := time.Since(start)
		fmt.Fprintf(out, "%-18s %9d rows %8.1fs %9.0f rows/s\n", t.Table, t.N, d.Seconds(), float64(t.N)/d.Seconds())
	}
	start := time.Now()
	if err := db.Analyze(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "%-18s %23.1fs\ntotal %36.1fs\n", "analyze", time.Since(start).Seconds(), time.Since(total).Seconds())
	return nil
}
