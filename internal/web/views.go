package web

import (
	"net/http"

	"roster"
	"roster/internal/app"
)

// Page is what the layout needs on every page.
type Page struct {
	Title   string
	Me      *Me    // nil when signed out
	CSRF    string // the token forms and htmx requests send back
	Section string // the active navigation entry
	Flash   *Notice
	SSO     bool // whether "Sign in with SSO" is offered
	// NoScripts leaves the page's scripts out, for pages that show
	// another site's words and need no behaviour (SSO refusals).
	NoScripts bool
}

// Me is the signed-in user, for the avatar menu.
type Me struct {
	ID, Name, Username, Email string
	Admin                     bool
	// InstanceAdmin offers the instance's Organizations page (#18).
	InstanceAdmin bool
	// Org names the user's own organization in the header; "" when it
	// could not be read.
	Org string
	// Switch lists the person's other memberships (#18), offered in the
	// avatar menu; empty for someone in one organization.
	Switch []OrgChoice
}

// OrgChoice is another organization the person may switch to.
type OrgChoice struct {
	ID, Name string
}

// Notice is a message above the page or inside a fragment. Copy, when set,
// is a value to copy, such as an invite link or a new key's secret.
type Notice struct {
	Kind string // ok, info, warn or error
	Text string
	Copy string
}

// Errors maps a form field to the message shown beside it; "" holds the
// message that belongs to the form as a whole.
type Errors map[string]string

// Any reports whether there is an error to show.
func (e Errors) Any() bool { return len(e) > 0 }

// page builds the layout's data for the actor.
func (web *Web) basePage(w http.ResponseWriter, r *http.Request, a roster.Actor, title, section string) Page {
	p := Page{Title: title, Section: section, CSRF: web.csrfFor(w, r, a), SSO: web.opt.SSO.Enabled}
	if u := a.User; u != nil {
		name := u.Name
		if name == "" {
			name = u.Username
		}
		p.Me = &Me{ID: u.ID, Name: name, Username: u.Username, Email: u.Email, Admin: a.IsOrgAdmin(),
			InstanceAdmin: app.IsInstanceAdmin(a)}
		p.Me.Org, p.Me.Switch = web.memberships(r, a)
	}
	return p
}

// memberships reads, in one query, the display name of the actor's own
// organization for the header and their other memberships for the
// switcher. The header goes without them, logged, when they cannot be
// read; the name alone is read when the list lacks the current one.
func (web *Web) memberships(r *http.Request, a roster.Actor) (org string, others []OrgChoice) {
	all, err := web.app.Memberships(r.Context(), a)
	if err != nil {
		web.log.Warn("read the memberships for the header", "err", err)
		return "", nil
	}
	current := false
	for _, m := range all {
		name := m.Org.DisplayName
		if name == "" {
			name = m.Org.Name
		}
		if m.Current {
			org, current = name, true
			continue
		}
		others = append(others, OrgChoice{ID: m.Org.ID, Name: name})
	}
	if !current {
		org = web.orgName(r, a)
	}
	return org, others
}

// orgName is the display name of the actor's own organization for the header;
// the header goes without it, logged, when it cannot be read.
func (web *Web) orgName(r *http.Request, a roster.Actor) string {
	_, name, err := web.app.OrgName(r.Context(), a)
	if err != nil {
		web.log.Warn("read the organization's name for the header", "err", err)
		return ""
	}
	return name
}

// ok is a success notice.
func ok(text string) *Notice { return &Notice{Kind: "ok", Text: text} }
