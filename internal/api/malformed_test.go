package api_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// malformedValues are what every field and path parameter is tried with.
var malformedValues = []any{
	strings.Repeat("x", 100_000), "\x00", "\u0000nul", "bad\xffutf8", "\u202eevil", "line\r\nbreak",
	"", " ", -1, 1e300, true, []any{}, map[string]any{}, nil,
}

// malformedBodies are raw bodies sent to every operation that takes one.
var malformedBodies = []string{
	"{", "[]", "null", `"text"`, "{}{}", `{"a":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`,
	"\xff\xfe", `{"unknown_field":1}`, `{"name":"\ud800"}`, strings.Repeat(" ", 1000) + "{}",
}

// #19: a sweep of malformed requests over every operation of the OpenAPI
// document, as an organization admin: no answer is 500 or more, and every
// refusal carries a message of bounded size.
func TestMalformedRequestsNeverFail500(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("root")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, admin.Key)
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	e.Must(200, "GET", "/api/v1/openapi.json", nil, apitest.Anonymous).JSON(t, &doc)
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	refRE := regexp.MustCompile(`"requestBody".*?"\$ref":"#/components/schemas/([A-Za-z]+)"`)
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	sent := 0
	check := func(method, path string, body any) {
		t.Helper()
		r := e.Do(method, path, body, admin.Key)
		sent++
		short := path[:min(len(path), 80)]
		if r.StatusCode >= 500 {
			t.Errorf("%s %s: status %d: %.300s", method, short, r.StatusCode, r.Body)
		}
		if r.StatusCode >= 400 && len(r.Body) > 4096 {
			t.Errorf("%s %s: a %d-byte refusal", method, short, len(r.Body))
		}
	}
	for _, path := range paths {
		for method, raw := range doc.Paths[path] {
			method = strings.ToUpper(method)
			if method == "DELETE" && !param.MatchString(path) {
				continue // nothing to aim at
			}
			// Path parameters: each malformed string in turn.
			if param.MatchString(path) {
				for _, v := range malformedValues {
					if s, ok := v.(string); ok && s != "" {
						check(method, param.ReplaceAllString(path, url.PathEscape(s)), nil)
					}
				}
			}
			concrete := param.ReplaceAllString(path, "vision")
			if method == "DELETE" {
				continue // the team stays, for the operations after
			}
			check(method, concrete+"?limit=-1&cursor=%FF&query="+url.QueryEscape(strings.Repeat("q", 5000))+"&startDate=31-31-31", nil)
			if method == "GET" || method == "DELETE" {
				continue
			}
			for _, b := range malformedBodies {
				check(method, concrete, b)
			}
			// Each field of the request schema, with each malformed value.
			m := refRE.FindStringSubmatch(string(raw))
			if m == nil {
				continue
			}
			for field := range doc.Components.Schemas[m[1]].Properties {
				for _, v := range malformedValues {
					check(method, concrete, map[string]any{field: v})
				}
			}
		}
	}
	// SCIM, with its own resources and attributes.
	for _, res := range []struct{ path, attrs string }{
		{"/scim/v2/Users", "userName externalId displayName emails name active password title organizationRole teamRoles"},
		{"/scim/v2/Groups", "displayName externalId members"},
		{"/scim/v2/Roles", "name description inheritedFrom permissions"},
	} {
		for _, b := range malformedBodies {
			check("POST", res.path, b)
			check("PATCH", res.path+"/u_nobody", b)
			check("POST", res.path+"/.search", b)
		}
		for _, attr := range strings.Fields(res.attrs) {
			for _, v := range malformedValues {
				check("POST", res.path, map[string]any{attr: v, "userName": "sweep@example.com", "displayName": "Sweep", "name": "sweep"})
				check("PATCH", res.path+"/u_nobody", map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
					"Operations": []any{map[string]any{"op": "replace", "path": attr, "value": v}}})
			}
		}
		for _, v := range malformedValues {
			if s, ok := v.(string); ok {
				check("GET", res.path+"?filter="+url.QueryEscape(s)+"&startIndex=-5&count=99999999999", nil)
				check("GET", res.path+"/"+url.PathEscape(s), nil)
			}
		}
	}
	t.Logf("%d malformed requests over %d paths and SCIM", sent, len(paths))
	if sent < 500 {
		t.Fatalf("only %d requests sent: the sweep found too few operations", sent)
	}
}
