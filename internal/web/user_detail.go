package web

import (
	"net/http"
	"strings"

	"roster"
	"roster/internal/app"
)

// UserDetailPage is one user as an organization admin sees them: teams
// and roles, API keys, sign-in methods, SCIM, status and actions.
type UserDetailPage struct {
	Page
	D   *app.UserDetails
	Row UserRow // the display helpers and the actions' data
	// CurrentSession is the viewer's own session, marked in the list.
	CurrentSession string
}

// SessionMethod words how a session was opened.
func (UserDetailPage) SessionMethod(s *roster.Session) string {
	switch s.Method {
	case roster.SessionPassword:
		return "Password"
	case roster.SessionSSO:
		return "Single sign-on"
	case roster.SessionSwitch:
		return "Switched from another organization"
	}
	return "Not recorded"
}

// Browser names the browser and system of a user agent in a few words,
// or the agent's start when it is none of the common ones.
func (UserDetailPage) Browser(ua string) string {
	if ua == "" {
		return "Unknown browser"
	}
	name := ""
	for _, b := range [][2]string{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"},
		{"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client/", "Go HTTP client"}, {"python-requests/", "Python requests"}} {
		if strings.Contains(ua, b[0]) {
			name = b[1]
			break
		}
	}
	if name == "" {
		if r := []rune(ua); len(r) > 40 {
			return string(r[:40]) + "…"
		}
		return ua
	}
	for _, o := range [][2]string{{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, o[0]) {
			return name + " on " + o[1]
		}
	}
	return name
}

// SignInMethods words how the user can sign in.
func (p UserDetailPage) SignInMethods() []string {
	var out []string
	if p.D.HasPassword {
		out = append(out, "Roster password")
	}
	for _, id := range p.D.SSO {
		out = append(out, "Single sign-on as "+id.Subject+" at "+id.Issuer)
	}
	if p.D.LDAP && p.D.User.Username != "" {
		out = append(out, "LDAP directory password (turned on for this instance)")
	}
	return out
}

func (web *Web) userDetail(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.userDetailPage(w, r, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "user", p)
}

// userDetailPage loads a user's page; the app refuses non-admins.
func (web *Web) userDetailPage(w http.ResponseWriter, r *http.Request, a roster.Actor, ref string) (UserDetailPage, error) {
	d, err := web.app.UserDetail(r.Context(), a, ref)
	if err != nil {
		return UserDetailPage{}, err
	}
	title := d.User.Username
	if title == "" {
		title = d.User.Email
	}
	p := UserDetailPage{Page: web.basePage(w, r, a, title, "users"), D: d, CurrentSession: a.SessionID}
	p.Row = userRow(a, p.CSRF, d.User, nil)
	return p, nil
}

// userDetailAnswer answers a change sent from the user's own page: the
// page again, with the notice (htmx picks the page's section and the flash
// from it).
func (web *Web) userDetailAnswer(w http.ResponseWriter, r *http.Request, a roster.Actor, status int, up RowUpdate) error {
	p, err := web.userDetailPage(w, r, a, up.Row.ID)
	if err != nil {
		return err
	}
	p.Flash = up.Flash
	return web.page(w, status, "user", p)
}

// revokeSession ends one of the user's sessions from their page.
func (web *Web) revokeSession(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		u, err := web.app.RevokeSession(r.Context(), a, ref, r.PathValue("session"))
		if err != nil {
			return nil, nil, err
		}
		return u, ok("That session of " + display(u) + " has ended: the browser there is signed out."), nil
	})
}
