package web

import (
	"net/http"

	"roster"
	"roster/internal/app"
)

// UserDetailPage is one user as an organization admin sees them: teams
// and roles, API keys, sign-in methods, SCIM, status and actions.
type UserDetailPage struct {
	Page
	D   *app.UserDetails
	Row UserRow // the display helpers and the actions' data
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
	p := UserDetailPage{Page: web.basePage(w, r, a, title, "users"), D: d}
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
