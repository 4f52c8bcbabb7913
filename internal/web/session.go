package web

import (
	"net/http"
	"strings"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere:
// scripts, styles and images come from /static or the page's own routes.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// maxFormBytes bounds url-encoded form bodies; maxUploadBytes multipart
// ones, above the avatar limit so the use case can say what was wrong.
const (
	maxFormBytes   = 64 << 10
	maxUploadBytes = 8 << 20
)

// wrap resolves the session, sends the sign-in page to anonymous visitors
// of signed-in routes, and checks the CSRF token of state-changing requests.
func (web *Web) wrap(rt route) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Cache-Control", "no-store")
		h.Add("Vary", "HX-Request")
		a, err := web.actor(w, r)
		if err != nil {
			return err
		}
		if rt.access == signedIn && a.User == nil {
			return errSignIn
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := parseBody(w, r); err != nil {
				return err
			}
			if err := web.checkCSRF(r, a); err != nil {
				return err
			}
		}
		return rt.handle(w, r, a)
	}
}

var errSignIn = roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonSignIn, "sign in to continue")

// actor resolves the session cookie; a stale cookie is cleared and the
// visitor treated as signed out. The session of a suspended organization's
// member is cleared too, and its refusal returned, so that the visitor
// learns why on the sign-in page.
func (web *Web) actor(w http.ResponseWriter, r *http.Request) (roster.Actor, error) {
	a := roster.Actor{IP: httpx.ClientIP(r), UserAgent: r.UserAgent(), Via: roster.ViaUI}
	c, err := r.Cookie(httpx.SessionCookie)
	if err != nil || c.Value == "" {
		return a, nil
	}
	got, err := web.app.SessionActor(r.Context(), c.Value, a)
	if roster.ErrorCode(err) == roster.EUnauthenticated {
		web.setSession(w, "", time.Time{})
		if roster.ErrorReason(err) == roster.ReasonOrgSuspended {
			// Sent to the sign-in page, which says why the session ended.
			return a, err
		}
		return a, nil
	}
	if err != nil {
		return a, err
	}
	return got, nil
}

// setSession sets the session cookie; an empty token clears it.
func (web *Web) setSession(w http.ResponseWriter, token string, expires time.Time) {
	c := &http.Cookie{Name: httpx.SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: web.opt.SecureCookie, SameSite: http.SameSiteLaxMode, Expires: expires}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// parseBody reads a bounded form body, url-encoded or multipart.
func parseBody(w http.ResponseWriter, r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
		if err := r.ParseMultipartForm(maxUploadBytes); err != nil {
			return roster.Errorf(roster.ETooLarge, "the upload must be a form of at most %d MiB", maxUploadBytes>>20)
		}
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return roster.Errorf(roster.EInvalid, "the form could not be read; it may be larger than %d KiB", maxFormBytes>>10)
	}
	return nil
}

// isHTMX reports whether htmx sent the request, so only a fragment is due.
// History restores ask for the whole page.
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// redirect sends the browser to url: by HX-Redirect for htmx, else 303.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusOK)
		return nil
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-sign-in destination on this site, as text that
// is valid UTF-8 without control characters.
func safeNext(next string) string {
	if !httpx.IsLocalPath(next) {
		return "/"
	}
	return next
}

// form returns a trimmed form field.
// Invalid UTF-8 becomes U+FFFD, so that nothing typed is echoed back into
// a page as raw bytes.
func form(r *http.Request, name string) string {
	return strings.ToValidUTF8(strings.TrimSpace(r.PostFormValue(name)), "\uFFFD")
}

// sessionExpiry is when a session opened now ends.
func (web *Web) sessionExpiry() time.Time { return time.Now().Add(web.app.SessionLength()) }

// ensure the service satisfies the edge's seat interface.
var _ SeatCounter = (*app.Service)(nil)
