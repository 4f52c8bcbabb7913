package scim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// idp is an identity provider talking SCIM to a test server with a key.
type idp struct {
	t   *testing.T
	e   *apitest.Env
	key apitest.Key
}

func newIdP(t *testing.T) (*idp, apitest.User) {
	e := apitest.New(t)
	admin := e.MustSignup("root")
	return &idp{t: t, e: e, key: admin.Key}, admin
}

// do sends a SCIM request and checks the status; body may be a string
// (raw JSON) or a value.
func (p *idp) do(want int, method, path string, body any) map[string]any {
	p.t.Helper()
	r := p.e.Do(method, "/scim/v2"+path, body, p.key)
	if r.StatusCode != want {
		p.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.StatusCode, want, r.Body)
	}
	if len(r.Body) == 0 {
		return nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/scim+json" {
		p.t.Fatalf("%s %s: content type %q", method, path, ct)
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		p.t.Fatalf("%s %s: decode %s: %v", method, path, r.Body, err)
	}
	return m
}

// raw sends a request with full control over headers.
func (p *idp) raw(method, path, contentType, body string, header map[string]string) (*http.Response, map[string]any) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.e.Server.URL+path, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := p.e.Server.Client().Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(data, &m)
	return resp, m
}

// scimError checks a SCIM error document's status and scimType.
func scimError(t *testing.T, m map[string]any, status, scimType string) {
	t.Helper()
	schemas, _ := m["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
		t.Fatalf("not a SCIM error: %v", m)
	}
	if m["status"] != status {
		t.Fatalf("status %v, want %q: %v", m["status"], status, m)
	}
	if got, _ := m["scimType"].(string); got != scimType {
		t.Fatalf("scimType %q, want %q: %v", got, scimType, m)
	}
}

// list returns a ListResponse's resources after checking its shape.
func list(t *testing.T, m map[string]any, total int) []map[string]any {
	t.Helper()
	if n, ok := m["totalResults"].(float64); !ok || int(n) != total {
		t.Fatalf("totalResults %v, want %d: %v", m["totalResults"], total, m)
	}
	if _, ok := m["startIndex"].(float64); !ok {
		t.Fatalf("startIndex missing: %v", m)
	}
	res, _ := m["Resources"].([]any)
	if n, _ := m["itemsPerPage"].(float64); int(n) != len(res) {
		t.Fatalf("itemsPerPage %v for %d resources", m["itemsPerPage"], len(res))
	}
	out := make([]map[string]any, len(res))
	for i, r := range res {
		out[i] = r.(map[string]any)
	}
	return out
}

// get walks a decoded document: keys for objects, and "0", "1"... for arrays.
func get(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

const rosterExt = "urn:ietf:params:scim:schemas:extension:roster:2.0:User"
