package config_test

import (
	"strings"
	"testing"

	"roster/internal/config"
)

func load(env map[string]string) (config.Config, error) {
	return config.Load(func(k string) string { return env[k] })
}

func TestEmailSettings(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string // part of the error; empty for none
	}{
		{map[string]string{}, ""},
		{map[string]string{"GORILLA_EMAIL_SINK": "smtp://u:p@mail.example.com:587", "GORILLA_EMAIL_FROM_ADDRESS": "Roster <roster@example.com>"}, ""},
		{map[string]string{"GORILLA_EMAIL_SINK": "smtps://mail.example.com", "GORILLA_EMAIL_FROM_ADDRESS": "roster@example.com"}, ""},
		{map[string]string{"GORILLA_EMAIL_SINK": "http://mail.example.com", "GORILLA_EMAIL_FROM_ADDRESS": "roster@example.com"}, "smtp:// or smtps://"},
		{map[string]string{"GORILLA_EMAIL_SINK": "smtp://mail.example.com:587"}, "GORILLA_EMAIL_FROM_ADDRESS must be set"},
		{map[string]string{"GORILLA_EMAIL_SINK": "smtp://mail.example.com:587", "GORILLA_EMAIL_FROM_ADDRESS": "roster at example"}, "GORILLA_EMAIL_FROM_ADDRESS must be an address"},
	} {
		_, err := load(tc.env)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v; want %q", tc.env, err, tc.want)
		}
	}
}

func TestMaskedHidesSecrets(t *testing.T) {
	c, err := load(map[string]string{"GORILLA_EMAIL_SINK": "smtp://user:hunter22@mail.example.com:587",
		"GORILLA_EMAIL_FROM_ADDRESS": "roster@example.com", "LICENSE": "payload.signature"})
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range c.Masked() {
		if strings.Contains(kv[1], "hunter22") || strings.Contains(kv[1], "payload.signature") {
			t.Errorf("%s shows a secret: %s", kv[0], kv[1])
		}
	}
}

// ROSTER_TRUSTED_PROXIES takes CIDRs and single addresses; anything else
// stops the server with a message naming the variable.
func TestTrustedProxies(t *testing.T) {
	c, err := load(map[string]string{"ROSTER_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::ffff:198.51.100.1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if want := "10.0.0.0/8 192.0.2.7/32 2001:db8::/32 198.51.100.1/32"; strings.Join(got, " ") != want {
		t.Errorf("trusted proxies %v, want %s", got, want)
	}
	shown := ""
	for _, kv := range c.Masked() {
		if kv[0] == "ROSTER_TRUSTED_PROXIES" {
			shown = kv[1]
		}
	}
	if shown != "10.0.0.0/8,192.0.2.7/32,2001:db8::/32,198.51.100.1/32" {
		t.Errorf("roster config shows ROSTER_TRUSTED_PROXIES=%q", shown)
	}
	if c, err := load(map[string]string{}); err != nil || len(c.TrustedProxies) != 0 {
		t.Errorf("default: %v, %v; want no trusted proxy", c.TrustedProxies, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.com", "10.0.0.1-10.0.0.9", "fe80::1%eth0"} {
		if _, err := load(map[string]string{"ROSTER_TRUSTED_PROXIES": bad}); err == nil || !strings.Contains(err.Error(), "ROSTER_TRUSTED_PROXIES") {
			t.Errorf("%q: %v; want an error naming ROSTER_TRUSTED_PROXIES", bad, err)
		}
	}
}

// ROSTER_SSO_ORG_DOMAINS maps email domains, folded to lower case, to
// organization names; a malformed or repeated entry stops the server with
// a message naming the variable (#18).
func TestSSOOrgDomains(t *testing.T) {
	c, err := load(map[string]string{"ROSTER_SSO_ORG_DOMAINS": " Corp-A.example=corp-a, corp-b.example = corp-b ,",
		"ROSTER_SSO_ORGANIZATION": " corp-a "})
	if err != nil {
		t.Fatal(err)
	}
	if c.SSOOrgDomains["corp-a.example"] != "corp-a" || c.SSOOrgDomains["corp-b.example"] != "corp-b" ||
		len(c.SSOOrgDomains) != 2 || c.SSOOrganization != "corp-a" {
		t.Errorf("domains %v, organization %q", c.SSOOrgDomains, c.SSOOrganization)
	}
	for _, kv := range c.Masked() {
		if kv[0] == "ROSTER_SSO_ORG_DOMAINS" && kv[1] != "corp-a.example=corp-a,corp-b.example=corp-b" {
			t.Errorf("shown as %q", kv[1])
		}
	}
	for _, bad := range []string{"corp-a.example", "=corp-a", "corp-a.example=", "a@corp.example=x", "d.example=a,D.example=b"} {
		if _, err := load(map[string]string{"ROSTER_SSO_ORG_DOMAINS": bad}); err == nil || !strings.Contains(err.Error(), "ROSTER_SSO_ORG_DOMAINS") {
			t.Errorf("%q: %v, want a message naming ROSTER_SSO_ORG_DOMAINS", bad, err)
		}
	}
}
