package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"roster"
	"roster/internal/app"
)

// OrgKeyItem is one key of the inventory.
type OrgKeyItem struct {
	ID, Name, Hint, Owner, OwnerKind, OwnerTeam string
	Created, LastUsed                           time.Time
}

// OrgKeysPage is the organization's API key inventory.
type OrgKeysPage struct {
	Page
	Keys               []OrgKeyItem
	Query, Kind, Owner string
	UnusedDays         string
	NextURL            string
	CreationDisabled   bool
	Notice             *Notice
	Errors             Errors
}

// keyQuery reads the inventory's filters from the URL.
func keyQuery(v url.Values) (app.KeyQuery, error) {
	q := app.KeyQuery{Query: v.Get("query"), Kind: v.Get("kind"), Owner: v.Get("owner"), Cursor: v.Get("cursor")}
	if s := v.Get("unused_days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, roster.Errorf(roster.EInvalid, "unused days must be a whole number of days, 1 or more")
		}
		q.UnusedDays = n
	}
	return q, nil
}

// orgKeysPage loads the inventory as the URL filters it.
func (web *Web) orgKeysPage(w http.ResponseWriter, r *http.Request, a roster.Actor, notice *Notice) (OrgKeysPage, int, error) {
	v := r.URL.Query()
	p := OrgKeysPage{Page: web.basePage(w, r, a, "API keys", "api-keys"), Query: v.Get("query"), Kind: v.Get("kind"),
		Owner: v.Get("owner"), UnusedDays: v.Get("unused_days"), Notice: notice}
	off, err := web.app.KeyCreationDisabled(r.Context(), a)
	if err != nil {
		return p, 0, err
	}
	p.CreationDisabled = off
	q, err := keyQuery(v)
	var page *app.KeyPage
	if err == nil {
		page, err = web.app.ListOrgAPIKeys(r.Context(), a, q)
	}
	if err != nil {
		if roster.ErrorCode(err) != roster.EInvalid {
			return p, 0, err
		}
		p.Errors = Errors{"": roster.ErrorMessage(err)}
		return p, http.StatusBadRequest, nil
	}
	for _, e := range page.Keys {
		p.Keys = append(p.Keys, OrgKeyItem{ID: e.Key.ID, Name: e.Key.Name, Hint: e.Key.Hint, Owner: e.OwnerName,
			OwnerKind: string(e.OwnerKind), OwnerTeam: e.OwnerTeam, Created: e.Key.CreatedAt, LastUsed: e.Key.LastUsedAt})
	}
	if page.NextCursor != "" {
		v.Set("cursor", page.NextCursor)
		p.NextURL = "/org/api-keys?" + v.Encode()
	}
	return p, http.StatusOK, nil
}

func (web *Web) orgKeys(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, status, err := web.orgKeysPage(w, r, a, nil)
	if err != nil {
		return err
	}
	return web.page(w, status, "orgkeys", p)
}

// revokeOrgKeys revokes the checked keys (one or many).
func (web *Web) revokeOrgKeys(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := r.ParseForm(); err != nil {
		return roster.Errorf(roster.EInvalid, "the form could not be read")
	}
	n, err := web.app.RevokeAPIKeys(r.Context(), a, r.PostForm["id"])
	notice := ok(strconv.Itoa(n) + " API key(s) revoked; they stopped working at once.")
	if err != nil {
		if roster.ErrorCode(err) == roster.EInternal || roster.ErrorCode(err) == roster.EForbidden || roster.ErrorCode(err) == roster.EUnauthenticated {
			return err
		}
		notice = &Notice{Kind: "error", Text: roster.ErrorMessage(err)}
	}
	p, status, err := web.orgKeysPage(w, r, a, notice)
	if err != nil {
		return err
	}
	return web.show(w, r, status, "orgkeys", "keys-section", p)
}

// setKeyCreation turns personal key creation off or on.
func (web *Web) setKeyCreation(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	off := form(r, "disable_api_key_creation") == "on"
	if err := web.app.SetKeyCreationDisabled(r.Context(), a, off); err != nil {
		return err
	}
	text := "Users may create personal API keys again."
	if off {
		text = "Personal API key creation is disabled; existing keys keep working."
	}
	p, status, err := web.orgKeysPage(w, r, a, ok(text))
	if err != nil {
		return err
	}
	return web.show(w, r, status, "orgkeys", "keys-section", p)
}
