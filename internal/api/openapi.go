package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"roster/internal/httpx"
)

// Version is the API document's version.
const Version = "1.0.0"

// OpenAPI builds the OpenAPI 3 document from the route table, with schemas
// reflected from the request and response types, so it cannot drift from
// what the server serves.
func (api *API) OpenAPI() map[string]any {
	schemas := map[string]any{"Problem": schemaOf(reflect.TypeOf(httpx.Problem{}), nil)}
	paths := map[string]map[string]any{}
	for _, rt := range api.routes {
		op := map[string]any{
			"summary":     rt.summary,
			"operationId": operationID(rt),
			"tags":        []string{tagOf(rt.path)},
			"responses":   responses(rt, schemas),
			"x-access":    string(rt.access),
		}
		if rt.access == public {
			op["security"] = []any{}
		}
		var params []any
		for _, name := range pathParams(rt.path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, p := range rt.query {
			params = append(params, map[string]any{"name": p.name, "in": "query", "description": p.doc, "schema": map[string]any{"type": p.typ}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": ref(rt.request, schemas)}}}
		}
		if paths[rt.path] == nil {
			paths[rt.path] = map[string]any{}
		}
		paths[rt.path][strings.ToLower(rt.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Roster API", "version": Version,
			"description": "Users, roles, invites and API keys of a Roster organization. Errors are RFC 9457 problem documents."},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "An API key."},
				"basic":   map[string]any{"type": "http", "scheme": "basic", "description": "Any username; the API key as the password."},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": httpx.SessionCookie},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"basic": []any{}}, map[string]any{"session": []any{}}},
	}
}

func (api *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	return httpx.WriteJSON(w, http.StatusOK, api.OpenAPI())
}

func responses(rt route, schemas map[string]any) map[string]any {
	problem := map[string]any{"description": "error", "content": map[string]any{
		"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	ok := map[string]any{"description": http.StatusText(rt.status)}
	if rt.response != nil {
		content := map[string]any{"application/json": map[string]any{"schema": ref(rt.response, schemas)}}
		if rt.stream {
			content["application/x-ndjson"] = map[string]any{"schema": ref(AuditEntry{}, schemas)}
		}
		ok["content"] = content
	}
	return map[string]any{strconv.Itoa(rt.status): ok, "default": problem}
}

var paramRE = regexp.MustCompile(`\{([a-z_]+)\}`)

func pathParams(path string) []string {
	var names []string
	for _, m := range paramRE.FindAllStringSubmatch(path, -1) {
		names = append(names, m[1])
	}
	return names
}

func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.method))
	for _, part := range strings.Split(strings.Trim(rt.path, "/"), "/") {
		part = strings.Trim(part, "{}")
		for _, w := range strings.FieldsFunc(part, func(r rune) bool { return r == '-' || r == '_' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func tagOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if parts[0] == "admin" {
		return "audit"
	}
	if len(parts) > 2 {
		return parts[2]
	}
	return parts[len(parts)-1]
}

// ref registers v's type as a component schema and returns a reference.
func ref(v any, schemas map[string]any) map[string]any {
	t := reflect.TypeOf(v)
	if _, ok := schemas[t.Name()]; !ok {
		schemas[t.Name()] = nil // placeholder against recursion
		schemas[t.Name()] = schemaOf(t, schemas)
	}
	return map[string]any{"$ref": "#/components/schemas/" + t.Name()}
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	rawJSONType = reflect.TypeOf(json.RawMessage{})
)

// schemaOf reflects a JSON schema from a Go type and its json tags.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	if t.Kind() == reflect.Pointer {
		s := schemaOf(t.Elem(), schemas)
		s["nullable"] = true
		return s
	}
	switch {
	case t == rawJSONType:
		return map[string]any{"type": "object", "description": "any JSON object"}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	}
	props := map[string]any{}
	var required []string
	fieldsOf(t, props, &required, schemas)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// fieldsOf adds t's JSON fields, flattening embedded structs as encoding/json does.
func fieldsOf(t reflect.Type, props map[string]any, required *[]string, schemas map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			fieldsOf(f.Type, props, required, schemas)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := schemaOf(f.Type, schemas)
		if enum := f.Tag.Get("enum"); enum != "" {
			s["enum"] = strings.Split(enum, ",")
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}
