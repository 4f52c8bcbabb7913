// Package sso is Roster's single sign-on edge for browsers (S2-S6): it
// starts an OpenID Connect sign-in at /oidc/login, finishes it at
// /oidc/callback with a session cookie, ends sessions at POST /logout (GET
// only asks, so a cross-site link or image cannot sign anyone out), and shows
// a plain page for each refusal.
package sso

import (
	"log/slog"
	"net/http"
	"time"

	"roster/internal/app"
	"roster/internal/auth"
	"roster/internal/auth/oidc"
	"roster/internal/httpx"
)

// Edge serves the SSO routes.
type Edge struct {
	app     *app.Service
	client  *oidc.Client // nil when SSO is not configured
	secure  bool         // whether cookies carry the Secure flag
	log     *slog.Logger
	adapter *httpx.Adapter
	pages   *pages
	starts  *auth.Limiter // sign-ins started per client address
}

// Options configure the edge.
type Options struct {
	Client       *oidc.Client // nil leaves SSO off: its routes say so
	SecureCookie bool
	// Page draws a refusal in the site's layout (the web edge's
	// RenderSSOProblem); nil leaves the edge's own plain page.
	Page func(w http.ResponseWriter, r *http.Request, p Problem)
}

// New returns the SSO edge for svc.
func New(svc *app.Service, log *slog.Logger, opt Options) *Edge {
	ps := mustPages()
	ps.layout = opt.Page
	return &Edge{app: svc, client: opt.Client, secure: opt.SecureCookie, log: log, pages: ps,
		adapter: &httpx.Adapter{Log: log, Render: ps.render},
		// Generous, since people behind one proxy share an address; it
		// only bounds how fast anonymous callers can add attempts.
		starts: auth.NewLimiter(300, 100*time.Millisecond)}
}

// Register adds the edge's routes to mux.
func (e *Edge) Register(mux *http.ServeMux) {
	mux.Handle("GET /oidc/login", e.adapter.Handle(e.login))
	mux.Handle("GET /oidc/callback", e.adapter.Handle(e.callback))
	mux.Handle("GET /logout", e.adapter.Handle(e.logoutPage))
	mux.Handle("POST /logout", e.adapter.Handle(e.logout))
}
