// Package server assembles Roster's HTTP handler from its edges, with the
// health, readiness and metrics endpoints and the shared middleware.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"roster"
	"roster/internal/api"
	"roster/internal/app"
	"roster/internal/auth/oidc"
	"roster/internal/graphql"
	"roster/internal/httpx"
	"roster/internal/scim"
	"roster/internal/sso"
	"roster/internal/web"
)

// Options configure the handler.
type Options struct {
	MailSink     bool
	SecureCookie bool
	SSO          web.SSO      // what the web pages say about single sign-on
	OIDC         *oidc.Client // the SSO client; nil when single sign-on is not configured
	PublicURL    string       // HOST, the base of SCIM meta.location
	// TrustedProxies name the client through forwarding headers
	// (ROSTER_TRUSTED_PROXIES); nobody is trusted when empty.
	TrustedProxies httpx.TrustedProxies
}

// New returns the whole HTTP handler for svc.
func New(svc *app.Service, log *slog.Logger, opt Options) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := httpx.NewMetrics(reg)

	mux := http.NewServeMux()
	api.New(svc, log, api.Options{MailSink: opt.MailSink, SecureCookie: opt.SecureCookie}).Register(mux)
	ui := web.New(svc, log, web.Options{MailSink: opt.MailSink, SecureCookie: opt.SecureCookie, SSO: opt.SSO,
		TestMail: testMail(svc), SSOHealth: ssoHealth(svc, opt.OIDC)})
	ui.Register(mux)
	sso.New(svc, log, sso.Options{Client: opt.OIDC, SecureCookie: opt.SecureCookie,
		Page: func(w http.ResponseWriter, r *http.Request, p sso.Problem) {
			ui.RenderSSOProblem(w, r, web.SSOProblem(p))
		}}).Register(mux)
	scim.New(svc, log, scim.Options{PublicURL: opt.PublicURL}).Register(mux)
	graphql.New(svc, log).Register(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := svc.DB().Ping(ctx); err != nil {
			log.Warn("not ready: database", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		if err := svc.DB().CheckVersion(ctx); err != nil {
			log.Warn("not ready: schema", "err", err)
			http.Error(w, "database schema is not current", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/", httpx.NotFound)

	// Cross-site requests that change state are refused for every caller
	// (D5): browsers send Sec-Fetch-Site or Origin; API clients send neither.
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPIPath(r.URL.Path) {
			httpx.WriteProblem(w, r, http.StatusForbidden, errCrossOrigin)
			return
		}
		ui.RenderError(w, r, http.StatusForbidden, errCrossOrigin)
	}))
	return httpx.Middleware(log, metrics, opt.TrustedProxies, csrf.Handler(mux))
}

// isAPIPath reports whether a path belongs to a machine interface, whose
// errors are problem documents rather than pages.
func isAPIPath(p string) bool {
	for _, prefix := range []string{"/api/", "/admin/", "/scim", "/graphql", "/oidc/token"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// testMail sends the settings page's test email and turns an SMTP refusal
// into an error that names the server's answer.
// ssoHealth is the settings page's check of the identity provider; nil
// while single sign-on is off.
func ssoHealth(svc *app.Service, c *oidc.Client) func(ctx context.Context, a roster.Actor) (app.SSOHealth, error) {
	if c == nil {
		return nil
	}
	check := func(ctx context.Context) app.SSOHealth {
		h := c.Probe(ctx)
		return app.SSOHealth{CheckedAt: h.CheckedAt, Problem: h.Problem}
	}
	return func(ctx context.Context, a roster.Actor) (app.SSOHealth, error) {
		return svc.SSOProviderHealth(ctx, a, check)
	}
}

func testMail(svc *app.Service) func(ctx context.Context, a roster.Actor, to string) error {
	return func(ctx context.Context, a roster.Actor, to string) error {
		res, err := svc.SendTestMail(ctx, a, to)
		if err != nil {
			return err
		}
		if !res.Sent {
			return roster.Errorf(roster.EConflict, "%s", res.Error)
		}
		return nil
	}
}
