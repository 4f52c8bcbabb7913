package web

import (
	"net/http"
	"time"

	"roster"
)

// ProfilePage is the user's profile: their name, password and API keys
// (U3, A3, S1).
type ProfilePage struct {
	Page
	Keys     KeysView
	Name     ProfileForm
	Password ProfileForm
	// HasPassword is false for accounts that sign in only with SSO.
	HasPassword bool
	HeadOOB     bool // the page head is sent beside a form, after a rename
}

// ProfileForm is the name or password form's value, errors and notice.
type ProfileForm struct {
	Value  string
	Errors Errors
	Notice *Notice
}

// KeysView is the API key section, also sent alone after each change.
type KeysView struct {
	Keys    []KeyRow
	Name    string  // the create form's value after an error
	Secret  *Notice // the new key, shown once
	Errors  Errors
	Deleted string
	// CreationDisabled: the organization disabled personal key creation.
	CreationDisabled bool
}

// KeyRow is one API key without its secret.
type KeyRow struct {
	ID, Name, Hint    string
	Created, LastUsed time.Time
}

// profilePage loads the profile of the actor as it is now.
func (web *Web) profilePage(w http.ResponseWriter, r *http.Request, a roster.Actor) (ProfilePage, error) {
	p := ProfilePage{Page: web.basePage(w, r, a, "Profile", "profile"), HasPassword: a.User.PasswordHash != ""}
	p.Name.Value = a.User.Name
	return p, web.loadKeys(r, a, &p.Keys)
}

func (web *Web) profile(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.profilePage(w, r, a)
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "profile", p)
}

// saveName changes the actor's display name; the page head follows.
func (web *Web) saveName(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	name := form(r, "name")
	u, err := web.app.UpdateProfile(r.Context(), a, name)
	status := http.StatusOK
	if err == nil {
		a.User = u
	}
	p, perr := web.profilePage(w, r, a)
	if perr != nil {
		return perr
	}
	if err != nil {
		if p.Name.Errors, status, err = formErrors(err, map[string]string{roster.EInvalid: "name", roster.ReasonInvalidText: "name"}); err != nil {
			return err
		}
		p.Name.Value = name
	} else {
		p.Name.Notice, p.HeadOOB = ok("Name saved."), isHTMX(r)
	}
	return web.show(w, r, status, "profile", "name-answer", p)
}

// savePassword changes the actor's password after checking the current
// one; their other sessions end (S1).
func (web *Web) savePassword(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	current, next := r.PostFormValue("current_password"), r.PostFormValue("new_password")
	err := web.app.ChangePassword(r.Context(), a, current, next)
	p, perr := web.profilePage(w, r, a)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		if p.Password.Errors, status, err = formErrors(err, map[string]string{roster.ReasonBadCredentials: "current_password",
			roster.ReasonInvalidPassword: "new_password"}); err != nil {
			return err
		}
	} else {
		p.Password.Notice = ok("Password changed. Your other sessions were signed out.")
	}
	return web.show(w, r, status, "profile", "password-form", p)
}

// loadKeys lists the actor's keys into v.
func (web *Web) loadKeys(r *http.Request, a roster.Actor, v *KeysView) error {
	keys, err := web.app.ListAPIKeys(r.Context(), a)
	if err != nil {
		return err
	}
	off, err := web.app.KeyCreationDisabled(r.Context(), a)
	if err != nil {
		return err
	}
	v.CreationDisabled = off
	v.Keys = v.Keys[:0]
	for _, k := range keys {
		v.Keys = append(v.Keys, KeyRow{ID: k.ID, Name: k.Name, Hint: k.Hint, Created: k.CreatedAt, LastUsed: k.LastUsedAt})
	}
	return nil
}

// showKeys answers a key change with the key section, or the whole page.
func (web *Web) showKeys(w http.ResponseWriter, r *http.Request, a roster.Actor, status int, v KeysView) error {
	if err := web.loadKeys(r, a, &v); err != nil {
		return err
	}
	p := ProfilePage{Page: web.basePage(w, r, a, "Profile", "profile"), Keys: v}
	return web.show(w, r, status, "profile", "keys", p)
}

func (web *Web) createKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	name := form(r, "name")
	k, err := web.app.CreateAPIKey(r.Context(), a, name)
	if err != nil {
		errs, status, err := formErrors(err, map[string]string{roster.EInvalid: "name", roster.ReasonTooManyKeys: "name"})
		if err != nil {
			return err
		}
		return web.showKeys(w, r, a, status, KeysView{Name: name, Errors: errs})
	}
	secret := &Notice{Kind: "ok", Text: "API key " + k.Key.Name + " created. Copy it now: it is shown only once.", Copy: k.Secret}
	return web.showKeys(w, r, a, http.StatusOK, KeysView{Secret: secret})
}

func (web *Web) deleteKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := web.app.DeleteAPIKey(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	return web.showKeys(w, r, a, http.StatusOK, KeysView{Deleted: "API key deleted."})
}
