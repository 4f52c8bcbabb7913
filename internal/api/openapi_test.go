package api_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// TestOpenAPIMatchesRoutes checks the served document against the real
// router: every documented operation is routed (no 404 "no route", no
// 405), declares its path parameters, and names schemas that exist.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := apitest.New(t)
	r := e.Must(200, "GET", "/api/v1/openapi.json", nil, apitest.Anonymous)
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	r.JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	if len(doc.Paths) < 20 {
		t.Fatalf("only %d paths documented", len(doc.Paths))
	}
	param := regexp.MustCompile(`\{([a-z_]+)\}`)
	refRE := regexp.MustCompile(`"\$ref":"#/components/schemas/([A-Za-z]+)"`)
	ops := 0
	for path, methods := range doc.Paths {
		for method, raw := range methods {
			ops++
			var op struct {
				Parameters []struct{ Name, In string } `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				found := false
				for _, p := range op.Parameters {
					found = found || p.In == "path" && p.Name == m[1]
				}
				if !found {
					t.Errorf("%s %s: path parameter %s not declared", method, path, m[1])
				}
			}
			for _, m := range refRE.FindAllStringSubmatch(string(raw), -1) {
				if _, ok := doc.Components.Schemas[m[1]]; !ok {
					t.Errorf("%s %s: schema %s missing from components", method, path, m[1])
				}
			}
			concrete := param.ReplaceAllString(path, "x")
			resp := e.Do(strings.ToUpper(method), concrete, nil, apitest.Anonymous)
			if resp.StatusCode == http.StatusMethodNotAllowed || strings.Contains(string(resp.Body), `"no route `) {
				t.Errorf("%s %s is documented but not routed: %d %s", method, path, resp.StatusCode, resp.Body)
			}
		}
	}
	// And the other way round: an undocumented path is not routed.
	if resp := e.Do("GET", "/api/v1/no-such-thing", nil, apitest.Anonymous); resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
	t.Logf("%d operations checked", ops)
}
