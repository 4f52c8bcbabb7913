package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"roster"
	"roster/internal/httpx"
)

// A second layer beside http.CrossOriginProtection (D5): every form and
// htmx request carries a token bound to the session, which a page of
// another site cannot read. Before sign-in the token is bound to a random
// pre-session cookie instead, so sign-in forms are covered too.
const (
	csrfCookie = "roster_csrf"
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

var errCSRF = roster.ReasonErrorf(roster.EForbidden, roster.ReasonCsrf,
	"this form has expired or did not come from Roster; reload the page and try again")

// csrfToken derives the token from its secret seed; the seed cannot be
// recovered from it.
func csrfToken(seed string) string {
	sum := sha256.Sum256([]byte("roster csrf v1\x00" + seed))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// csrfSeed is the session token when signed in, else the pre-session
// cookie's value; "" when neither exists.
func csrfSeed(r *http.Request, a roster.Actor) string {
	name := csrfCookie
	if a.User != nil {
		name = httpx.SessionCookie
	}
	if c, err := r.Cookie(name); err == nil {
		return c.Value
	}
	return ""
}

// csrfFor returns the token for a page, setting a pre-session cookie for a
// signed-out visitor who has none.
func (web *Web) csrfFor(w http.ResponseWriter, r *http.Request, a roster.Actor) string {
	if seed := csrfSeed(r, a); seed != "" {
		return csrfToken(seed)
	}
	var b [32]byte
	rand.Read(b[:])
	seed := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: seed, Path: "/", HttpOnly: true,
		Secure: web.opt.SecureCookie, SameSite: http.SameSiteLaxMode})
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: seed})
	return csrfToken(seed)
}

// checkCSRF refuses a state-changing request without the right token, from
// the X-CSRF-Token header (htmx) or the csrf form field.
func (web *Web) checkCSRF(r *http.Request, a roster.Actor) error {
	seed := csrfSeed(r, a)
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	if seed == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(csrfToken(seed))) != 1 {
		return errCSRF
	}
	return nil
}
