package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestSSOConfigChecks(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string // in the error; "" for none
	}{
		{map[string]string{"OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "roster"}, "HOST"},
		{map[string]string{"OIDC_ISSUER": "idp.example", "OIDC_CLIENT_ID": "roster", "HOST": "https://roster.example"}, "OIDC_ISSUER"},
		{map[string]string{"OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "roster", "HOST": "https://roster.example",
			"GORILLA_OIDC_SECRET": "s3cret", "GORILLA_OIDC_CUSTOM_SCOPES": "offline_access,groups"}, ""},
		{map[string]string{"OIDC_ISSUER": "https://idp.example"}, ""}, // SSO stays off without a client id
	} {
		out, err := runStdin(t, tc.env, "", "config")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.env, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want one about %s", tc.env, err, tc.want)
		}
		if strings.Contains(out, "s3cret") {
			t.Errorf("config printed the OIDC secret:\n%s", out)
		}
	}
}

// Issue 16: OIDC_AUTH_METHOD=implicit is refused at start-up with the
// reason and what to set instead; SKIP_AUDIENCE_VALIDATION is honoured
// for identity federation only, never for the browser sign-in, and the
// operator is told so (issue 17).
func TestOIDCAuthMethodAndAudienceSettings(t *testing.T) {
	base := map[string]string{"OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "roster", "HOST": "https://roster.example"}
	with := func(k, v string) map[string]string {
		env := map[string]string{k: v}
		for bk, bv := range base {
			env[bk] = bv
		}
		return env
	}
	for _, tc := range []struct {
		method string
		want   []string // in the error; none for a start
	}{
		{"", nil},
		{"pkce", nil},
		{"PKCE", nil},
		{"implicit", []string{"OIDC_AUTH_METHOD=implicit is refused", "OAuth 2.1", "OIDC_AUTH_METHOD=pkce"}},
		{"hybrid", []string{"OIDC_AUTH_METHOD must be pkce"}},
	} {
		out, err := runStdin(t, with("OIDC_AUTH_METHOD", tc.method), "", "config")
		if len(tc.want) == 0 {
			if err != nil || !strings.Contains(out, "OIDC_AUTH_METHOD=pkce\n") {
				t.Errorf("OIDC_AUTH_METHOD=%q: error %v, config:\n%s", tc.method, err, out)
			}
			continue
		}
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("OIDC_AUTH_METHOD=%q: error %v, want one saying %q", tc.method, err, w)
			}
		}
		// A cancelled context: should serve get past the check, it stops.
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		env := with("OIDC_AUTH_METHOD", tc.method)
		env["ROSTER_DB"], env["ROSTER_ADDR"] = "sqlite:"+filepath.Join(t.TempDir(), "r.db"), "127.0.0.1:0"
		if err := cmdServe(ctx, nil, func(k string) string { return env[k] }, &strings.Builder{}); err == nil ||
			!strings.Contains(err.Error(), "OIDC_AUTH_METHOD") {
			t.Errorf("serve with OIDC_AUTH_METHOD=%q started: %v", tc.method, err)
		}
	}
	out, err := runStdin(t, with("SKIP_AUDIENCE_VALIDATION", "true"), "", "config")
	if err != nil || !strings.Contains(out, "SKIP_AUDIENCE_VALIDATION=true\n") ||
		!strings.Contains(out, "# warning: SKIP_AUDIENCE_VALIDATION=true applies to identity federation only") ||
		!strings.Contains(out, "browser sign-in still checks") {
		t.Errorf("SKIP_AUDIENCE_VALIDATION=true: error %v, config:\n%s", err, out)
	}
	out, err = runStdin(t, with("OIDC_TRUST_EMAIL", "true"), "", "config")
	if err != nil || !strings.Contains(out, "OIDC_TRUST_EMAIL=true\n") || !strings.Contains(out, "single-tenant") {
		t.Errorf("OIDC_TRUST_EMAIL=true: error %v, config:\n%s", err, out)
	}
	if _, err := runStdin(t, with("OIDC_TRUST_EMAIL", "yes please"), "", "config"); err == nil || !strings.Contains(err.Error(), "OIDC_TRUST_EMAIL") {
		t.Errorf("OIDC_TRUST_EMAIL=yes please: error %v", err)
	}
}
