// Package web is Roster's browser edge (U1-U4): server-rendered pages from
// embedded html/template files with typed view models, htmx for in-place
// edits, a strict Content-Security-Policy and a per-session CSRF token. Like
// the other edges it decodes a request, calls one use case and renders.
package web

import (
	"context"
	"log/slog"
	"net/http"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// Options configure the web edge.
type Options struct {
	SecureCookie bool // cookies carry the Secure flag (HOST is https)
	MailSink     bool // invites go out by mail; otherwise admins copy the link
	SSO          SSO
	// Seats counts seats for the dashboard; the service when nil.
	Seats SeatCounter
	// TestMail sends the settings page's test email; nil while no mailer
	// is wired in, and the button then says why it is off.
	TestMail func(ctx context.Context, a roster.Actor, to string) error
	// SSOHealth checks the identity provider for the settings page; nil
	// while single sign-on is off.
	SSOHealth func(ctx context.Context, a roster.Actor) (app.SSOHealth, error)
}

// SSO is what the sign-in and settings pages say about single sign-on.
type SSO struct {
	Enabled      bool   // OIDC is configured: sign-in offers /oidc/login
	Issuer       string // OIDC_ISSUER
	Provisioning bool   // first SSO sign-ins create users (S3, S4)
}

// SeatCounter reports seat usage (O13, O15); *app.Service is one.
type SeatCounter interface {
	SeatUsage(ctx context.Context, a roster.Actor) (app.SeatUsage, error)
}

// Web serves the pages.
type Web struct {
	app     *app.Service
	log     *slog.Logger
	opt     Options
	views   *views
	adapter *httpx.Adapter
	routes  []route
}

// New returns the web edge for svc. It parses and checks every template
// and panics when one is broken, so a bad build fails at start-up.
func New(svc *app.Service, log *slog.Logger, opt Options) *Web {
	v, err := parseViews()
	if err != nil {
		panic(err)
	}
	if opt.Seats == nil {
		opt.Seats = svc
	}
	web := &Web{app: svc, log: log, opt: opt, views: v}
	web.adapter = &httpx.Adapter{Log: log, Render: web.RenderError}
	web.routes = web.table()
	return web
}

// Register adds the pages and static files to mux.
func (web *Web) Register(mux *http.ServeMux) {
	for _, rt := range web.routes {
		mux.Handle(rt.method+" "+rt.path, web.adapter.Handle(web.wrap(rt)))
	}
	mux.Handle("GET /static/", staticHandler())
}
