// Package httpx adapts error-returning handlers to net/http, renders
// errors as RFC 9457 problem documents and holds the shared middleware.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"roster"
)

// HandlerFunc is a handler that returns its failure instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Adapter turns HandlerFuncs into http.Handlers that log and render errors.
type Adapter struct {
	Log *slog.Logger
	// Render writes an error; WriteProblem when nil.
	Render func(w http.ResponseWriter, r *http.Request, status int, err error)
}

// Handle wraps h.
func (a *Adapter) Handle(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.Error(w, r, err)
		}
	})
}

// StatusClientGone is the status logged for a request whose client gave
// up before the answer was ready (nginx's 499); nobody reads the answer.
const StatusClientGone = 499

// Error logs unknown errors and renders err with its status. A request
// whose client went away is not a server failure: it is logged at debug
// level with StatusClientGone.
func (a *Adapter) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if status >= 500 && r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		a.Log.DebugContext(r.Context(), "client went away", "method", r.Method, "path", r.URL.Path,
			"request_id", RequestID(r.Context()), "err", err)
		w.WriteHeader(StatusClientGone)
		return
	}
	if status >= 500 {
		a.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", LogPath(r),
			"request_id", RequestID(r.Context()), "err", err)
	}
	if a.Render != nil {
		a.Render(w, r, status, err)
		return
	}
	WriteProblem(w, r, status, err)
}

// Status maps a domain error code to an HTTP status.
func Status(err error) int {
	switch roster.ErrorCode(err) {
	case roster.EInvalid:
		return http.StatusBadRequest
	case roster.ENotFound:
		return http.StatusNotFound
	case roster.EConflict:
		return http.StatusConflict
	case roster.EForbidden:
		return http.StatusForbidden
	case roster.EUnauthenticated:
		return http.StatusUnauthorized
	case roster.ETooMany:
		return http.StatusTooManyRequests
	case roster.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case roster.EPrecondition:
		return http.StatusPreconditionFailed
	case roster.EUnavailable:
		return http.StatusServiceUnavailable
	case roster.EUpstream:
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document with Roster's stable code.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// WriteProblem writes err as application/problem+json.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: roster.ErrorMessage(err), Code: roster.ErrorReason(err), Instance: instance(r.URL.Path),
		RequestID: RequestID(r.Context())}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="roster", Basic realm="roster"`)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// instance is the problem's path, bounded like its message (D4).
func instance(path string) string {
	if len(path) <= 256 {
		return path
	}
	return roster.ErrorMessage(roster.Errorf(roster.EInvalid, "%s", path[:256])) + "…"
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// MaxBodyBytes bounds JSON request bodies (D4).
const MaxBodyBytes = 1 << 20

// DecodeJSON reads one JSON object from the body into v, refusing unknown
// fields, wrong types, trailing data and bodies over MaxBodyBytes with
// messages a person can act on. The content type is not checked, so that
// `curl -d` works; cross-site form posts are refused by the CSRF guard.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return JSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return JSONError(err)
		}
		return roster.Errorf(roster.EInvalid, "request body must hold a single JSON object")
	}
	return nil
}

// JSONError explains a JSON decoding failure.
func JSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return roster.Errorf(roster.ETooLarge, "request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return roster.Errorf(roster.EInvalid, "request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return roster.Errorf(roster.EInvalid, "request body is cut short; send complete JSON")
	case errors.As(err, &syn):
		return roster.Errorf(roster.EInvalid, "request body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return roster.Errorf(roster.EInvalid, "request body must be a JSON object, not %s", typ.Value)
		}
		return roster.Errorf(roster.EInvalid, "field %q must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return roster.Errorf(roster.EInvalid, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return roster.Errorf(roster.EInvalid, "request body could not be read: %v", err)
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	}
	return "a number"
}

// NotFound renders a 404 problem for unknown routes.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteProblem(w, r, http.StatusNotFound, roster.Errorf(roster.ENotFound, "no route %s %s", r.Method, r.URL.Path))
}
