package apitest

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// WebClient is a browser without scripts or with htmx, as the web edge
// sees it: a cookie jar holding the session, and the CSRF token the pages
// hand that session. It follows no redirects, so a refusal that sends the
// visitor to sign in shows as such.
type WebClient struct {
	env  *Env
	http *http.Client
	csrf string
	// HTMX sends requests as htmx does (HX-Request), so the edge answers
	// with fragments instead of whole pages.
	HTMX bool
}

// csrfFieldRE finds the hidden CSRF field every form of the web edge has.
var csrfFieldRE = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]+)">`)

// NewWebClient is a signed-out browser holding the sign-in page's CSRF
// token, ready to post one of its forms.
func (e *Env) NewWebClient() *WebClient {
	e.TB.Helper()
	c := &WebClient{env: e, http: &http.Client{
		Jar:           NewJar(),
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	c.csrf = c.mustToken("/sign-in")
	return c
}

// MustWebSignIn signs in through the web sign-in form, as a person would,
// and returns a client holding the session.
func (e *Env) MustWebSignIn(login, password string) *WebClient {
	e.TB.Helper()
	c := e.NewWebClient()
	r := c.Post("/sign-in", url.Values{"login": {login}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		e.TB.Fatalf("web sign-in as %s: status %d, Location %q: %.300s", login, r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	// The token is bound to the session from now on.
	c.csrf = c.mustToken("/profile")
	return c
}

// mustToken opens a page and reads its CSRF field.
func (c *WebClient) mustToken(path string) string {
	c.env.TB.Helper()
	r := c.Get(path)
	m := csrfFieldRE.FindSubmatch(r.Body)
	if r.StatusCode != http.StatusOK || m == nil {
		c.env.TB.Fatalf("GET %s: status %d, no CSRF field: %.300s", path, r.StatusCode, r.Body)
	}
	return html.UnescapeString(string(m[1]))
}

// Get opens a page.
func (c *WebClient) Get(path string) *Response {
	c.env.TB.Helper()
	return c.send("GET", path, nil)
}

// Post submits a form with the page's CSRF token, as the page's form
// would.
func (c *WebClient) Post(path string, form url.Values) *Response {
	c.env.TB.Helper()
	v := url.Values{}
	for k, vs := range form {
		v[k] = vs
	}
	v.Set("csrf", c.csrf)
	return c.send("POST", path, strings.NewReader(v.Encode()))
}

func (c *WebClient) send(method, path string, body io.Reader) *Response {
	c.env.TB.Helper()
	req, err := http.NewRequestWithContext(c.env.TB.Context(), method, c.env.Server.URL+path, body)
	if err != nil {
		c.env.TB.Fatalf("new request: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.HTMX {
		req.Header.Set("HX-Request", "true")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.env.TB.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.env.TB.Fatalf("read body: %v", err)
	}
	return &Response{Response: resp, Body: data}
}

// SentToSignIn reports whether the web edge answered r by sending the
// visitor to sign in: a redirect, or for htmx an HX-Redirect.
func SentToSignIn(r *Response) bool {
	to := r.Header.Get("HX-Redirect")
	if to == "" && r.StatusCode >= 300 && r.StatusCode < 400 {
		to = r.Header.Get("Location")
	}
	return strings.HasPrefix(to, "/sign-in")
}
