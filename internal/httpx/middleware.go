package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"roster"
)

type ctxKey int

const requestIDKey ctxKey = iota

// RequestID returns the id the RequestID middleware gave the request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// LogPath is the request's path as logs show it: an invite link's token
// is a secret, so /invite/<token> becomes /invite/REDACTED (M5). The query,
// which may carry tokens too, is never logged.
func LogPath(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/invite/") {
		return "/invite/REDACTED"
	}
	return r.URL.Path
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush lets streaming handlers (the audit log) push lines out.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Metrics are the HTTP figures served at /metrics.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roster_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "roster_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// Middleware gives each request an id, resolves its client address once
// through the trusted proxies (for every edge, the audit log and the access
// log), recovers panics as 500 problems, sets security headers, logs the
// request and records metrics.
func Middleware(log *slog.Logger, m *Metrics, proxies TrustedProxies, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		client := proxies.ClientAddr(r)
		r = withClientIP(r, client)
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		defer func() {
			if p := recover(); p != nil {
				log.ErrorContext(r.Context(), "panic serving request", "panic", p, "path", LogPath(r), "request_id", id)
				if sw.status == 0 {
					WriteProblem(sw, r, http.StatusInternalServerError, roster.Errorf(roster.EInternal, "internal error"))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			if m != nil {
				m.requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
				m.duration.WithLabelValues(r.Method, route).Observe(elapsed.Seconds())
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method),
				slog.String("path", LogPath(r)), slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes),
				slog.Duration("duration", elapsed), slog.String("ip", client), slog.String("peer", peerAddr(r)), slog.String("request_id", id))
		}()
		next.ServeHTTP(sw, r)
	})
}
