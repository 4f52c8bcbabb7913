package web

import (
	"context"
	"fmt"
	"net/http"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// InviteForm is the "Add user" form (O7); Disabled says why it is off
// when no seat is left (O15).
type InviteForm struct {
	CSRF     string
	Email    string
	Role     string
	Teams    []TeamChoice
	Disabled string
	Errors   Errors
	Done     *Notice
	Open     bool // shown in the page, for browsers without scripts
}

// TeamChoice is a team to tick in a form.
type TeamChoice struct {
	Name, Display string
	Checked       bool
}

// RowUpdate answers a change of one user: the new row (nil when the user
// left the list), the summary and a notice, the last two out of band.
type RowUpdate struct {
	Row     *UserRow
	Summary OrgSummary
	Flash   *Notice
}

// newInviteForm is an empty "Add user" form.
func (web *Web) newInviteForm(ctx context.Context, a roster.Actor, csrf string, s OrgSummary) (InviteForm, error) {
	f := InviteForm{CSRF: csrf, Role: string(roster.OrgMember)}
	if s.Seats.Full() {
		f.Disabled = fmt.Sprintf("No seat is left: %d of %d are in use. Deactivate or remove a user, or revoke an invite, to free one.", s.Seats.Used, s.Seats.Limit)
	}
	teams, err := web.app.ListTeams(ctx, a, false)
	if err != nil {
		return f, err
	}
	for _, t := range teams {
		f.Teams = append(f.Teams, TeamChoice{Name: t.Team.Name, Display: t.Team.DisplayName})
	}
	return f, nil
}

func (web *Web) inviteForm(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if !isHTMX(r) {
		p, err := web.usersPage(w, r, a, UserFilter{})
		if err != nil {
			return err
		}
		p.Invite.Open = true
		return web.page(w, http.StatusOK, "users", p)
	}
	p := UsersPage{Page: web.basePage(w, r, a, "Users", "users")}
	var err error
	if p.Summary, err = web.summary(r.Context(), a); err != nil {
		return err
	}
	if p.Invite, err = web.newInviteForm(r.Context(), a, p.CSRF, p.Summary); err != nil {
		return err
	}
	return web.fragment(w, http.StatusOK, "users", "invite-modal", p)
}

// inviteFields places invite errors beside their fields.
var inviteFields = map[string]string{roster.ReasonInvalidEmail: "email", roster.ReasonEmailTaken: "email", roster.ReasonInvalidRole: "role", roster.EInvalid: "teams"}

func (web *Web) inviteUser(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	in := app.InviteInput{Email: form(r, "email"), Role: roster.OrgRole(form(r, "role"))}
	picked := map[string]bool{}
	for _, t := range r.PostForm["teams"] {
		in.Teams, picked[t] = append(in.Teams, app.TeamJoin{Team: t}), true
	}
	res, err := web.app.InviteUser(r.Context(), a, in)
	p, perr := web.usersPage(w, r, a, UserFilter{})
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		var errs Errors
		if errs, status, err = formErrors(err, inviteFields); err != nil {
			return err
		}
		p.Invite.Email, p.Invite.Role, p.Invite.Errors, p.Invite.Open = in.Email, string(in.Role), errs, true
		for i := range p.Invite.Teams {
			p.Invite.Teams[i].Checked = picked[p.Invite.Teams[i].Name]
		}
	} else {
		p.Invite.Done = web.inviteNotice(res, "Invite created for ")
		p.Flash = p.Invite.Done
	}
	if isHTMX(r) {
		p.Table.OOB, p.Summary.OOB = err == nil, err == nil
		return web.fragment(w, status, "users", "invite-answer", p)
	}
	return web.page(w, status, "users", p)
}

// inviteNotice says where an invite went: by mail, or as a link to copy
// while no mail sink is configured (E1), or nowhere yet when it waits for
// an organization admin (H2).
func (web *Web) inviteNotice(res *app.InviteResult, prefix string) *Notice {
	if web.opt.MailSink {
		return ok(prefix + res.User.Email + ". An email with the link is on its way.")
	}
	if res.AwaitingAdmin() {
		return ok(prefix + res.User.Email + ". " + app.NoticeInviteAwaitingAdmin)
	}
	return &Notice{Kind: "ok", Text: prefix + res.User.Email + ". Email is not configured, so send them this link (valid 7 days):", Copy: res.URL}
}

