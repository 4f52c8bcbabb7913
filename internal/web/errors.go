package web

import (
	"net/http"
	"net/url"

	"roster"
	"roster/internal/httpx"
)

// ErrorPage is a page that says what went wrong.
type ErrorPage struct {
	Page
	Status  int
	Message string
}

// RenderError shows err as a page, or for htmx as an alert in the flash
// area. An unauthenticated visitor is sent to sign in.
func (web *Web) RenderError(w http.ResponseWriter, r *http.Request, status int, err error) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		redirect(w, r, signInAgain(r, err))
		return
	}
	data := ErrorPage{Page: Page{Title: http.StatusText(status)}, Status: status, Message: roster.ErrorMessage(err)}
	var rerr error
	if isHTMX(r) {
		h.Set("HX-Retarget", "#flash")
		h.Set("HX-Reswap", "innerHTML")
		rerr = web.fragment(w, status, "error", "alert", data)
	} else {
		// A signed-in visitor keeps their menu, not an offer to sign in.
		if a, aerr := web.actor(w, r); aerr == nil && a.User != nil {
			data.Page = web.basePage(w, r, a, data.Title, "")
		}
		rerr = web.page(w, status, "error", data)
	}
	if rerr != nil {
		web.log.Error("render error page", "err", rerr)
	}
}

// formErrors places a domain error beside the field its reason names, or
// on the form as a whole; internal errors are returned to be logged.
func formErrors(err error, byReason map[string]string) (Errors, int, error) {
	if roster.ErrorCode(err) == roster.EInternal {
		return nil, 0, err
	}
	fields := roster.ErrorFields(err)
	if len(fields) == 0 {
		return Errors{byReason[roster.ErrorReason(err)]: roster.ErrorMessage(err)}, httpx.Status(err), nil
	}
	// Every refused field at once, each beside its own (unplaced ones
	// above the form).
	errs := Errors{}
	for _, f := range fields {
		key, msg := byReason[f.Err.Reason], roster.ErrorMessage(f.Err)
		if errs[key] != "" {
			msg = errs[key] + " " + msg
		}
		errs[key] = msg
	}
	return errs, httpx.Status(err), nil
}

// signInAgain is where a request without a session is sent: the sign-in
// page, which returns to the page the request came from and, when the
// request was a change made in a page whose session had ended (in another
// tab, or by time), says that the change was not saved; when err ended the
// session because its organization is suspended, it says that.
func signInAgain(r *http.Request, err error) string {
	q := url.Values{}
	if roster.ErrorReason(err) == roster.ReasonOrgSuspended {
		q.Set("suspended", "1")
	}
	switch {
	case !isHTMX(r) && r.Method == http.MethodGet && r.URL.Path != "/sign-in":
		q.Set("next", r.URL.RequestURI())
	case isHTMX(r):
		if cur, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && cur.Host == r.Host && httpx.IsLocalPath(cur.RequestURI()) {
			q.Set("next", cur.RequestURI())
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		q.Set("ended", "1")
	}
	if len(q) == 0 {
		return "/sign-in"
	}
	return "/sign-in?" + q.Encode()
}

// SSOProblem is a single sign-on refusal (a failed callback, a provider
// error, a refused person), as the SSO edge words it.
type SSOProblem struct {
	Status  int
	Reason  string // stable reason, also in the page for tests and scripts
	Title   string
	Message string // the error's user-safe message
	Hint    string // what the person can do about it
	Detail  string // the identity provider's own words, if any
	Retry   bool   // offer to start signing in with SSO again
}

// SSOProblemPage is an SSO refusal in the site's layout.
type SSOProblemPage struct {
	Page
	P SSOProblem
}

// RenderSSOProblem shows an SSO refusal in the site's layout, with a way
// back: sign in again (with SSO when that can help), or home. It carries
// no script, since it may repeat the identity provider's words.
func (web *Web) RenderSSOProblem(w http.ResponseWriter, r *http.Request, p SSOProblem) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
	data := SSOProblemPage{Page: Page{Title: p.Title, SSO: web.opt.SSO.Enabled}, P: p}
	if a, err := web.actor(w, r); err == nil && a.User != nil {
		data.Page = web.basePage(w, r, a, p.Title, "")
	}
	data.NoScripts = true
	if err := web.page(w, p.Status, "ssoproblem", data); err != nil {
		web.log.Error("render sso refusal page", "err", err)
		http.Error(w, p.Message, p.Status)
	}
}
