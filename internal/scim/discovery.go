package scim

import (
	"net/http"
	"strings"

	"roster"
)

// serviceProviderConfig says truthfully what this server offers
// (RFC 7643 section 5).
func (s *Server) serviceProviderConfig(w http.ResponseWriter, r *http.Request, c *call) error {
	supported := func(b bool) map[string]any { return map[string]any{"supported": b} }
	return writeJSON(w, http.StatusOK, map[string]any{
		"schemas":          []string{URNSPConfig},
		"documentationUri": "https://www.rfc-editor.org/rfc/rfc7644",
		"patch":            supported(true),
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": maxCount},
		"changePassword":   supported(true),
		"sort":             supported(false),
		"etag":             supported(true),
		"authenticationSchemes": []map[string]any{
			{"type": "oauthbearertoken", "name": "Bearer API key", "primary": true,
				"description": "An organization admin's or organization service account's Roster API key as a Bearer token.",
				"specUri":     "https://www.rfc-editor.org/rfc/rfc6750"},
			{"type": "httpbasic", "name": "HTTP Basic with an API key",
				"description": "The same API key as the Basic password, with any user name.",
				"specUri":     "https://www.rfc-editor.org/rfc/rfc7617"},
		},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": c.base + "/ServiceProviderConfig"},
	})
}

func (s *Server) kinds() []*kind { return []*kind{s.users, s.groups, s.roles} }

func (s *Server) resourceTypeDoc(c *call, k *kind) map[string]any {
	exts := []map[string]any{}
	for _, e := range k.exts {
		exts = append(exts, map[string]any{"schema": e.ID, "required": false})
	}
	return map[string]any{"schemas": []string{URNResType}, "id": k.Name, "name": k.Name, "endpoint": k.Endpoint,
		"description": k.Description, "schema": k.core.ID, "schemaExtensions": exts,
		"meta": map[string]any{"resourceType": "ResourceType", "location": c.base + "/ResourceTypes/" + k.Name}}
}

func (s *Server) resourceTypes(w http.ResponseWriter, r *http.Request, c *call) error {
	var out []resource
	for _, k := range s.kinds() {
		out = append(out, s.resourceTypeDoc(c, k))
	}
	return writeJSON(w, http.StatusOK, newList(listParams{start: 1}, len(out), out))
}

func (s *Server) resourceType(w http.ResponseWriter, r *http.Request, c *call) error {
	for _, k := range s.kinds() {
		if strings.EqualFold(k.Name, r.PathValue("id")) {
			return writeJSON(w, http.StatusOK, s.resourceTypeDoc(c, k))
		}
	}
	return roster.Errorf(roster.ENotFound, "no resource type %q", r.PathValue("id"))
}

// allSchemas lists every schema once: the core ones and the extensions.
func (s *Server) allSchemas() []*Schema {
	var out []*Schema
	for _, k := range s.kinds() {
		out = append(out, k.core)
		out = append(out, k.exts...)
	}
	return out
}

func schemaDoc(c *call, sc *Schema) map[string]any {
	return map[string]any{"schemas": []string{URNSchema}, "id": sc.ID, "name": sc.Name, "description": sc.Description,
		"attributes": sc.Attributes, "meta": map[string]any{"resourceType": "Schema", "location": c.base + "/Schemas/" + sc.ID}}
}

func (s *Server) schemas(w http.ResponseWriter, r *http.Request, c *call) error {
	var out []resource
	for _, sc := range s.allSchemas() {
		out = append(out, schemaDoc(c, sc))
	}
	return writeJSON(w, http.StatusOK, newList(listParams{start: 1}, len(out), out))
}

func (s *Server) schema(w http.ResponseWriter, r *http.Request, c *call) error {
	for _, sc := range s.allSchemas() {
		if strings.EqualFold(sc.ID, r.PathValue("id")) {
			return writeJSON(w, http.StatusOK, schemaDoc(c, sc))
		}
	}
	return roster.Errorf(roster.ENotFound, "no schema %q", r.PathValue("id"))
}
