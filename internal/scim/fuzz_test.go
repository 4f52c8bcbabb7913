package scim

import (
	"bytes"
	"encoding/json"
	"testing"

	"roster"
)

// The fuzz targets of the SCIM edge: the filter parser with its evaluation,
// and PATCH decoding and application. Seeds are the inputs of the tests
// beside them; scripts/fuzz.sh runs each target for a while.

const fuzzUser = `{"id":"u_1","userName":"Bjensen@example.com","externalId":"ext-1","active":true,
	"displayName":"Babs","name":{"givenName":"Barbara","familyName":"Jensen","formatted":"Barbara Jensen"},
	"title":"Tour \"Guide\"","phoneNumbers":[{"value":"555-1","type":"work"}],
	"emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@home.org","type":"home"}],
	"addresses":[{"type":"work","locality":"Hollywood","primary":true}],
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tours","employeeNumber":"7"},
	"urn:ietf:params:scim:schemas:extension:roster:2.0:User":{"organizationRole":"member",
		"teamRoles":[{"teamName":"vision","roleName":"member"}]},
	"meta":{"resourceType":"User","created":"2024-01-01T10:00:00Z","lastModified":"2024-05-01T10:00:00Z"}}`

const fuzzGroup = `{"id":"t_1","displayName":"ML Engineers","externalId":"g-1",
	"members":[{"value":"u_1","display":"bjensen@example.com"},{"value":"u_2"}],
	"meta":{"resourceType":"Group","created":"2024-01-01T10:00:00Z","lastModified":"2024-05-01T10:00:00Z"}}`

func testGroups() *kind {
	return &kind{Name: "Group", Endpoint: "/Groups", core: groupSchema()}
}

// sample decodes a sample resource afresh, as readBody decodes bodies.
func sample(t *testing.T, doc string) resource {
	t.Helper()
	m, err := decodeBody([]byte(doc))
	if err != nil {
		t.Fatalf("sample: %v", err)
	}
	return m
}

// decodeBody decodes a JSON object the way readBody does.
func decodeBody(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		return nil, err
	}
	return body, nil
}

// mustBeInvalid fails unless err is a domain error of code invalid: bad
// input to the SCIM edge is a 400, never a 500.
func mustBeInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if code := roster.ErrorCode(err); code != roster.EInvalid {
		t.Fatalf("%s: error of code %q, want %q: %v", what, code, roster.EInvalid, err)
	}
}

var filterSeeds = []string{
	`userName eq "bjensen@example.com"`, `USERNAME Eq "BJENSEN@EXAMPLE.COM"`, `externalId eq "ext-1"`,
	`name.familyName co "ens"`, `userName sw "bj" and userName ew ".com"`, `title eq "Tour \"Guide\""`,
	`title eq "Tour \u0022Guide\u0022"`, `emails[type eq "work" and value co "example"]`,
	`emails[type eq "work"].value eq "bjensen@example.com"`, `emails[type eq "work" and (primary eq true or value sw "x")]`,
	`emails co "home.org"`, `emails.type eq "home"`, `active eq true and not (userName eq "x")`, `active eq "True"`,
	`(userName eq "a" or userName eq "b") or title pr`, `nickName pr`, `nickName eq null`, `nickName ne null`,
	`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tours"`,
	`meta.lastModified gt "2024-01-01T00:00:00Z"`, `userName ne "x"`, `userName gt "a" and userName lt "c"`,
	`displayName eq "ML Engineers"`, `members[value eq "u_1"]`, `members.value eq "u_2"`, `id eq "u_1"`,
	`userName eq`, `userName xx "a"`, `bogus eq "a"`, `userName eq "unterminated`, `emails[type eq "work"`,
	`active gt true`, `userName eq 5`, `name eq "x"`, `$vp0 pr`, `emails[type eq "w"].value`, `a]`, `[`,
	`emails[type eq "work"].value eq "x" or emails[value pr]`, `not(not(active eq false))`, `x eq "\ud800"`,
}

// FuzzFilter parses filters for users and groups and evaluates them on a
// sample of each: nothing panics, refusals are invalid errors, and
// "not (f)" matches exactly when f does not.
func FuzzFilter(f *testing.F) {
	for _, s := range filterSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, c := range []struct {
			k   *kind
			doc string
		}{{testUsers(), fuzzUser}, {testGroups(), fuzzGroup}} {
			res := sample(t, c.doc)
			n, err := parseFilter(c.k, text)
			if err != nil {
				mustBeInvalid(t, "parse "+c.k.Name, err)
				continue
			}
			got := n.match(res)
			neg, err := parseFilter(c.k, "not ("+text+")")
			if err != nil {
				continue // the bounds on length and depth may refuse the wrapped filter
			}
			if neg.match(res) == got {
				t.Fatalf("%s: %q matches %v and so does its negation", c.k.Name, text, got)
			}
		}
	})
}

