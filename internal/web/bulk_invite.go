package web

import (
	"net/http"
	"strings"

	"roster"
	"roster/internal/app"
)

// BulkInvitePage invites a list of addresses at once (issue #14).
type BulkInvitePage struct {
	Page
	Emails   string
	Role     string
	Errors   Errors
	Outcomes []BulkOutcome
	Invited  int
	Failed   int
}

// BulkOutcome is how one address went.
type BulkOutcome struct {
	Email string
	Done  string // where the invite went, when it was made
	Link  string // the link to pass on, without a mail sink
	Error string
}

// Max is the most addresses one request takes.
func (BulkInvitePage) Max() int { return app.MaxBulkInvites }

// Roles are the organization roles an invite may give.
func (BulkInvitePage) Roles() []string { return []string{"member", "viewer", "admin"} }

func (web *Web) bulkInviteForm(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if !a.IsOrgAdmin() {
		return errAdminsOnly
	}
	return web.page(w, http.StatusOK, "bulkinvite", BulkInvitePage{Page: web.basePage(w, r, a, "Invite several users", "users"), Role: "member"})
}

func (web *Web) bulkInvite(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p := BulkInvitePage{Page: web.basePage(w, r, a, "Invite several users", "users"), Emails: r.PostFormValue("emails"), Role: form(r, "role")}
	emails := strings.FieldsFunc(p.Emails, func(c rune) bool { return c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })
	outcomes, err := web.app.InviteUsers(r.Context(), a, emails, roster.OrgRole(p.Role))
	if c := roster.ErrorCode(err); c == roster.EForbidden || c == roster.EUnauthenticated {
		return err
	}
	if err != nil {
		var status int
		if p.Errors, status, err = formErrors(err, map[string]string{}); err != nil {
			return err
		}
		p.Errors = Errors{"emails": p.Errors[""]}
		return web.page(w, status, "bulkinvite", p)
	}
	for _, o := range outcomes {
		out := BulkOutcome{Email: o.Email}
		if o.Err != nil {
			out.Error, p.Failed = roster.ErrorMessage(o.Err), p.Failed+1
		} else {
			n := web.inviteNotice(o.Result, "Invited ")
			out.Done, out.Link, p.Invited = n.Text, n.Copy, p.Invited+1
		}
		p.Outcomes = append(p.Outcomes, out)
	}
	return web.page(w, http.StatusOK, "bulkinvite", p)
}
