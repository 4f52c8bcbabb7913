package sso

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"unicode"

	"roster"
	"roster/internal/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

// Problem is what a refusal page shows.
type Problem struct {
	Status  int
	Reason  string // stable reason, also in the page for tests and scripts
	Title   string
	Message string // the error's user-safe message
	Hint    string // what the person can do about it
	Detail  string // the identity provider's own words, if any
	Retry   bool   // offer to start signing in again
}

// refusal is the fixed part of a page for one error reason.
type refusal struct {
	status int
	title  string
	hint   string
	retry  bool
}

// refusals maps error reasons to their pages. Every page of a bad callback
// is a 4xx; only an unreachable provider is a 502.
var refusals = map[string]refusal{
	roster.ReasonSSONotProvisioned: {http.StatusForbidden, "Ask your administrator for access",
		"Your identity provider signed you in, but only people an administrator has invited may use this Roster. Ask your administrator to invite you, then sign in again.", false},
	roster.ReasonDeactivated: {http.StatusForbidden, "Your account is deactivated",
		"An administrator deactivated your Roster account. Ask an administrator to reactivate it.", false},
	roster.ReasonSeatLimitReached: {http.StatusConflict, "No seat left",
		"Every seat of this Roster's license is taken. Ask your administrator to free a seat or extend the license, then sign in again.", false},
	roster.ReasonEmailUnverified: {http.StatusForbidden, "Email address not verified",
		"Roster matches people by an email address their identity provider has verified.", false},
	roster.ReasonInviteExpired: {http.StatusForbidden, "Your invite has expired", "Ask an administrator to resend your invite.", false},
	roster.ReasonFeatureNotLicensed: {http.StatusForbidden, "Single sign-on is not licensed",
		"Ask your administrator to sign in with a password, or to install a license that includes SSO.", false},
	roster.ReasonSSONotConfigured: {http.StatusNotFound, "Single sign-on is not configured",
		"This Roster has no identity provider set up. Sign in with your username and password instead.", false},
	roster.ReasonIDPError: {http.StatusBadRequest, "The identity provider refused the sign-in",
		"If you cancelled, nothing happened. Otherwise ask your administrator to check the SSO setup.", true},
	roster.ReasonSSOStateInvalid: {http.StatusBadRequest, "This sign-in cannot be finished", "", true},
	roster.ReasonSSOStateUsed:    {http.StatusBadRequest, "This sign-in cannot be finished", "", true},
	roster.ReasonSSOBrowserMismatch: {http.StatusBadRequest, "This sign-in cannot be finished",
		"Sign-in must finish in the browser tab that started it, with cookies allowed for this site.", true},
	roster.ReasonSSOBadCallback:    {http.StatusBadRequest, "This sign-in cannot be finished", "", true},
	roster.ReasonSSOExchangeFailed: {http.StatusBadRequest, "The sign-in could not be completed", "", true},
	roster.ReasonSSOTokenInvalid:   {http.StatusUnauthorized, "The sign-in could not be verified", "", true},
	roster.ReasonSSONonceMismatch:  {http.StatusUnauthorized, "The sign-in could not be verified", "", true},
	roster.ReasonSSOClaimsInvalid:  {http.StatusBadRequest, "The sign-in could not be completed", "", true},
	roster.ReasonSSOUnavailable:    {http.StatusBadGateway, "The identity provider cannot be reached", "", true},
	roster.ReasonInvalidReturnTo:   {http.StatusBadRequest, "Bad sign-in link", "", true},
	roster.ReasonRateLimited:       {http.StatusTooManyRequests, "Too many sign-in attempts", "Wait a minute, then try again.", true},
}

// pageFor builds the page of err.
func pageFor(err error) Problem {
	reason := roster.ErrorReason(err)
	p := Problem{Status: httpx.Status(err), Reason: reason, Title: "Sign-in failed", Message: roster.ErrorMessage(err)}
	if r, ok := refusals[reason]; ok {
		p.Status, p.Title, p.Hint, p.Retry = r.status, r.title, r.hint, r.retry
	}
	var idp *idpError
	if asIdPError(err, &idp) {
		p.Detail = idp.detail()
	}
	if p.Status >= 500 && reason == roster.EInternal {
		p.Title, p.Message = "Something went wrong", "Roster could not finish signing you in because of an error on its side; try again later."
	}
	p.Message = sentence(p.Message)
	return p
}

// sentence starts a message with a capital letter and ends it with a stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	if last := r[len(r)-1]; last != '.' && last != '!' && last != '?' {
		r = append(r, '.')
	}
	return string(r)
}

// pages renders the embedded templates, and refusals in the site's layout
// when the web edge lends it.
type pages struct {
	tmpl   *template.Template
	layout func(w http.ResponseWriter, r *http.Request, p Problem)
}

// mustPages parses the templates; a broken template stops start-up.
func mustPages() *pages {
	return &pages{tmpl: template.Must(template.ParseFS(templateFS, "templates/*.html"))}
}

// renderLogout writes the page that asks before signing out.
func (ps *pages) renderLogout(w http.ResponseWriter) error {
	var buf bytes.Buffer
	if err := ps.tmpl.ExecuteTemplate(&buf, "logout.html", nil); err != nil {
		return fmt.Errorf("render logout page: %w", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

// render writes err's page: in the site's layout when there is one, else
// on the edge's own plain page.
func (ps *pages) render(w http.ResponseWriter, r *http.Request, _ int, err error) {
	p := pageFor(err)
	if ps.layout != nil {
		ps.layout(w, r, p)
		return
	}
	var buf bytes.Buffer
	if e := ps.tmpl.ExecuteTemplate(&buf, "page.html", p); e != nil {
		http.Error(w, p.Message, p.Status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(buf.Bytes())
}
