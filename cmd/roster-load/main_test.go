package main

import (
	"bytes"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// TestRunAgainstServer runs a small load against a test server: every
// operation succeeds and is reported.
func TestRunAgainstServer(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("root")
	var out bytes.Buffer
	args := []string{"-url", e.Server.URL, "-key", string(admin.Key), "-users", "30", "-groups", "3", "-members", "30",
		"-c", "4", "-lookups", "10", "-prefix", "t"}
	if err := run(t.Context(), args, func(string) string { return "" }, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, op := range []string{"create user", "create group", "add members", "list users", "filter userName eq",
		"filter externalId eq", "filter work email eq", "filter group name eq"} {
		line := ""
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, op) {
				line = l
			}
		}
		if line == "" || !strings.Contains(line, " 0 err") {
			t.Errorf("%s: %q\n%s", op, line, out.String())
		}
	}
	if err := run(t.Context(), []string{"-url", e.Server.URL}, func(string) string { return "" }, &out); err == nil {
		t.Error("ran without a key")
	}
}