// rowAction runs a change of one user and answers with the row.
func (web *Web) rowAction(w http.ResponseWriter, r *http.Request, a roster.Actor, do func(ref string) (*roster.User, *Notice, error)) error {
	ref := r.PathValue("id")
	u, notice, err := do(ref)
	status := http.StatusOK
	var up RowUpdate
	if err != nil {
		if roster.ErrorCode(err) == roster.EInternal {
			return err
		}
		status = httpx.Status(err)
		if u, _ = web.app.GetUser(r.Context(), a, ref); u == nil {
			return err
		}
		// The refusal shows once: beside the control in the row, or in
		// the flash when the user left the list.
		if u.Status == roster.StatusRemoved || !isHTMX(r) {
			up.Flash = &Notice{Kind: "error", Text: roster.ErrorMessage(err)}
		}
	}
	csrf := web.csrfFor(w, r, a)
	if u != nil && u.Status != roster.StatusRemoved {
		teams, terr := web.app.UserTeams(r.Context(), a, []string{u.ID})
		if terr != nil {
			return terr
		}
		row := userRow(a, csrf, u, teams[u.ID])
		if err != nil {
			row.Error = roster.ErrorMessage(err)
		}
		if u.Status == roster.StatusInvited && a.IsOrgAdmin() {
			st, ierr := web.app.InviteStatus(r.Context(), a, u.ID)
			if ierr != nil {
				return ierr
			}
			row.withInvite(st, web.app.DB().Now())
		}
		up.Row = &row
	}
	if notice != nil {
		up.Flash = notice
	}
	var serr error
	if up.Summary, serr = web.summary(r.Context(), a); serr != nil {
		return serr
	}
	if form(r, "from") == "detail" && up.Row != nil {
		return web.userDetailAnswer(w, r, a, status, up)
	}
	if isHTMX(r) {
		up.Summary.OOB = true
		return web.fragment(w, status, "users", "row-update", up)
	}
	p, perr := web.usersPage(w, r, a, UserFilter{})
	if perr != nil {
		return perr
	}
	p.Flash = up.Flash
	return web.page(w, status, "users", p)
}

func (web *Web) changeRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		role, err := roster.ParseOrgRole(form(r, "role"))
		if err != nil {
			return nil, nil, err
		}
		u, err := web.app.ChangeRole(r.Context(), a, ref, role)
		if err != nil {
			return nil, nil, err
		}
		return u, ok(display(u) + " is now " + string(u.Role) + "."), nil
	})
}

func (web *Web) deactivate(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		u, err := web.app.Deactivate(r.Context(), a, ref)
		if err != nil {
			return nil, nil, err
		}
		return u, ok(display(u) + " is deactivated: their sessions and API keys stopped working."), nil
	})
}

func (web *Web) reactivate(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		u, err := web.app.Reactivate(r.Context(), a, ref)
		if err != nil {
			return nil, nil, err
		}
		return u, ok(display(u) + " is active again."), nil
	})
}

func (web *Web) unlockUser(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		u, err := web.app.UnlockUser(r.Context(), a, ref)
		if err != nil {
			return nil, nil, err
		}
		return u, ok(display(u) + " is unlocked: their failed sign-ins are forgotten."), nil
	})
}

func (web *Web) resendInvite(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		res, err := web.app.ResendInvite(r.Context(), a, ref)
		if err != nil {
			return nil, nil, err
		}
		return res.User, web.inviteNotice(res, "New invite (the old link no longer works) for "), nil
	})
}

func (web *Web) inviteLink(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		res, err := web.app.InviteLink(r.Context(), a, ref)
		if err != nil {
			return nil, nil, err
		}
		return res.User, &Notice{Kind: "ok", Copy: res.URL,
			Text: "New invite link for " + res.User.Email + " (the old link and any unsent email no longer work; valid 7 days). Send it to them yourself:"}, nil
	})
}

func (web *Web) revokeInvite(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		u, err := web.app.GetUser(r.Context(), a, ref)
		if err != nil {
			return nil, nil, err
		}
		if err := web.app.RevokeInvite(r.Context(), a, ref); err != nil {
			return nil, nil, err
		}
		return nil, ok("The invite for " + u.Email + " was revoked: its link no longer works and its seat is free."), nil
	})
}

func (web *Web) removeUser(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.rowAction(w, r, a, func(ref string) (*roster.User, *Notice, error) {
		u, err := web.app.GetUser(r.Context(), a, ref)
		if err != nil {
			return nil, nil, err
		}
		if err := web.app.RemoveUser(r.Context(), a, ref); err != nil {
			return nil, nil, err
		}
		return nil, ok(display(u) + " was removed from the organization; their runs and projects stay."), nil
	})
}

// display names a user in notices.
func display(u *roster.User) string {
	if u.Username != "" {
		return u.Username
	}
	return u.Email
}
