package web

import (
	"net/http"
	"strings"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// SignInPage is the sign-in form (U3).
type SignInPage struct {
	Page
	Login, Next string
	Errors      Errors
	// LDAP offers the directory form (LOCAL_LDAP_LOGIN); LDAPLogin and
	// LDAPErrors are that form's.
	LDAP       bool
	LDAPLogin  string
	LDAPErrors Errors
	Ended      bool // sent here by a change made after the session ended
	// Suspended says the session ended because its organization was
	// suspended (#18).
	Suspended bool
	// Org is the organization to sign in to (its name; "" for the first).
	// OrgFromLink is set when the link named it (?org=NAME): the field is
	// then prefilled and folded away behind "Change organization".
	Org         string
	OrgFromLink bool
}

// SignUpPage is the first user's sign-up form (O1).
type SignUpPage struct {
	Page
	Name, Username, Email string
	Errors                Errors
}

// InvitePage is the invite acceptance form (O8).
type InvitePage struct {
	Page
	Token          string
	Invite         *app.InviteDetails // nil when the link is not usable
	Name, Username string
	Errors         Errors
	// Join offers a signed-in visitor to accept with their account (#18);
	// nil for a visitor who is signed out.
	Join *JoinOffer
}

func (web *Web) home(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if a.User == nil {
		open, err := web.app.SignupOpen(r.Context())
		if err != nil {
			return err
		}
		if open {
			return redirect(w, r, "/sign-up")
		}
		return redirect(w, r, "/sign-in")
	}
	return web.teamsHome(w, r, a)
}

func (web *Web) signInPage(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	next := safeNext(r.URL.Query().Get("next"))
	if a.User != nil {
		return redirect(w, r, next)
	}
	if open, err := web.app.SignupOpen(r.Context()); err != nil {
		return err
	} else if open {
		return redirect(w, r, "/sign-up")
	}
	q := r.URL.Query()
	org := strings.ToValidUTF8(strings.TrimSpace(q.Get("org")), "\uFFFD")
	return web.page(w, http.StatusOK, "signin", SignInPage{Page: web.basePage(w, r, a, "Sign in", ""), Next: next, LDAP: web.app.LDAPEnabled(),
		Ended: q.Get("ended") != "", Suspended: q.Get("suspended") != "", Org: org, OrgFromLink: org != ""})
}

// signIn checks the local form, or the LDAP form (method=ldap). A refused
// LDAP sign-in shows its message above the LDAP form, with the status
// of its cause: 502 when the directory cannot be reached, while the local
// form stays there for local administrators.
func (web *Web) signIn(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	login, next, method := form(r, "login"), safeNext(r.PostFormValue("next")), r.PostFormValue("method")
	org := form(r, "org")
	in := app.LoginInput{Login: login, Password: r.PostFormValue("password"), Org: org, Device: httpx.DeviceToken(r)}
	res, err := web.app.SignIn(r.Context(), a, method, in)
	if err != nil {
		byReason := map[string]string{roster.ReasonBadCredentials: "password"}
		if method == app.LoginLDAP {
			byReason = nil
		}
		errs, status, err := formErrors(err, byReason)
		if err != nil {
			return err
		}
		p := SignInPage{Page: web.basePage(w, r, a, "Sign in", ""), Next: next, LDAP: web.app.LDAPEnabled(),
			Org: org, OrgFromLink: org != "" && r.PostFormValue("org_from_link") != ""}
		block := "signin-form"
		if method == app.LoginLDAP {
			p.LDAPLogin, p.LDAPErrors, block = login, errs, "ldap-form"
		} else {
			p.Login, p.Errors = login, errs
		}
		return web.show(w, r, status, "signin", block, p)
	}
	web.signedIn(w, res)
	return redirect(w, r, next)
}

func (web *Web) signUpPage(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if open, err := web.app.SignupOpen(r.Context()); err != nil {
		return err
	} else if !open {
		return redirect(w, r, "/sign-in")
	}
	return web.page(w, http.StatusOK, "signup", SignUpPage{Page: web.basePage(w, r, a, "Create the first account", "")})
}

// signUpFields places sign-up and invite errors beside their fields.
var signUpFields = map[string]string{
	roster.ReasonInvalidUsername: "username", roster.ReasonUsernameTaken: "username", roster.ReasonInvalidEmail: "email",
	roster.ReasonEmailTaken: "email", roster.ReasonInvalidPassword: "password", roster.ReasonInvalidText: "name",
}

func (web *Web) signUp(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	in := app.SignupInput{Name: form(r, "name"), Username: form(r, "username"), Email: form(r, "email"), Password: r.PostFormValue("password")}
	if _, err := web.app.Signup(r.Context(), a, in); err != nil {
		errs, status, err := formErrors(err, signUpFields)
		if err != nil {
			return err
		}
		p := SignUpPage{Page: web.basePage(w, r, a, "Create the first account", ""), Name: in.Name, Username: in.Username, Email: in.Email, Errors: errs}
		return web.show(w, r, status, "signup", "signup-form", p)
	}
	return web.openSession(w, r, a, "", in.Username, in.Password, "/org/users")
}

// openSession signs in to organization org ("" for the first) a user who
// just chose their password.
func (web *Web) openSession(w http.ResponseWriter, r *http.Request, a roster.Actor, org, login, password, next string) error {
	res, err := web.app.Login(r.Context(), a, app.LoginInput{Login: login, Password: password, Org: org, Device: httpx.DeviceToken(r)})
	if err != nil {
		return err
	}
	web.signedIn(w, res)
	return redirect(w, r, next)
}

// signedIn sets the session and device cookies of a successful sign-in.
func (web *Web) signedIn(w http.ResponseWriter, res *app.LoginResult) {
	web.setSession(w, res.Session, web.sessionExpiry())
	httpx.SetDeviceCookie(w, res.Device, res.DeviceExpiresAt, web.opt.SecureCookie)
}

func (web *Web) invitePage(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	token := r.PathValue("token")
	p := InvitePage{Page: web.basePage(w, r, a, "Accept your invite", ""), Token: token}
	inv, err := web.app.InviteByToken(r.Context(), token)
	if err != nil {
		if roster.ErrorCode(err) == roster.EInternal {
			return err
		}
		p.Errors = Errors{"": roster.ErrorMessage(err)}
		return web.page(w, http.StatusNotFound, "invite", p)
	}
	p.Invite, p.Join = inv, joinOffer(a)
	return web.page(w, http.StatusOK, "invite", p)
}

func (web *Web) acceptInvite(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	token := r.PathValue("token")
	in := app.AcceptInput{Token: token, Username: form(r, "username"), Password: r.PostFormValue("password"), Name: form(r, "name")}
	inv, lookErr := web.app.InviteByToken(r.Context(), token)
	if lookErr != nil && roster.ErrorCode(lookErr) != roster.EInternal {
		// A used, revoked or expired link: say so, whatever the fields hold.
		p := InvitePage{Page: web.basePage(w, r, a, "Accept your invite", ""), Token: token,
			Errors: Errors{"": roster.ErrorMessage(lookErr)}}
		return web.page(w, httpx.Status(lookErr), "invite", p)
	}
	if r.PostFormValue("join_account") != "" {
		if lookErr != nil {
			return lookErr
		}
		return web.joinInvite(w, r, a, inv)
	}
	u, err := web.app.AcceptInvite(r.Context(), a, in)
	if err != nil {
		errs, status, err := formErrors(err, signUpFields)
		if err != nil {
			return err
		}
		p := InvitePage{Page: web.basePage(w, r, a, "Accept your invite", ""), Token: token, Name: in.Name, Username: in.Username, Errors: errs}
		if lookErr == nil {
			p.Invite, p.Join = inv, joinOffer(a)
		}
		return web.show(w, r, status, "invite", "invite-form", p)
	}
	return web.openSession(w, r, a, u.OrgID, in.Username, in.Password, "/")
}

func (web *Web) signOut(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := web.app.Logout(r.Context(), a); err != nil {
		return err
	}
	web.setSession(w, "", time.Time{})
	return redirect(w, r, "/sign-in")
}
