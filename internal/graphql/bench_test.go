package graphql_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"roster/internal/apitest"
)

// Run with:
//
//	go test -run '^$' -bench . -benchtime 2000x ./internal/graphql/
//
// Each pair sends the same operation through GraphQL (the SDK's document,
// headers and Basic credentials) and through REST, over real HTTP to one
// server, so the difference is the GraphQL edge's overhead.

// benchPost sends one request and fails unless it answers want.
func benchPost(b *testing.B, e *apitest.Env, method, path string, body any, key apitest.Key, basic bool, want int) {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.Server.URL+path, rd)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if basic {
		req.SetBasicAuth("api", string(key))
		req.Header.Set("Use-Admin-Privileges", "true")
	} else {
		req.Header.Set("Authorization", "Bearer "+string(key))
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want || basic && bytes.Contains(data, []byte(`"errors"`)) {
		b.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
}

func BenchmarkViewer(b *testing.B) {
	e := apitest.New(b)
	admin := e.MustSignup("alice")
	e.Must(201, "POST", "/api/v1/teams", map[string]string{"name": "vision"}, admin.Key)
	b.Run("graphql-login-check", func(b *testing.B) {
		body := map[string]any{"query": printedViewerID, "variables": map[string]any{}, "operationName": ""}
		for b.Loop() {
			benchPost(b, e, "POST", "/graphql", body, admin.Key, true, 200)
		}
	})
	b.Run("graphql-GetViewer", func(b *testing.B) {
		body := map[string]any{"query": e3GetViewer, "variables": map[string]any{}, "operationName": ""}
		for b.Loop() {
			benchPost(b, e, "POST", "/graphql", body, admin.Key, true, 200)
		}
	})
	b.Run("rest-GET-viewer", func(b *testing.B) {
		for b.Loop() {
			benchPost(b, e, "GET", "/api/v1/viewer", nil, admin.Key, false, 200)
		}
	})
}

func BenchmarkCreateUser(b *testing.B) {
	e := apitest.New(b)
	admin := e.MustSignup("alice")
	n := 0
	b.Run("graphql-createUser", func(b *testing.B) {
		for b.Loop() {
			n++
			vars := map[string]any{"email": fmt.Sprintf("g%d@example.com", n), "admin": false}
			benchPost(b, e, "POST", "/graphql", map[string]any{"query": e3CreateUser, "variables": vars, "operationName": ""}, admin.Key, true, 200)
		}
	})
	b.Run("rest-POST-users", func(b *testing.B) {
		for b.Loop() {
			n++
			benchPost(b, e, "POST", "/api/v1/users", map[string]string{"email": fmt.Sprintf("r%d@example.com", n)}, admin.Key, false, 201)
		}
	})
}
