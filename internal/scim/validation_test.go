package scim_test

import (
	"encoding/json"
	"testing"
)

func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// SCIM: a group displayName or a role description with control characters
// is refused (400 invalidValue), since both are returned as sent; a user's
// name parts are accepted with each control character made a space.
func TestSCIMControlCharacters(t *testing.T) {
	p, _ := newIdP(t)
	m := p.do(400, "POST", "/Groups", jsonBody(t, map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "ML\r\nBcc: x@example.test"}))
	scimError(t, m, "400", "invalidValue")

	gid := p.do(201, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"ML"}`)["id"].(string)
	rename := jsonBody(t, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "displayName", "value": "ML\u202eevil"}}})
	scimError(t, p.do(400, "PATCH", "/Groups/"+gid, rename), "400", "invalidValue")

	role := jsonBody(t, map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:roster:2.0:Role"},
		"name": "editor", "description": "edits\nprojects", "inheritedFrom": "member"})
	scimError(t, p.do(400, "POST", "/Roles", role), "400", "invalidValue")

	u := p.do(201, "POST", "/Users", jsonBody(t, map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": "grace@example.com", "displayName": "Grace\r\nHopper\x00"}))
	got := p.e.Must(200, "GET", "/api/v1/users/"+u["id"].(string), nil, p.key).Map(t)
	if got["name"] != "Grace  Hopper" {
		t.Fatalf("SCIM name became %q, want control characters as spaces", got["name"])
	}
}

// SCIM groups share the REST rule: a displayName another team shows, or
// another team's name, is a 409 uniqueness, on create and on rename.
func TestSCIMGroupDisplayNameClashes(t *testing.T) {
	p, _ := newIdP(t)
	p.e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "display_name": "Computer Vision"}, p.key)
	for _, d := range []string{"computer vision", "VISION"} {
		scimError(t, p.do(409, "POST", "/Groups", jsonBody(t, map[string]any{
			"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": d})), "409", "uniqueness")
	}
	gid := p.do(201, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"NLP"}`)["id"].(string)
	rename := jsonBody(t, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": "displayName", "value": "Vision"}}})
	scimError(t, p.do(409, "PATCH", "/Groups/"+gid, rename), "409", "uniqueness")
	// A group whose derived name is another team's display name gets a suffix.
	p.e.Must(200, "PATCH", "/api/v1/teams/vision", map[string]any{"display_name": "speech"}, p.key)
	g := p.do(201, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Speech!"}`)
	team := p.e.Must(200, "GET", "/api/v1/teams/"+g["id"].(string), nil, p.key).Map(t)
	if team["name"] != "speech-2" {
		t.Fatalf("derived team name %v, want speech-2", team["name"])
	}
}

// M1 in filters: a userName filter with the Kelvin sign U+212A does not
// match kate, even when the filter cannot be narrowed by an index.
func TestSCIMFilterKelvinSignIsNotKate(t *testing.T) {
	p, _ := newIdP(t)
	p.do(201, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"kate@example.com"}`)
	for _, f := range []string{`userName eq "\u212aate@example.com"`, `userName eq "\u212aate@example.com" or title pr`,
		`emails.value co "\u212aate"`, `userName sw "\u212a"`} {
		list(t, p.do(200, "GET", "/Users?filter="+q(f), nil), 0)
	}
	list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "KATE@example.com" or title pr`), nil), 1)
}
