package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"roster/internal/license"
)

// runCLI runs the program with args and environment env.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String(), err
}

func TestLicenseKeygenAndIssue(t *testing.T) {
	out, err := runCLI(t, nil, "license", "keygen")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^public: (\S+)\nprivate: (\S+)\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("keygen printed %q", out)
	}
	pub, priv := m[1], m[2]
	expires := time.Now().AddDate(1, 0, 0).Format(license.DateLayout)
	doc, err := runCLI(t, nil, "license", "issue", "--private-key", priv, "--licensee", "Acme Corp",
		"--seats", "25", "--features", "scim,sso", "--expires", expires)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(doc, "\n") != 1 || !strings.HasSuffix(doc, "\n") {
		t.Fatalf("issue printed more than one line: %q", doc)
	}
	key, err := license.ParsePublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	l, err := license.Verify(doc, key, time.Now())
	if err != nil {
		t.Fatalf("verify issued license: %v", err)
	}
	if l.Licensee != "Acme Corp" || l.Seats != 25 || l.Expires != expires || !l.Has(license.SCIM) || !l.Has(license.SSO) || l.Has(license.CustomRoles) {
		t.Fatalf("license %+v", l)
	}
	out, err = runCLI(t, map[string]string{"LICENSE": strings.TrimSpace(doc), "ROSTER_LICENSE_PUBLIC_KEY": pub}, "license", "check")
	if err != nil || !strings.Contains(out, "status: valid") || !strings.Contains(out, "seats: 25") {
		t.Fatalf("check: %q, %v", out, err)
	}
}

func TestLicenseIssueRefusesBadInput(t *testing.T) {
	_, priv, _ := license.GenerateKey()
	for _, tc := range []struct {
		args  []string
		usage bool
	}{
		{[]string{"license"}, true},
		{[]string{"license", "frobnicate"}, true},
		{[]string{"license", "issue", "--licensee", "A", "--seats", "1", "--expires", "2030-01-01"}, true},
		{[]string{"license", "issue", "--private-key", priv, "--licensee", "A", "--seats", "x", "--expires", "2030-01-01"}, true},
		{[]string{"license", "issue", "--private-key", "nope", "--licensee", "A", "--seats", "1", "--expires", "2030-01-01"}, false},
		{[]string{"license", "issue", "--private-key", priv, "--licensee", "A", "--seats", "1", "--expires", "tomorrow"}, false},
		{[]string{"license", "issue", "--private-key", priv, "--licensee", "A", "--seats", "1", "--features", "scim,teleport", "--expires", "2030-01-01"}, false},
	} {
		out, err := runCLI(t, nil, tc.args...)
		if err == nil || out != "" {
			t.Errorf("%v: out %q, err %v; want an error and no output", tc.args, out, err)
			continue
		}
		var ue usageError
		if errors.As(err, &ue) != tc.usage {
			t.Errorf("%v: usage error %v, want %v: %v", tc.args, !tc.usage, tc.usage, err)
		}
	}
}

func TestLicenseCheckReportsBadLicense(t *testing.T) {
	pub, _, _ := license.GenerateKey()
	_, otherPriv, _ := license.GenerateKey()
	key, _ := license.ParsePrivateKey(otherPriv)
	doc, _ := license.Issue(license.License{Licensee: "A", Seats: 1, Expires: "2030-01-01"}, key)
	_, err := runCLI(t, map[string]string{"LICENSE": doc, "ROSTER_LICENSE_PUBLIC_KEY": pub}, "license", "check")
	if !errors.Is(err, license.ErrWrongKey) {
		t.Fatalf("check with the wrong key: %v", err)
	}
}

// issue --organization names the organization; check reports every
// document of a LICENSE with several, and refuses two for one organization.
func TestLicenseIssueForAnOrganizationAndCheckSeveral(t *testing.T) {
	pub, priv, _ := license.GenerateKey()
	expires := time.Now().AddDate(1, 0, 0).Format(license.DateLayout)
	issue := func(args ...string) string {
		t.Helper()
		doc, err := runCLI(t, nil, append([]string{"license", "issue", "--private-key", priv, "--licensee", "Acme",
			"--seats", "5", "--expires", expires}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(doc)
	}
	inst, b, b2 := issue(), issue("--organization", "corp-b"), issue("--organization", "Corp-B")
	key, _ := license.ParsePublicKey(pub)
	if l, err := license.Verify(b, key, time.Now()); err != nil || l.Organization != "corp-b" || l.ForInstance() {
		t.Fatalf("organization license %+v, %v", l, err)
	}
	if _, err := runCLI(t, nil, "license", "issue", "--private-key", priv, "--licensee", "A", "--seats", "1",
		"--expires", expires, "--organization", "a b"); err == nil {
		t.Fatal("issued a license for an organization name with a space")
	}
	env := func(setting string) map[string]string {
		return map[string]string{"LICENSE": setting, "ROSTER_LICENSE_PUBLIC_KEY": pub}
	}
	out, err := runCLI(t, env(inst+",\n"+b), "license", "check")
	if err != nil || !strings.Contains(out, "document 1:\nstatus: valid\nfor: the instance\n") ||
		!strings.Contains(out, "document 2:\nstatus: valid\nfor: organization corp-b\n") {
		t.Fatalf("check of two documents: %q, %v", out, err)
	}
	if _, err := runCLI(t, env(b+" "+b2), "license", "check"); err == nil || !strings.Contains(err.Error(), "both licenses of organization Corp-B") {
		t.Fatalf("check of two licenses for one organization: %v", err)
	}
	_, otherPriv, _ := license.GenerateKey()
	otherKey, _ := license.ParsePrivateKey(otherPriv)
	bad, _ := license.Issue(license.License{Licensee: "A", Seats: 1, Expires: expires}, otherKey)
	out, err = runCLI(t, env(inst+" "+bad), "license", "check")
	if !errors.Is(err, license.ErrWrongKey) || !strings.Contains(out, "document 2:\nstatus: invalid (ignored)") {
		t.Fatalf("check with a wrongly signed second document: %q, %v", out, err)
	}
}
