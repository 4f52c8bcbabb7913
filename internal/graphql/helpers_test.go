package graphql_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// era is an SDK generation, which decides the body and headers it sends.
type era string

const (
	e1 era = "E1" // <= v0.23: requests, re-printed inline documents
	e2 era = "E2" // v0.24-v0.27.0: requests, re-printed generated documents
	e3 era = "E3" // v0.27.1+: wandb-core, documents verbatim
)

// sdk is one wandb.Api() of an era with a key.
type sdk struct {
	t   *testing.T
	e   *apitest.Env
	key string
	era era
}

func client(t *testing.T, e *apitest.Env, key apitest.Key, era era) sdk {
	return sdk{t: t, e: e, key: string(key), era: era}
}

// answer is a response: status, and the decoded GraphQL body.
type answer struct {
	status int
	data   map[string]any
	errors []any
	raw    []byte
}

// call posts doc and vars as the era's SDK does.
func (c sdk) call(doc string, vars map[string]any) answer {
	c.t.Helper()
	if vars == nil {
		vars = map[string]any{}
	}
	body := map[string]any{"query": doc, "variables": vars}
	if c.era == e3 {
		body["operationName"] = "" // genqlient always sends it; "" for SDK ops
	}
	return c.post(body)
}

// post sends body with the era's headers.
func (c sdk) post(body map[string]any) answer {
	c.t.Helper()
	buf, err := json.Marshal(body) // keys sorted, as Go's encoding in wandb-core
	if err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), "POST", c.e.Server.URL+"/graphql", bytes.NewReader(buf))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.key != "" {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("api:"+c.key)))
	}
	req.Header.Set("Use-Admin-Privileges", "true")
	switch c.era {
	case e3:
		req.Header.Set("User-Agent", "W&B Public Client 0.28.3")
		req.Header["X-Wandb-Username"] = []string{""}
		req.Header["X-Wandb-User-Email"] = []string{""}
	case e2:
		req.Header.Set("User-Agent", "W&B Public Client 0.26.1")
	default:
		req.Header.Set("User-Agent", "W&B Public Client 0.23.1")
	}
	resp, err := c.e.Server.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		c.t.Fatalf("%s answer is not JSON: %v: %s", c.era, err, raw)
	}
	if out.Data == nil && out.Errors == nil {
		c.t.Fatalf("%s answer has neither data nor errors (the SDK raises): %s", c.era, raw)
	}
	return answer{status: resp.StatusCode, data: out.Data, errors: out.Errors, raw: raw}
}

// ok fails unless the answer is 200 without errors, and returns data.
func (a answer) ok(t *testing.T) map[string]any {
	t.Helper()
	if a.status != 200 || len(a.errors) > 0 {
		t.Fatalf("status %d, want 200 without errors: %s", a.status, a.raw)
	}
	return a.data
}

// refused fails unless the answer is status with errors[0].message msg.
func (a answer) refused(t *testing.T, status int, msg string) {
	t.Helper()
	if a.status != status || len(a.errors) == 0 {
		t.Fatalf("status %d, want %d with errors: %s", a.status, status, a.raw)
	}
	got, _ := a.errors[0].(map[string]any)["message"].(string)
	if got != msg {
		t.Fatalf("message %q, want REST's %q", got, msg)
	}
}

// restRefusal returns the status and detail REST gives a request.
func restRefusal(t *testing.T, e *apitest.Env, method, path string, body any, key apitest.Key) (int, string) {
	t.Helper()
	r := e.Do(method, path, body, key)
	if r.StatusCode < 400 {
		t.Fatalf("REST %s %s: status %d, want a refusal", method, path, r.StatusCode)
	}
	detail, _ := r.Map(t)["detail"].(string)
	return r.StatusCode, detail
}

// obj returns m[key] as an object, failing otherwise.
func obj(t *testing.T, m map[string]any, path ...string) map[string]any {
	t.Helper()
	cur := m
	for _, k := range path {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("%s is %T, want an object: %v", k, cur[k], cur)
		}
		cur = next
	}
	return cur
}

// shape checks every field the SDK's parser needs is present with its JSON
// type: "id:s name:s username:s? admin:b? storageBytes:n members:l" (s
// string, b bool, n number, l list, o object; ? also null).
func shape(t *testing.T, m map[string]any, spec string) {
	t.Helper()
	for _, f := range strings.Fields(spec) {
		name, typ, _ := strings.Cut(f, ":")
		v, present := m[name]
		if !present {
			t.Fatalf("field %s missing (required by the SDK's parser): %v", name, m)
		}
		nullable := strings.HasSuffix(typ, "?")
		typ = strings.TrimSuffix(typ, "?")
		if v == nil {
			if !nullable {
				t.Fatalf("field %s is null, the SDK needs a value: %v", name, m)
			}
			continue
		}
		var ok bool
		switch typ {
		case "s":
			_, ok = v.(string)
		case "b":
			_, ok = v.(bool)
		case "n":
			_, ok = v.(float64)
		case "l":
			_, ok = v.([]any)
		case "o":
			_, ok = v.(map[string]any)
		}
		if !ok {
			t.Fatalf("field %s is %T (%v), want %s", name, v, v, typ)
		}
	}
}

// edges returns conn.edges[*].node.
func edges(t *testing.T, conn map[string]any) []map[string]any {
	t.Helper()
	list, ok := conn["edges"].([]any)
	if !ok {
		t.Fatalf("edges is %T, want a list: %v", conn["edges"], conn)
	}
	var out []map[string]any
	for _, e := range list {
		out = append(out, obj(t, e.(map[string]any), "node"))
	}
	return out
}

// Field specs the SDK's pydantic models require (contract section 3).
const (
	userInfoSpec = "id:s name:s username:s? email:s? admin:b?"
	userSpec     = userInfoSpec + " flags:s? entity:s? deletedAt:s? apiKeys:o? teams:o?"
	apiKeySpec   = "id:s name:s description:s?"
	entitySpec   = "id:s name:s available:b? photoUrl:s? readOnly:b? readOnlyAdmin:b isTeam:b privateOnly:b storageBytes:n codeSavingEnabled:b defaultAccess:s isPaid:b? members:l"
	memberSpec   = "id:s admin:b? pending:b? email:s? username:s? name:s photoUrl:s? accountType:s? apiKey:s?"
)

// decode reads an opaque id.
func decode(t *testing.T, id string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(id)
	if err != nil {
		t.Fatalf("id %q is not base64: %v", id, err)
	}
	return string(b)
}
