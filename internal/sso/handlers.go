package sso

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"roster"
	"roster/internal/api"
	"roster/internal/auth/oidc"
	"roster/internal/httpx"
)

// browserCookie holds the secret that binds a sign-in to the browser that
// started it; it is sent only to /oidc/ paths.
const browserCookie = "roster_oidc"

var (
	errNotConfigured = roster.ReasonErrorf(roster.ENotFound, roster.ReasonSSONotConfigured, "single sign-on is not configured on this Roster")
	errRateLimited   = roster.ReasonErrorf(roster.ETooMany, roster.ReasonRateLimited, "too many sign-ins were started from your address")
	errNoBrowser     = roster.ReasonErrorf(roster.EInvalid, roster.ReasonSSOBrowserMismatch,
		"this browser did not start this sign-in, or does not keep cookies for this site; start signing in again here")
	errBadCallback = roster.ReasonErrorf(roster.EInvalid, roster.ReasonSSOBadCallback,
		"the identity provider's answer lacks its state or code; start signing in again")
)

// login starts a sign-in: it stores the attempt, gives the browser its
// secret in a cookie and sends it to the identity provider. An optional
// return_to names the local path to land on afterwards, and an optional org
// the organization to sign in to (#18).
func (e *Edge) login(w http.ResponseWriter, r *http.Request) error {
	if e.client == nil {
		return errNotConfigured
	}
	if !e.starts.Allow(httpx.ClientIP(r)) {
		return errRateLimited
	}
	returnTo, err := localPath(r.URL.Query().Get("return_to"))
	if err != nil {
		return err
	}
	org := strings.ToValidUTF8(strings.TrimSpace(r.URL.Query().Get("org")), "\uFFFD")
	at := oidc.NewAttempt()
	target, err := e.client.AuthCodeURL(r.Context(), at)
	if err != nil {
		return err
	}
	err = e.app.BeginSSOLogin(r.Context(), &roster.SSOLogin{StateHash: oidc.Hash(at.State),
		BrowserHash: oidc.Hash(at.Browser), NonceHash: oidc.Hash(at.Nonce), ReturnTo: returnTo, Org: org})
	if err != nil {
		return err
	}
	e.setBrowserCookie(w, at.Browser)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
	return nil
}

// callback finishes a sign-in: it checks the attempt, redeems the code,
// verifies the ID token and lets the use case sign the person in.
func (e *Edge) callback(w http.ResponseWriter, r *http.Request) error {
	if e.client == nil {
		return errNotConfigured
	}
	w.Header().Set("Cache-Control", "no-store")
	// The attempt's secret is spent whatever happens next.
	e.setBrowserCookie(w, "")
	q := r.URL.Query()
	if code := q.Get("error"); code != "" {
		return newIdPError(code, q.Get("error_description"))
	}
	state, code := q.Get("state"), q.Get("code")
	if state == "" || code == "" || len(state) > 512 || len(code) > 4096 {
		return errBadCallback
	}
	c, err := r.Cookie(browserCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return errNoBrowser
	}
	l, err := e.app.ConsumeSSOLogin(r.Context(), oidc.Hash(state), oidc.Hash(c.Value))
	if err != nil {
		return err
	}
	claims, err := e.client.Exchange(r.Context(), code, c.Value, l.NonceHash)
	if err != nil {
		e.log.WarnContext(r.Context(), "sso sign-in not verified", "reason", roster.ErrorReason(err), "err", err)
		return err
	}
	a := roster.Actor{IP: httpx.ClientIP(r), UserAgent: r.UserAgent(), Via: roster.ViaSSO}
	// Someone already signed in with a password may link their account
	// to this identity even before its email was proven (H2).
	if s, err := r.Cookie(httpx.SessionCookie); err == nil && s.Value != "" {
		if sa, err := e.app.SessionActor(r.Context(), s.Value, a); err == nil {
			a.User = sa.User
		}
	}
	_, token, err := e.app.SSOSignIn(r.Context(), a, l.Org, claims)
	if err != nil {
		return err
	}
	api.SetSessionCookie(w, token, time.Now().Add(e.app.SessionLength()), e.secure)
	http.Redirect(w, r, l.ReturnTo, http.StatusSeeOther)
	return nil
}

// logoutPage asks before signing out: GET never changes state, so a link
// or image on another site cannot sign anyone out. Its form posts to
// /logout, which http.CrossOriginProtection guards against other sites.
func (e *Edge) logoutPage(w http.ResponseWriter, r *http.Request) error {
	return e.pages.renderLogout(w)
}

// logout (POST) ends the browser's Roster session, if any, clears the
// cookie and goes home.
func (e *Edge) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(httpx.SessionCookie); err == nil && c.Value != "" {
		a, err := e.app.SessionActor(r.Context(), c.Value, roster.Actor{IP: httpx.ClientIP(r), Via: roster.ViaUI})
		if err == nil {
			if err := e.app.Logout(r.Context(), a); err != nil {
				return err
			}
		}
	}
	api.SetSessionCookie(w, "", time.Time{}, e.secure)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// setBrowserCookie sets the attempt's secret, or clears it when empty.
func (e *Edge) setBrowserCookie(w http.ResponseWriter, secret string) {
	c := &http.Cookie{Name: browserCookie, Value: secret, Path: "/oidc/", HttpOnly: true, Secure: e.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(roster.SSOLoginTTL / time.Second)}
	if secret == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

var errReturnTo = roster.ReasonErrorf(roster.EInvalid, roster.ReasonInvalidReturnTo,
	"return_to must be a path on this Roster, such as /teams")

// localPath accepts a return path on this server and nothing that a
// browser could read as another site; empty means home.
func localPath(s string) (string, error) {
	if s == "" {
		return "/", nil
	}
	if !httpx.IsLocalPath(s) {
		return "", errReturnTo
	}
	u, _ := url.Parse(s) // IsLocalPath parsed it
	if strings.HasPrefix(u.Path, "/oidc/") || u.Path == "/logout" {
		return "/", nil
	}
	return s, nil
}

// idpError is the error an identity provider sent back instead of a code.
type idpError struct{ code, description string }

func (e *idpError) Error() string { return "identity provider error " + e.code + ": " + e.description }

// detail is the provider's error as shown on the page, bounded.
func (e *idpError) detail() string {
	d := e.code
	if e.description != "" {
		d += ": " + e.description
	}
	if r := []rune(d); len(r) > 300 {
		d = string(r[:300]) + "…"
	}
	return strings.ToValidUTF8(d, "")
}

func newIdPError(code, description string) error {
	return &roster.Error{Code: roster.EInvalid, Reason: roster.ReasonIDPError,
		Message: fmt.Sprintf("the identity provider did not sign you in (%s)", strings.ToValidUTF8(truncate(code, 64), "")),
		Err:     &idpError{code: truncate(code, 64), description: truncate(description, 512)}}
}

func asIdPError(err error, target **idpError) bool { return errors.As(err, target) }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
