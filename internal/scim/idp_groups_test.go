package scim_test

import (
	"slices"
	"testing"
)

const rosterGroupExt = "urn:ietf:params:scim:schemas:extension:roster:2.0:Group"

// idpGroupsOf reads a group's idpGroups from its SCIM representation.
func idpGroupsOf(g map[string]any) []string {
	ext, _ := g[rosterGroupExt].(map[string]any)
	var out []string
	for _, e := range asAnyList(ext["idpGroups"]) {
		v, _ := e.(map[string]any)["value"].(string)
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// restIDPGroups reads a team's idp_groups through REST.
func (p *idp) restIDPGroups(team string) []string {
	p.t.Helper()
	var out []string
	for _, g := range asAnyList(p.e.Must(200, "GET", "/api/v1/teams/"+team, nil, p.key).Map(p.t)["idp_groups"]) {
		out = append(out, g.(string))
	}
	slices.Sort(out)
	return out
}

// The Roster Group extension carries a team's idp_groups: POST and PUT
// with it set them, PUT without it keeps them, PATCH sets and removes
// them by path, and REST sees the same list.
func TestSCIMGroupIDPGroups(t *testing.T) {
	p, _ := newIdP(t)
	g := p.do(201, "POST", "/Groups", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group", rosterGroupExt},
		"displayName": "vision", rosterGroupExt: map[string]any{"idpGroups": []any{map[string]any{"value": "cn=vision,ou=groups,dc=example,dc=org"}}}})
	id := g["id"].(string)
	if got := idpGroupsOf(g); !slices.Equal(got, []string{"cn=vision,ou=groups,dc=example,dc=org"}) {
		t.Fatalf("created with %v", got)
	}
	if !slices.Contains(asAnyList(g["schemas"]), any(rosterGroupExt)) {
		t.Fatalf("schemas %v lack the extension", g["schemas"])
	}
	if got := p.restIDPGroups("vision"); !slices.Equal(got, []string{"cn=vision,ou=groups,dc=example,dc=org"}) {
		t.Fatalf("REST sees %v", got)
	}
	// PUT without the extension keeps them.
	p.do(200, "PUT", "/Groups/"+id, map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": "vision"})
	if got := p.restIDPGroups("vision"); len(got) != 1 {
		t.Fatalf("PUT without the extension left %v", got)
	}
	// PATCH add and remove by path.
	p.do(200, "PATCH", "/Groups/"+id, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "add", "path": rosterGroupExt + ":idpGroups", "value": []any{map[string]any{"value": "/ml/vision"}}}}})
	if got := p.restIDPGroups("vision"); !slices.Equal(got, []string{"/ml/vision", "cn=vision,ou=groups,dc=example,dc=org"}) {
		t.Fatalf("after PATCH add: %v", got)
	}
	p.do(200, "PATCH", "/Groups/"+id, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "remove", "path": rosterGroupExt + `:idpGroups[value eq "/ml/vision"]`}}})
	if got := p.restIDPGroups("vision"); !slices.Equal(got, []string{"cn=vision,ou=groups,dc=example,dc=org"}) {
		t.Fatalf("after PATCH remove: %v", got)
	}
	// A PATCH of members alone keeps them.
	p.do(200, "PATCH", "/Groups/"+id, map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "replace", "path": "displayName", "value": "vision"}}})
	if got := idpGroupsOf(p.do(200, "GET", "/Groups/"+id, nil)); len(got) != 1 {
		t.Fatalf("after an unrelated PATCH: %v", got)
	}
	// Bad entries are refused; PUT with an empty list clears them.
	p.do(400, "PUT", "/Groups/"+id, map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group", rosterGroupExt},
		"displayName": "vision", rosterGroupExt: map[string]any{"idpGroups": []any{map[string]any{"value": " "}}}})
	p.do(200, "PUT", "/Groups/"+id, map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group", rosterGroupExt},
		"displayName": "vision", rosterGroupExt: map[string]any{"idpGroups": []any{}}})
	if got := p.restIDPGroups("vision"); len(got) != 0 {
		t.Fatalf("after PUT with none: %v", got)
	}
	if n := p.e.AuditCount("team:update"); n < 3 {
		t.Fatalf("%d team:update entries, want one per change", n)
	}
}
