// Package graphql is Roster's W&B-compatible GraphQL edge at POST /graphql:
// the subset of W&B's schema that the wandb SDK's user and team automation
// calls (schema.graphql). It decodes a request, calls the same use cases
// as REST and SCIM, and encodes the answer in W&B's shapes; no rule lives
// here.
package graphql

import (
	"context"
	_ "embed" // the schema file
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	gql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

//go:embed schema.graphql
var schemaText string

// Limits on one request (D4). The SDK's deepest document (SearchUsers)
// is 7 levels deep and under 1 KiB.
const (
	maxDepth       = 12
	maxQueryBytes  = 32 << 10
	maxSelections  = 500
	maxParallelism = 4
)

// Handler serves POST /graphql.
type Handler struct {
	app    *app.Service
	log    *slog.Logger
	schema *gql.Schema
}

// New returns the GraphQL edge for svc.
func New(svc *app.Service, log *slog.Logger) *Handler {
	h := &Handler{app: svc, log: log}
	h.schema = gql.MustParseSchema(schemaText, &root{h: h},
		gql.MaxDepth(maxDepth), gql.MaxQueryLength(maxQueryBytes), gql.MaxSelections(maxSelections),
		gql.MaxParallelism(maxParallelism),
		// Introspection tells what Roster serves; organization admins only.
		gql.RestrictIntrospection(func(ctx context.Context) bool { return actor(ctx).IsOrgAdmin() }))
	return h
}

// Register adds the edge's route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("POST /graphql", h)
}

// request is a GraphQL-over-HTTP request body. E1/E2 clients send no
// operationName; wandb-core sends "" for the SDK's documents.
type request struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName"`
	Variables     map[string]any  `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
}

// gqlError is one entry of a response's errors, with Roster's stable
// code and reason for machines.
type gqlError struct {
	Message    string               `json:"message"`
	Locations  []gqlerrors.Location `json:"locations,omitempty"`
	Path       []any                `json:"path,omitempty"`
	Extensions map[string]string    `json:"extensions,omitempty"`
}

// response is what every answer holds: data, errors, or both.
type response struct {
	Data   json.RawMessage `json:"data,omitempty"`
	Errors []gqlError      `json:"errors,omitempty"`
}

type actorKey struct{}

// actor returns the request's actor.
func actor(ctx context.Context) roster.Actor {
	a, _ := ctx.Value(actorKey{}).(roster.Actor)
	return a
}

// ServeHTTP authenticates, runs one GraphQL operation and answers with
// W&B's status rules: 200 when every field resolved; a refusal as the
// status REST gives it (400/401/403/404/409...) with the same sentence
// in errors[0].message, so the SDK reports it at once and never retries
// a business refusal (it retries 5xx and 429).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, err := httpx.Authenticate(r, h.app, roster.ViaGraphQL)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	var in request
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		h.writeError(w, r, err)
		return
	}
	if in.Query == "" {
		h.writeError(w, r, roster.Errorf(roster.EInvalid, "send a GraphQL document in query"))
		return
	}
	ctx := context.WithValue(r.Context(), actorKey{}, a)
	res := h.schema.Exec(ctx, in.Query, in.OperationName, in.Variables)
	status, errs := h.errorsOf(r, res.Errors)
	h.write(w, status, response{Data: res.Data, Errors: errs})
}

// errorsOf turns the engine's errors into W&B-shaped ones and picks the
// answer's status: the first refusal's REST status, 400 for a document
// the engine refused, 500 only for an unexpected failure (logged).
func (h *Handler) errorsOf(r *http.Request, qerrs []*gqlerrors.QueryError) (int, []gqlError) {
	status := http.StatusOK
	out := make([]gqlError, 0, len(qerrs))
	for _, qe := range qerrs {
		e := gqlError{Message: qe.Message, Locations: qe.Locations, Path: qe.Path}
		st := http.StatusBadRequest
		if cause := qe.ResolverError; cause != nil {
			st = httpx.Status(cause)
			e.Message = roster.ErrorMessage(cause)
			e.Extensions = map[string]string{"code": string(roster.ErrorCode(cause))}
			if reason := roster.ErrorReason(cause); reason != "" {
				e.Extensions["reason"] = reason
			}
			if st == http.StatusInternalServerError {
				h.log.Error("graphql resolver failed", "err", cause, "path", qe.Path,
					"request_id", httpx.RequestID(r.Context()))
			}
		}
		if status == http.StatusOK {
			status = st
		}
		out = append(out, e)
	}
	return status, out
}

// writeError answers a request refused before execution.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	if status == http.StatusInternalServerError {
		h.log.Error("graphql request failed", "err", err, "request_id", httpx.RequestID(r.Context()))
	}
	e := gqlError{Message: roster.ErrorMessage(err), Extensions: map[string]string{"code": string(roster.ErrorCode(err))}}
	if reason := roster.ErrorReason(err); reason != "" {
		e.Extensions["reason"] = reason
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="roster", Bearer realm="roster"`)
	}
	h.write(w, status, response{Errors: []gqlError{e}})
}

func (h *Handler) write(w http.ResponseWriter, status int, res response) {
	if err := httpx.WriteJSON(w, status, res); err != nil && !errors.Is(err, http.ErrHandlerTimeout) {
		h.log.Debug("graphql answer not written", "err", err)
	}
}
