package web

import (
	"net/http"

	"roster"
	"roster/internal/app"
)

// People in several organizations (#18): the avatar menu's switch, joining
// an organization by invite with the signed-in account, and an instance
// admin's entry into an organization. The rules are in internal/app
// (accounts.go); each answer moves the session cookie and goes home.

// switchOrganization moves the session to the person's membership in the
// organization of the form's field organization (its id).
func (web *Web) switchOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	res, err := web.app.SwitchOrganization(r.Context(), a, form(r, "organization"))
	if err != nil {
		return err
	}
	return web.switched(w, r, res)
}

// switched sets the moved session's cookie, as a sign-in does, and opens
// the home page of the organization it acts in.
func (web *Web) switched(w http.ResponseWriter, r *http.Request, res *app.Switched) error {
	web.setSession(w, res.Session, web.sessionExpiry())
	return redirect(w, r, "/")
}

// JoinOffer is the invite page's offer to a signed-in visitor: accept the
// invite with the account they are signed in with.
type JoinOffer struct {
	// Account is the visitor's username where they are signed in;
	// Username the one asked for in the inviting organization.
	Account, Username string
	Errors            Errors
}

// joinFields places join errors beside the join form's field.
var joinFields = map[string]string{
	roster.ReasonInvalidUsername: "username", roster.ReasonUsernameTaken: "username",
}

// joinOffer is the offer for the actor, nil when nobody is signed in.
func joinOffer(a roster.Actor) *JoinOffer {
	if a.User == nil || a.SessionID == "" {
		return nil
	}
	return &JoinOffer{Account: a.User.Username, Username: a.User.Username}
}

// joinInvite accepts the invite with the signed-in account, then moves the
// session to the new membership.
func (web *Web) joinInvite(w http.ResponseWriter, r *http.Request, a roster.Actor, inv *app.InviteDetails) error {
	if a.User == nil {
		return errSignIn
	}
	token := r.PathValue("token")
	in := app.AcceptInput{Token: token, JoinAccount: true, Username: form(r, "username")}
	u, err := web.app.AcceptInvite(r.Context(), a, in)
	if err != nil {
		errs, status, err := formErrors(err, joinFields)
		if err != nil {
			return err
		}
		p := InvitePage{Page: web.basePage(w, r, a, "Accept your invite", ""), Token: token, Invite: inv, Join: joinOffer(a)}
		p.Join.Username, p.Join.Errors = in.Username, errs
		return web.show(w, r, status, "invite", "join-form", p)
	}
	res, err := web.app.SwitchOrganization(r.Context(), a, u.OrgID)
	if err != nil {
		return err
	}
	return web.switched(w, r, res)
}

// enterOrganization is an instance admin's entry into the organization in
// the path; a refusal is said above the organizations table.
func (web *Web) enterOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	res, err := web.app.EnterOrganization(r.Context(), a, r.PathValue("org"))
	if err != nil {
		return web.orgRefused(w, r, a, err)
	}
	return web.switched(w, r, res)
}
