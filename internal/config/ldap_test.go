package config_test

import (
	"slices"
	"strings"
	"testing"

	"roster/internal/config"
)

// TestLDAPSettings reads W&B's LOCAL_LDAP_* names and refuses what cannot
// work with a sentence naming the setting.
func TestLDAPSettings(t *testing.T) {
	ok := map[string]string{"LOCAL_LDAP_LOGIN": "True", "LOCAL_LDAP_ADDRESS": "ldap://ldap.example.com:389",
		"LOCAL_LDAP_BASE_DN": "dc=example,dc=org", "LOCAL_LDAP_BIND_DN": "cn=roster,dc=example,dc=org", "LOCAL_LDAP_BIND_PW": "s3cret-pw",
		"LOCAL_LDAP_ATTRIBUTES": "email=mail,group=memberOf", "LOCAL_LDAP_TLS_ENABLE": "true",
		"LOCAL_LDAP_GROUP_ALLOW_LIST": "cn=ml,ou=groups,dc=example,dc=org; cn=staff,ou=groups,dc=example,dc=org", "GORILLA_LDAP_GROUP_SYNC": "true"}
	c, err := load(ok)
	if err != nil {
		t.Fatal(err)
	}
	l := c.LDAP
	if !l.Login || !l.StartTLS || !l.GroupSync || l.Attrs.Group != "memberOf" || !slices.Equal(l.AllowList,
		[]string{"cn=ml,ou=groups,dc=example,dc=org", "cn=staff,ou=groups,dc=example,dc=org"}) {
		t.Fatalf("%+v", l)
	}
	seen := map[string]string{}
	for _, kv := range c.Masked() {
		seen[kv[0]] = kv[1]
		if strings.Contains(kv[1], "s3cret-pw") {
			t.Errorf("%s shows the bind password", kv[0])
		}
	}
	if seen["LOCAL_LDAP_BIND_PW"] != "********" || seen["LOCAL_LDAP_ADDRESS"] != "ldap://ldap.example.com:389" {
		t.Fatalf("masked %v", seen)
	}
	for _, tc := range []struct {
		change map[string]string
		want   string
	}{
		{map[string]string{"LOCAL_LDAP_ADDRESS": ""}, "needs LOCAL_LDAP_ADDRESS"},
		{map[string]string{"LOCAL_LDAP_ADDRESS": "http://ldap.example.com"}, "ldap://host:port or ldaps://host:port"},
		{map[string]string{"LOCAL_LDAP_BASE_DN": ""}, "LOCAL_LDAP_BASE_DN must be set"},
		{map[string]string{"LOCAL_LDAP_BIND_DN": ""}, "LOCAL_LDAP_BIND_PW is set without LOCAL_LDAP_BIND_DN"},
		{map[string]string{"LOCAL_LDAP_ADDRESS": "ldaps://ldap.example.com:636"}, "already encrypted"},
		{map[string]string{"LOCAL_LDAP_ATTRIBUTES": "mail"}, "LOCAL_LDAP_ATTRIBUTES must be"},
		{map[string]string{"LOCAL_LDAP_LOGIN": "yes please"}, "LOCAL_LDAP_LOGIN must be true or false"},
	} {
		env := map[string]string{}
		for k, v := range ok {
			env[k] = v
		}
		for k, v := range tc.change {
			env[k] = v
		}
		if _, err := load(env); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v; want %q", tc.change, err, tc.want)
		}
	}
	if got := config.ParseGroupList("ml, vision;staff"); !slices.Equal(got, []string{"ml", "vision", "staff"}) {
		t.Fatalf("names: %v", got)
	}
}
