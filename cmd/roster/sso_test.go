package main

import (
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
