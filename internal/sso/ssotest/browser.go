package ssotest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Browser follows redirects between Roster and Dex with a cookie jar, fills
// in Dex's login form and picks a connector, like a person in a browser.
type Browser struct {
	tb     testing.TB
	Client *http.Client // does not follow redirects by itself
	Jar    http.CookieJar
	roster *url.URL
}

// NewBrowser returns a browser with an empty cookie jar for the Roster at
// rosterURL.
func NewBrowser(tb testing.TB, rosterURL string) *Browser {
	jar, _ := cookiejar.New(nil)
	u, err := url.Parse(rosterURL)
	if err != nil {
		tb.Fatalf("roster URL: %v", err)
	}
	return &Browser{tb: tb, Jar: jar, roster: u, Client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Login says how to sign in at Dex: through the connector with this id
// ("local" for the password database, "mock" for the mock connector), with
// an email and Password for the password database.
type Login struct {
	Connector string // "local" when empty
	Email     string
}

// Page is a response with its body read.
type Page struct {
	*http.Response
	Body string
}

// Finish is how a sign-in came back to Roster.
type Finish struct {
	Page                 // Roster's answer to the callback
	CallbackURL   string // the callback URL Dex sent the browser to
	BrowserSecret string // the sign-in cookie the browser held at the callback
}

// Get fetches a URL without following redirects.
func (b *Browser) Get(rawURL string) *Page {
	b.tb.Helper()
	return b.do("GET", rawURL, nil)
}

// Post submits a form without following redirects.
func (b *Browser) Post(rawURL string, form url.Values) *Page {
	b.tb.Helper()
	return b.do("POST", rawURL, form)
}

func (b *Browser) do(method, rawURL string, form url.Values) *Page {
	b.tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.tb.Context(), method, rawURL, body)
	if err != nil {
		b.tb.Fatalf("%s %s: %v", method, rawURL, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.Client.Do(req)
	if err != nil {
		b.tb.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.tb.Fatalf("read %s: %v", rawURL, err)
	}
	return &Page{Response: resp, Body: string(data)}
}

var (
	formAction = regexp.MustCompile(`<form[^>]*method="post"[^>]*action="([^"]*)"`)
	connLink   = regexp.MustCompile(`href="([^"]*/auth/([A-Za-z0-9_-]+)[^"]*)"`)
)

// SignIn starts at Roster's path (such as /oidc/login) and walks through
// Dex until Dex sends the browser back to Roster's /oidc/callback; it
// returns Roster's answer to that callback.
func (b *Browser) SignIn(path string, l Login) *Finish {
	b.tb.Helper()
	if l.Connector == "" {
		l.Connector = "local"
	}
	next, err := b.roster.Parse(path)
	if err != nil {
		b.tb.Fatalf("path %q: %v", path, err)
	}
	for hop := 0; hop < 20; hop++ {
		if next.Host == b.roster.Host && next.Path == "/oidc/callback" {
			f := &Finish{CallbackURL: next.String()}
			for _, c := range b.Jar.Cookies(next) {
				if c.Name == "roster_oidc" {
					f.BrowserSecret = c.Value
				}
			}
			f.Page = *b.Get(next.String())
			return f
		}
		page := b.Get(next.String())
		switch {
		case page.StatusCode >= 300 && page.StatusCode < 400:
			next = b.resolve(page, page.Header.Get("Location"))
		case page.StatusCode == http.StatusOK && formAction.MatchString(page.Body):
			action := html.UnescapeString(formAction.FindStringSubmatch(page.Body)[1])
			post := b.do("POST", b.resolve(page, action).String(), url.Values{"login": {l.Email}, "password": {Password}})
			if post.StatusCode < 300 || post.StatusCode >= 400 {
				b.tb.Fatalf("Dex refused the password of %s: %d\n%s", l.Email, post.StatusCode, post.Body)
			}
			next = b.resolve(post, post.Header.Get("Location"))
		case page.StatusCode == http.StatusOK && connLink.MatchString(page.Body):
			next = nil
			for _, m := range connLink.FindAllStringSubmatch(page.Body, -1) {
				if m[2] == l.Connector {
					next = b.resolve(page, html.UnescapeString(m[1]))
				}
			}
			if next == nil {
				b.tb.Fatalf("Dex offers no connector %q:\n%s", l.Connector, page.Body)
			}
		default:
			b.tb.Fatalf("unexpected page at %s: %d\n%s", page.Request.URL, page.StatusCode, page.Body)
		}
	}
	b.tb.Fatalf("sign-in did not come back to Roster's callback")
	return nil
}

// resolve turns a link on page into an absolute URL.
func (b *Browser) resolve(page *Page, ref string) *url.URL {
	b.tb.Helper()
	u, err := page.Request.URL.Parse(ref)
	if err != nil {
		b.tb.Fatalf("bad link %q on %s: %v", ref, page.Request.URL, err)
	}
	return u
}

// Cookie returns the value of Roster's cookie name in the jar, or "".
func (b *Browser) Cookie(name string) string {
	for _, c := range b.Jar.Cookies(b.roster) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}
