package scim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func testUsers() *kind {
	return &kind{Name: "User", Endpoint: "/Users", core: userSchema(), exts: []*Schema{enterpriseSchema(), rosterUserSchema()}}
}

func mustRes(t *testing.T, doc string) resource {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFilterGrammar(t *testing.T) {
	u := mustRes(t, `{"id":"u_1","userName":"Bjensen@example.com","externalId":"ext-1","active":true,
		"name":{"givenName":"Barbara","familyName":"Jensen"},"title":"Tour \"Guide\"",
		"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@home.org","type":"home"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tours"},
		"meta":{"lastModified":"2024-05-01T10:00:00Z"}}`)
	cases := []struct {
		filter string
		want   bool
	}{
		{`userName eq "bjensen@example.com"`, true},
		{`USERNAME Eq "BJENSEN@EXAMPLE.COM"`, true},
		{`externalId eq "EXT-1"`, false},
		{`externalId eq "ext-1"`, true},
		{`name.familyName co "ens"`, true},
		{`userName sw "bj" and userName ew ".com"`, true},
		{`title eq "Tour \"Guide\""`, true},
		{`title eq "Tour \u0022Guide\u0022"`, true},
		{`emails[type eq "work" and value co "example"]`, true},
		{`emails[type eq "work"].value eq "bjensen@example.com"`, true},
		{`emails[type eq "home"].value eq "bjensen@example.com"`, false},
		{`emails[type eq "work" and (primary eq true or value sw "x")]`, true},
		{`emails co "home.org"`, true},
		{`emails.type eq "home"`, true},
		{`active eq true and not (userName eq "x")`, true},
		{`active eq "True"`, true},
		{`(userName eq "a" or userName eq "b") or title pr`, true},
		{`nickName pr`, false},
		{`nickName eq null`, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tours"`, true},
		{`meta.lastModified gt "2024-01-01T00:00:00Z"`, true},
		{`meta.lastModified lt "2024-01-01T00:00:00Z"`, false},
		{`userName ne "x"`, true},
		{`userName gt "a" and userName lt "c"`, true},
	}
	for _, c := range cases {
		n, err := parseFilter(testUsers(), c.filter)
		if err != nil {
			t.Errorf("%s: %v", c.filter, err)
			continue
		}
		if got := n.match(u); got != c.want {
			t.Errorf("%s: got %v, want %v", c.filter, got, c.want)
		}
	}
}

func TestFilterRejects(t *testing.T) {
	for _, f := range []string{
		`userName eq`, `userName xx "a"`, `bogus eq "a"`, `userName eq "unterminated`, `emails[type eq "work"`,
		`active gt true`, `userName eq 5`, `name eq "x"`, `$vp0 pr`, `emails[type eq "w"].value`,
		strings.Repeat("(", 20) + `userName eq "a"` + strings.Repeat(")", 20),
		strings.Repeat(`userName eq "a" or `, 70) + `userName eq "a"`,
		strings.Repeat("x", 3000),
	} {
		if _, err := parseFilter(testUsers(), f); err == nil {
			t.Errorf("%.60s: accepted", f)
		}
	}
}

func TestFilterParseTime(t *testing.T) {
	f := strings.Repeat(`(userName eq "a" or `, 11) + `userName eq "b"` + strings.Repeat(")", 11)
	start := time.Now()
	if _, err := parseFilter(testUsers(), f); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Fatalf("parse took %v", d)
	}
}
