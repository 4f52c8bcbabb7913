package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"roster/internal/store/storetest"
)

// runStdin runs the program with the given environment and stdin.
func runStdin(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func TestAdminCommandsRecoverAccess(t *testing.T) {
	env := map[string]string{"ROSTER_DB": storetest.URL(t)}
	out, err := runStdin(t, env, "", "admin", "create", "--username", "root", "--email", "root@example.com", "--password", "first password")
	if err != nil || !strings.Contains(out, "created admin root") {
		t.Fatalf("admin create: %q %v", out, err)
	}
	if _, err := runStdin(t, env, "", "admin", "create", "--username", "ROOT", "--email", "other@example.com", "--password", "first password"); err == nil {
		t.Fatal("a second admin with the same username (other case) was created")
	}
	out, err = runStdin(t, env, "second password\n", "admin", "reset-password", "--user", "root@example.com")
	if err != nil || !strings.Contains(out, "reset") {
		t.Fatalf("reset-password from stdin: %q %v", out, err)
	}
	if _, err := runStdin(t, env, "short\n", "admin", "reset-password", "--user", "root"); err == nil {
		t.Fatal("a 5-character password was accepted")
	}
	out, err = runStdin(t, env, "", "admin", "api-key", "create", "--user", "root")
	if err != nil || !strings.HasPrefix(out, "roster-") || len(strings.TrimSpace(out)) < 47 {
		t.Fatalf("api-key create: %q %v", out, err)
	}
	if _, err := runStdin(t, env, "", "admin", "api-key", "create", "--user", "nobody"); err == nil {
		t.Fatal("api-key for an unknown user succeeded")
	}
}

func TestConfigMasksSecrets(t *testing.T) {
	env := map[string]string{
		"ROSTER_DB":                  "postgres://roster:hunter2@db.internal/roster",
		"OIDC_CLIENT_SECRET":         "s3cret-value",
		"GORILLA_EMAIL_SINK":         "smtp://mailer:pa55word@127.0.0.1:25",
		"GORILLA_EMAIL_FROM_ADDRESS": "roster@example.com",
		"LICENSE":                    "license-document",
	}
	out, err := runStdin(t, env, "", "config")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"hunter2", "s3cret-value", "pa55word", "license-document"} {
		if strings.Contains(out, secret) {
			t.Errorf("config printed the secret %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "OIDC_CLIENT_SECRET=********") || !strings.Contains(out, "ROSTER_ADDR=:8080") {
		t.Errorf("config output:\n%s", out)
	}
}

func TestBadConfigAndUsage(t *testing.T) {
	if _, err := runStdin(t, map[string]string{"SESSION_LENGTH": "forever"}, "", "config"); err == nil || !strings.Contains(err.Error(), "SESSION_LENGTH") {
		t.Errorf("bad SESSION_LENGTH: %v", err)
	}
	if _, err := runStdin(t, map[string]string{"GORILLA_ALLOW_USER_TEAM_CREATION": "maybe"}, "", "config"); err == nil {
		t.Error("bad boolean accepted")
	}
	_, err := runStdin(t, nil, "", "frobnicate")
	var ue usageError
	if !errors.As(err, &ue) || exitCode(err) != 2 {
		t.Errorf("unknown command: %v", err)
	}
	out, err := runStdin(t, nil, "", "version")
	if err != nil || !strings.HasPrefix(out, "roster ") {
		t.Errorf("version: %q %v", out, err)
	}
}

func TestMigrateAndBackup(t *testing.T) {
	env := map[string]string{"ROSTER_DB": storetest.URL(t)}
	out, err := runStdin(t, env, "", "migrate")
	if err != nil || !strings.Contains(out, "applied 0 migration(s)") {
		t.Fatalf("migrate on a current database: %q %v", out, err)
	}
	if storetest.Engine() != "sqlite" {
		return
	}
	file := t.TempDir() + "/copy.db"
	if out, err := runStdin(t, env, "", "backup", file); err != nil {
		t.Fatalf("backup: %q %v", out, err)
	}
	out, err = runStdin(t, map[string]string{"ROSTER_DB": "sqlite:" + file}, "", "migrate")
	if err != nil || !strings.Contains(out, "applied 0") {
		t.Fatalf("the backup is not a current database: %q %v", out, err)
	}
}
