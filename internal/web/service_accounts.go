package web

import (
	"net/http"
	"time"

	"roster"
	"roster/internal/license"
)

// SAItem is one service account.
type SAItem struct {
	ID, Name, Team string
	Created        time.Time
	Subject        string // an external service account's JWT subject
}

// SAForm creates a service account; its key is shown once.
type SAForm struct {
	Name, Team string
	Subject    string       // set: an external service account (identity federation)
	Teams      []TeamChoice // default team choices (organization accounts)
	Errors     Errors
	Secret     *Notice
	Notice     *Notice
}

// OrgSAPage lists the organization's service accounts (A1).
type OrgSAPage struct {
	Page
	Accounts []SAItem
	Form     SAForm
	Off      string // why the license refuses service accounts, if it does
}

// saItems lists the service accounts of a team, or the organization's.
func (web *Web) saItems(r *http.Request, a roster.Actor, team string) ([]SAItem, error) {
	list, err := web.app.ListServiceAccounts(r.Context(), a, team)
	if err != nil {
		return nil, err
	}
	out := make([]SAItem, 0, len(list))
	for _, sa := range list {
		if team == "" && !sa.IsOrgScoped() {
			continue
		}
		out = append(out, SAItem{ID: sa.ID, Name: sa.Name, Team: sa.TeamName, Created: sa.CreatedAt, Subject: sa.Subject})
	}
	return out, nil
}

// orgSAPage loads the page around a form.
func (web *Web) orgSAPage(w http.ResponseWriter, r *http.Request, a roster.Actor, f SAForm) (OrgSAPage, error) {
	p := OrgSAPage{Page: web.basePage(w, r, a, "Service accounts", "service-accounts"), Form: f, Off: web.app.FeatureRefusal(r.Context(), a, license.ServiceAccounts)}
	var err error
	if p.Accounts, err = web.saItems(r, a, ""); err != nil {
		return p, err
	}
	items, err := web.teamItems(r, a)
	if err != nil {
		return p, err
	}
	for _, t := range items {
		p.Form.Teams = append(p.Form.Teams, TeamChoice{Name: t.Name, Display: t.Display, Checked: t.Name == f.Team})
	}
	return p, nil
}

func (web *Web) orgServiceAccounts(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.orgSAPage(w, r, a, SAForm{})
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "orgsas", p)
}

func (web *Web) createOrgServiceAccount(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f := SAForm{Name: form(r, "name"), Team: form(r, "team")}
	status := http.StatusOK
	res, err := web.app.CreateOrgServiceAccount(r.Context(), a, f.Name, f.Team)
	if err != nil {
		if f.Errors, status, err = formErrors(err, map[string]string{roster.EInvalid: "name", roster.ENotFound: "team",
			roster.ReasonDefaultTeamRequired: "team", roster.ReasonServiceAccountNameTaken: "name"}); err != nil {
			return err
		}
	} else {
		f = SAForm{Secret: saSecret(res.Account.Name, res.Key.Secret)}
	}
	p, err := web.orgSAPage(w, r, a, f)
	if err != nil {
		return err
	}
	return web.show(w, r, status, "orgsas", "sa-section", p)
}

// saSecret shows a new service account's key once.
func saSecret(name, secret string) *Notice {
	return &Notice{Kind: "ok", Text: "Service account " + name + " created. Copy its API key now: it is shown only once.", Copy: secret}
}

func (web *Web) deleteOrgServiceAccount(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := web.app.DeleteServiceAccount(r.Context(), a, "", r.PathValue("id")); err != nil {
		return err
	}
	p, err := web.orgSAPage(w, r, a, SAForm{Notice: ok("Service account deleted; its keys stopped working.")})
	if err != nil {
		return err
	}
	return web.show(w, r, http.StatusOK, "orgsas", "sa-section", p)
}

// keyNotice shows a service account's new key once.
func keyNotice(name, secret string) *Notice {
	return &Notice{Kind: "ok", Text: "New API key " + name + " created. Copy it now: it is shown only once. " +
		"Move your workloads to it, then revoke the old key on the API keys page.", Copy: secret}
}

// addServiceAccountKey mints another key for a service account, to rotate
// without downtime; the app decides who may.
func (web *Web) addServiceAccountKey(r *http.Request, a roster.Actor) (*Notice, error) {
	name := form(r, "name")
	if name == "" {
		name = "key " + time.Now().UTC().Format("2006-01-02 15:04")
	}
	k, err := web.app.CreateServiceAccountKey(r.Context(), a, r.PathValue("id"), name)
	if err != nil {
		switch roster.ErrorCode(err) {
		case roster.EInvalid, roster.EConflict:
			return &Notice{Kind: "error", Text: roster.ErrorMessage(err)}, nil
		}
		return nil, err
	}
	return keyNotice(k.Key.Name, k.Secret), nil
}

func (web *Web) createOrgServiceAccountKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	n, err := web.addServiceAccountKey(r, a)
	if err != nil {
		return err
	}
	p, err := web.orgSAPage(w, r, a, SAForm{Secret: n})
	if err != nil {
		return err
	}
	return web.show(w, r, http.StatusOK, "orgsas", "sa-section", p)
}

func (web *Web) createTeamServiceAccountKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	n, err := web.addServiceAccountKey(r, a)
	if err != nil {
		return err
	}
	p, err := web.teamSAPage(w, r, a, SAForm{Secret: n})
	if err != nil {
		return err
	}
	return web.show(w, r, http.StatusOK, "teamsas", "team-sa-section", p)
}
