package web

import (
	"net/http"
	"time"

	"roster"
)

// ProfilePage is the user's profile with their API keys (U3, A3).
type ProfilePage struct {
	Page
	Keys KeysView
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

func (web *Web) profile(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p := ProfilePage{Page: web.basePage(w, r, a, "Profile", "profile")}
	if err := web.loadKeys(r, a, &p.Keys); err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "profile", p)
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
