package httpx_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"roster/internal/httpx"
)

// #19: a client that gave up while its request waited (for a database
// connection, say) is not a server failure: no ERROR line, no 500.
func TestClientGoneIsNotAnError(t *testing.T) {
	var logs bytes.Buffer
	a := &httpx.Adapter{Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	h := a.Handle(func(w http.ResponseWriter, r *http.Request) error {
		<-r.Context().Done()
		return fmt.Errorf("acquire connection: %w", r.Context().Err())
	})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", "/api/v1/users", nil))
	if rec.Code != httpx.StatusClientGone {
		t.Errorf("status %d, want %d", rec.Code, httpx.StatusClientGone)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("logged as an error: %s", logs.String())
	}
	// A real failure is still a logged 500.
	logs.Reset()
	rec = httptest.NewRecorder()
	a.Handle(func(http.ResponseWriter, *http.Request) error { return fmt.Errorf("disk on fire") }).
		ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/users", nil))
	if rec.Code != 500 || !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a real failure: status %d, log %q", rec.Code, logs.String())
	}
}