var patchSeeds = []string{
	`{"Operations":[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
		{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}]}`,
	`{"Operations":[{"op":"Replace","path":"userName","value":"5b50642d@testuser.com"}]}`,
	`{"Operations":[{"op":"Replace","path":"active","value":"False"}]}`,
	`{"Operations":[{"op":"replace","value":{"active":true}}]}`,
	`{"Operations":[{"op":"replace","value":{"displayName":"Pvlo","emails[type eq \"work\"].value":"T@test.microsoft.com",
		"name.givenName":"Gtfd","externalId":"Eqpj",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Eqpj"}},
		{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Tours","title":"Guide"}}]}`,
	`{"Operations":[{"op":"replace","path":"organizationRole","value":"admin"},
		{"op":"add","path":"teamRoles","value":[{"teamName":"Vision","roleName":"editor"}]}]}`,
	`{"Operations":[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:roster:2.0:User:teamRoles[teamName eq \"vision\"]"}]}`,
	`{"Operations":[{"op":"replace","path":"emails[type eq","value":"x"}]}`,
	`{"Operations":[{"op":"replace","path":"nosuch","value":"x"}]}`,
	`{"Operations":[{"op":"remove"}]}`,
	`{"Operations":[{"op":"replace","path":"addresses[type eq \"work\" or type eq \"home\"].locality","value":"x"}]}`,
	`{"Operations":[{"op":"replace","path":"id","value":"x"}]}`,
	`{"Operations":[{"op":"move","path":"title","value":"x"}]}`,
	`{"Operations":[]}`,
	`{"Operations":[{"op":"replace","value":{"password":"t1meMa$9"}}]}`,
	`{"Operations":[{"op":"replace","value":{"id":"t_1","displayName":"Test SCIMv2 Renamed"}}]}`,
	`{"Operations":[{"op":"add","path":"members","value":[{"value":"u_3","display":"test.user@okta.local"}]}]}`,
	`{"Operations":[{"op":"remove","path":"members[value eq \"u_1\"]"}]}`,
	`{"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u_2"}]}]}`,
	`{"Operations":[{"op":"add","path":"title","value":"Intern"}]}`,
	`{"Operations":[{"op":"add","path":"emails","value":[{"value":"x@y.z","primary":true}]}]}`,
	`{"Operations":[{"op":"replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"1"}]}`,
	`{"Operations":[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"department":"x"}}]}`,
	`{"Operations":[{"op":"remove","path":"name.givenName"},{"op":"remove","path":"emails[primary eq true]"}]}`,
}

// FuzzPatch decodes PATCH bodies and applies them to a sample user and a
// sample group as the PATCH handlers do: nothing panics, every refusal is
// an invalid error, and the normalized result normalizes to itself.
func FuzzPatch(f *testing.F) {
	for _, s := range patchSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkPatch)
}

// checkPatch decodes and applies a PATCH body to a sample user and a
// sample group.
func checkPatch(t *testing.T, data []byte) {
	for _, c := range []struct {
		k   *kind
		doc string
	}{{testUsers(), fuzzUser}, {testGroups(), fuzzGroup}} {
		body, err := decodeBody(data)
		if err != nil || body == nil {
			return
		}
		ops, err := decodePatch(body)
		if err != nil {
			mustBeInvalid(t, "decode", err)
			return
		}
		res := sample(t, c.doc)
		if err := applyPatch(c.k, res, ops); err != nil {
			mustBeInvalid(t, "apply to "+c.k.Name, err)
			continue
		}
		norm, err := normalizeResource(c.k, res)
		if err != nil {
			mustBeInvalid(t, "normalize "+c.k.Name, err)
			continue
		}
		first := encode(t, norm)
		again, err := normalizeResource(c.k, decodeRes(t, first))
		if err != nil || !bytes.Equal(encode(t, again), first) {
			t.Fatalf("%s: normalizing twice changes %s into %v (%v)", c.k.Name, first, again, err)
		}
	}
}

// encode is a resource's JSON, with its keys in order.
func encode(t *testing.T, r resource) []byte {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("a normalized resource does not encode: %v", err)
	}
	return data
}

func decodeRes(t *testing.T, data []byte) resource {
	t.Helper()
	m, err := decodeBody(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// FuzzPatchOp builds one PATCH operation from a fuzzed op, path and JSON
// value, which reaches the path parser and the value rules more often
// than whole bodies do, and checks what FuzzPatch checks.
func FuzzPatchOp(f *testing.F) {
	for _, s := range []struct{ op, path, value string }{
		{"replace", `emails[type eq "work"].value`, `"x@example.com"`}, {"Replace", "name.familyName", `"J"`},
		{"add", "members", `[{"value":"u_3"}]`}, {"remove", `members[value eq "u_1"]`, ``},
		{"replace", "active", `"False"`}, {"add", "teamRoles", `[{"teamName":"vision","roleName":"editor"}]`},
		{"remove", `urn:ietf:params:scim:schemas:extension:roster:2.0:User:teamRoles[teamName eq "vision"]`, ``},
		{"replace", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", `"u_2"`},
		{"replace", "", `{"name.givenName":"G","emails[type eq \"home\"].value":"h@x.y","id":"z"}`},
		{"add", `addresses[type eq "work" or type eq "home"].locality`, `"x"`}, {"replace", "meta.created", `"x"`},
		{"replace", `phoneNumbers[type eq "work" and value pr].display`, `1`}, {"remove", "emails", `[{"value":"babs@home.org"}]`},
	} {
		f.Add(s.op, s.path, []byte(s.value))
	}
	f.Fuzz(func(t *testing.T, op, path string, value []byte) {
		o := map[string]any{"op": op}
		if path != "" {
			o["path"] = path
		}
		if len(value) > 0 {
			v, err := decodeBody([]byte(`{"v":` + string(value) + `}`))
			if err != nil {
				return
			}
			o["value"] = v["v"]
		}
		body, err := json.Marshal(map[string]any{"Operations": []any{o}})
		if err != nil {
			return
		}
		checkPatch(t, body)
	})
}
