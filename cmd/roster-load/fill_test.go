package main

import (
	"bytes"
	"strings"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// TestFillWritesWhatTheAppWrites bulk-loads a small organization and
// reads it back through the store: look-ups by username and by any
// spelling of the email, SCIM userName, search (the SQLite trigram index
// filled by its triggers), counts and team admins.
func TestFillWritesWhatTheAppWrites(t *testing.T) {
	u := storetest.URL(t)
	var out bytes.Buffer
	args := []string{"-mode", "fill", "-db", u, "-users", "300", "-teams", "7", "-memberships", "900"}
	if err := run(t.Context(), args, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("fill: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "team_members") {
		t.Errorf("no report: %s", out.String())
	}
	db := storetest.MustOpenURL(t, u)
	ctx := t.Context()
	err := db.Read(ctx, func(tx *store.Tx) error {
		if n, err := tx.CountUsers(ctx); err != nil || n != 300 {
			t.Errorf("users: %d, %v", n, err)
		}
		byName, err := tx.UserByUsername(ctx, roster.DefaultOrgID, "SCIM42")
		if err != nil {
			return err
		}
		byMail, err := tx.UserByEmail(ctx, roster.DefaultOrgID, strings.ToUpper(byName.Email))
		if err != nil || byMail.ID != byName.ID {
			t.Errorf("by email %q: %v, %v", byName.Email, byMail, err)
		}
		if owner, err := tx.SCIMUserNameOwner(ctx, roster.DefaultOrgID, "scim42"); err != nil || owner != byName.ID {
			t.Errorf("scim userName owner: %q, %v", owner, err)
		}
		for q, want := range map[string]int{"scim42": 1, "sc": 300, "Lovelace": 20, "hopper.2": 10, "nobody": 0} {
			page, _, err := tx.ListUsers(ctx, roster.DefaultOrgID, store.UserFilter{Query: q, Limit: 1000})
			if err != nil || len(page) != want {
				t.Errorf("search %q: %d users, want %d (%v)", q, len(page), want, err)
			}
		}
		members, err := tx.ListMembers(ctx, "t_fill000003")
		if err != nil {
			return err
		}
		admins := 0
		for _, m := range members {
			if m.Role == roster.TeamAdmin {
				admins++
			}
		}
		if len(members) < 100 || admins != 1 {
			t.Errorf("team 3: %d members, %d admins", len(members), admins)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if storetest.Engine() == store.SQLite {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			return tx.ExecForTest(ctx, `INSERT INTO users_search (users_search) VALUES ('integrity-check')`)
		})
		if err != nil {
			t.Errorf("search index: %v", err)
		}
	}
}
