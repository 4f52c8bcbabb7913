package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// inStore runs fn on the database at url, between commands.
func inStore(t *testing.T, url string, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Read(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// The command line manages organizations (#18): create with a first
// admin's invite link, list, rename, suspend, resume, delete; the first
// organization cannot be suspended or deleted.
func TestAdminOrgCommands(t *testing.T) {
	env := map[string]string{"ROSTER_DB": storetest.URL(t), "HOST": "https://roster.example.com"}
	mustRun := func(want string, args ...string) string {
		t.Helper()
		out, err := runStdin(t, env, "", args...)
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("roster %s: %q %v (want %q)", strings.Join(args, " "), out, err, want)
		}
		return out
	}
	out := mustRun("created organization corp-b (org_", "admin", "org", "create", "corp-b", "--display-name", "Corp B", "--admin-email", "bella@example.com")
	if !regexp.MustCompile(`invite link for its admin bella@example.com, valid until .*\nhttps://roster.example.com/invite/\S+\n`).MatchString(out) {
		t.Errorf("create prints no invite link:\n%s", out)
	}
	mustRun("created organization corp-c", "admin", "org", "create", "--display-name", "Corp C", "corp-c")
	out = mustRun("corp-b", "admin", "org", "list")
	if !regexp.MustCompile(`(?m)^corp-b\s+org_\S+\s+active\s+1\s+1\s+none\s+0\s+Corp B$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^Roster\s+org_default\s+active\s+0\s+0\s+none\s+0\s+Roster$`).MatchString(out) {
		t.Errorf("list:\n%s", out)
	}
	mustRun("is now corp-d", "admin", "org", "rename", "corp-b", "corp-d", "--display-name", "Corp D")
	mustRun("shown as \"Dee\"", "admin", "org", "rename", "corp-d", "--display-name", "Dee")
	mustRun("is suspended", "admin", "org", "suspend", "corp-d")
	mustRun("is active", "admin", "org", "resume", "corp-d")
	mustRun("deleted organization corp-d", "admin", "org", "delete", "corp-d")
	mustRun("created organization corp-d", "admin", "org", "create", "corp-d")
	var actions map[string]int
	inStore(t, env["ROSTER_DB"], func(ctx context.Context, tx *store.Tx) error {
		actions = map[string]int{}
		for _, a := range []string{roster.ActOrgCreate, roster.ActOrgRename, roster.ActOrgSuspend, roster.ActOrgResume, roster.ActOrgDelete} {
			n, err := tx.CountAudit(ctx, roster.DefaultOrgID, a)
			actions[a] = n
			if err != nil {
				return err
			}
		}
		return nil
	})
	want := map[string]int{roster.ActOrgCreate: 3, roster.ActOrgRename: 2, roster.ActOrgSuspend: 1, roster.ActOrgResume: 1, roster.ActOrgDelete: 1}
	for a, n := range want {
		if actions[a] != n {
			t.Errorf("%s entries in the first organization's log: %d, want %d", a, actions[a], n)
		}
	}

	refused := []struct {
		args  []string
		usage bool
		msg   string
	}{
		{[]string{"admin", "org", "suspend", "Roster"}, false, "cannot be suspended"},
		{[]string{"admin", "org", "delete", "org_default"}, false, "cannot be suspended or deleted"},
		{[]string{"admin", "org", "create", "CORP-C"}, false, "already taken"},
		{[]string{"admin", "org", "create", "bad name"}, false, "organization name"},
		{[]string{"admin", "org", "rename", "corp-c", "corp-d"}, false, "already taken"},
		{[]string{"admin", "org", "resume", "nope"}, false, "no organization"},
		{[]string{"admin", "org", "delete", "corp-b"}, false, "no organization"},
		{[]string{"admin", "org", "rename", "corp-c"}, true, "new name or --display-name"},
		{[]string{"admin", "org", "create"}, true, "wrong number"},
		{[]string{"admin", "org", "suspend", "a", "b"}, true, "wrong number"},
		{[]string{"admin", "org", "frobnicate"}, true, "unknown admin org subcommand"},
		{[]string{"admin", "org", "create", "x", "--colour", "red"}, true, "colour"},
		{[]string{"admin", "org"}, true, "needs a subcommand"},
	}
	for _, c := range refused {
		out, err := runStdin(t, env, "", c.args...)
		var ue usageError
		if err == nil || !strings.Contains(err.Error(), c.msg) || errors.As(err, &ue) != c.usage {
			t.Errorf("roster %s: %q %v (want an error with %q, usage %v)", strings.Join(c.args, " "), out, err, c.msg, c.usage)
		}
	}
	mustRun("corp-c", "admin", "org", "list")
}

// roster admin instance-admin grants and revokes instance administration
// to users of the first organization, audited.
func TestAdminInstanceAdminCommands(t *testing.T) {
	env := map[string]string{"ROSTER_DB": storetest.URL(t)}
	if _, err := runStdin(t, env, "", "admin", "create", "--username", "root", "--email", "root@example.com", "--password", "first password"); err != nil {
		t.Fatal(err)
	}
	isInstanceAdmin := func() (yes bool) {
		inStore(t, env["ROSTER_DB"], func(ctx context.Context, tx *store.Tx) error {
			u, err := tx.UserByUsername(ctx, roster.DefaultOrgID, "root")
			yes = err == nil && u.InstanceAdmin
			return err
		})
		return yes
	}
	if !isInstanceAdmin() {
		t.Fatal("roster admin create made no instance admin")
	}
	out, err := runStdin(t, env, "", "admin", "instance-admin", "revoke", "root@example.com")
	if err != nil || !strings.Contains(out, "no longer an instance admin") || isInstanceAdmin() {
		t.Fatalf("revoke: %q %v", out, err)
	}
	out, err = runStdin(t, env, "", "admin", "instance-admin", "grant", "root")
	if err != nil || !strings.Contains(out, "root@example.com is an instance admin") || !isInstanceAdmin() {
		t.Fatalf("grant: %q %v", out, err)
	}
	inStore(t, env["ROSTER_DB"], func(ctx context.Context, tx *store.Tx) error {
		for _, a := range []string{roster.ActUserGrantInstanceAdmin, roster.ActUserRevokeInstanceAdmin} {
			if n, err := tx.CountAudit(ctx, roster.DefaultOrgID, a); err != nil || n != 1 {
				t.Errorf("%s: %d entries, %v", a, n, err)
			}
		}
		return nil
	})
	for _, args := range [][]string{{"grant", "nobody@example.com"}, {"promote", "root"}, {"grant"}} {
		if out, err := runStdin(t, env, "", append([]string{"admin", "instance-admin"}, args...)...); err == nil {
			t.Errorf("instance-admin %v: %q", args, out)
		}
	}
}
