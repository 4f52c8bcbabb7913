// Package scim is Roster's SCIM 2.0 edge (RFC 7643, RFC 7644; section 9
// of the spec) under /scim/v2 and /scim: identity providers provision
// users, teams (as groups) and custom roles through it.
package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// Server serves the SCIM endpoints.
type Server struct {
	app       *app.Service
	log       *slog.Logger
	publicURL string
	users     *kind
	groups    *kind
	roles     *kind
}

// Options configure the SCIM edge.
type Options struct {
	PublicURL string // HOST: the base of meta.location; the request's host when empty
}

// New returns the SCIM edge for svc.
func New(svc *app.Service, log *slog.Logger, opt Options) *Server {
	return &Server{
		app:       svc,
		log:       log,
		publicURL: strings.TrimRight(opt.PublicURL, "/"),
		users: &kind{Name: "User", Endpoint: "/Users", Description: "User Account", core: userSchema(),
			exts: []*Schema{enterpriseSchema(), rosterUserSchema()}},
		groups: &kind{Name: "Group", Endpoint: "/Groups", Description: "Group (a Roster team)", core: groupSchema(),
			exts: []*Schema{rosterGroupSchema()}},
		roles: &kind{Name: "Role", Endpoint: "/Roles", Description: "Custom team role", core: roleSchema()},
	}
}

// call is one authenticated SCIM request.
type call struct {
	a    roster.Actor
	base string // the SCIM base URL the caller used, for meta.location
}

// handler is a SCIM endpoint.
type handler func(w http.ResponseWriter, r *http.Request, c *call) error

// handle adapts an error-returning handler, rendering failures as SCIM
// errors and logging unexpected ones.
func (s *Server) handle(h httpx.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	var se *statusError
	if errors.As(err, &se) {
		status = se.status
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "scim request failed", "method", r.Method, "path", r.URL.Path,
			"request_id", httpx.RequestID(r.Context()), "err", err)
	}
	writeError(w, r, status, err)
}

// statusError is a failure with an HTTP status the domain has no code for.
type statusError struct {
	status int
	err    *roster.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// serve authenticates with an API key only, never a session cookie, and
// checks the caller may use SCIM before the endpoint runs.
func (s *Server) serve(prefix string, h handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if r.Header.Get("Authorization") == "" {
			return roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonUnauthenticated,
				"SCIM needs an API key: Authorization: Bearer <key>")
		}
		a, err := httpx.Authenticate(r, s.app, roster.ViaSCIM)
		if err != nil {
			return err
		}
		if err := s.app.AuthorizeSCIM(r.Context(), a); err != nil {
			return err
		}
		base := s.publicURL
		if base == "" {
			scheme := "http"
			if r.TLS != nil {
				scheme = "https"
			}
			base = scheme + "://" + r.Host
		}
		return h(w, r, &call{a: a, base: base + prefix})
	})
}

var errMediaType = &statusError{http.StatusUnsupportedMediaType,
	roster.Errorf(roster.EInvalid, "send the body as application/scim+json (application/json is accepted too)")}

// readBody reads a JSON object body of at most maxBodyBytes. A body in
// another media type than SCIM's or JSON's is refused with 415.
func readBody(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != ContentType && mt != "application/json" {
			return nil, errMediaType
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, roster.Errorf(roster.ETooLarge, "request body is larger than %d bytes", maxBodyBytes)
	}
	if err != nil {
		return nil, bad(invalidSyntax, "request body could not be read")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil {
		return nil, bad(invalidSyntax, "request body must be one JSON object")
	}
	if dec.More() {
		return nil, bad(invalidSyntax, "request body must hold a single JSON object")
	}
	return body, nil
}

// writeJSON writes a SCIM answer.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// writeResource writes one resource with its ETag and, when created, its
// Location.
func writeResource(w http.ResponseWriter, status int, res resource, version string) error {
	if version != "" {
		w.Header().Set("ETag", etag(version))
	}
	if status == http.StatusCreated {
		if meta, ok := res["meta"].(map[string]any); ok {
			if loc, ok := meta["location"].(string); ok {
				w.Header().Set("Location", loc)
			}
		}
	}
	return writeJSON(w, status, res)
}

// etag renders a version as a weak entity tag.
func etag(version string) string { return `W/"` + version + `"` }

// ifMatch reads If-Match (or, with header If-None-Match) as versions.
func ifMatch(r *http.Request, header string) []string {
	var out []string
	for _, part := range strings.Split(r.Header.Get(header), ",") {
		v := strings.TrimSpace(part)
		v = strings.Trim(strings.TrimPrefix(v, "W/"), `"`)
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
