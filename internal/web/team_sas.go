package web

import (
	"net/http"
	"strings"

	"roster"
	"roster/internal/app"
	"roster/internal/license"
)

// TeamSAPage is the team's Service accounts tab (A1).
type TeamSAPage struct {
	Page
	Team     TeamHeader
	Accounts []SAItem
	Form     SAForm
	// CreationDisabled: GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION.
	CreationDisabled bool
	Off              string // why the license refuses service accounts, if it does
}

func (web *Web) teamSAPage(w http.ResponseWriter, r *http.Request, a roster.Actor, f SAForm) (TeamSAPage, error) {
	_, h, err := web.teamHeader(r, a, "settings", "service-accounts")
	if err != nil {
		return TeamSAPage{}, err
	}
	p := TeamSAPage{Page: web.basePage(w, r, a, h.Display+" · Service accounts", "team"), Team: h, Form: f,
		CreationDisabled: web.app.TeamServiceAccountCreationDisabled(), Off: web.app.FeatureRefusal(r.Context(), a, license.ServiceAccounts)}
	if h.Can.ServiceAccounts {
		p.Accounts, err = web.saItems(r, a, h.Name)
	}
	return p, err
}

func (web *Web) teamServiceAccounts(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.teamSAPage(w, r, a, SAForm{})
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "teamsas", p)
}

func (web *Web) createTeamServiceAccount(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f := SAForm{Name: form(r, "name"), Subject: strings.TrimSpace(form(r, "subject"))}
	status := http.StatusOK
	var res *app.NewServiceAccount
	var err error
	if f.Subject == "" {
		res, err = web.app.CreateTeamServiceAccount(r.Context(), a, r.PathValue("team"), f.Name)
	} else {
		res, err = web.app.CreateExternalServiceAccount(r.Context(), a, r.PathValue("team"), f.Name, f.Subject)
	}
	switch {
	case err != nil:
		if f.Errors, status, err = formErrors(err, map[string]string{roster.EInvalid: "name",
			roster.ReasonFederatedSubject: "subject", roster.ReasonSubjectTaken: "subject", roster.ReasonServiceAccountNameTaken: "name"}); err != nil {
			return err
		}
	case res.Key == nil:
		f = SAForm{Notice: ok("External service account " + res.Account.Name + " created: JWTs whose sub is " +
			res.Account.Subject + " sign in as it at /oidc/token; it has no API key.")}
	default:
		f = SAForm{Secret: saSecret(res.Account.Name, res.Key.Secret)}
	}
	p, err := web.teamSAPage(w, r, a, f)
	if err != nil {
		return err
	}
	return web.show(w, r, status, "teamsas", "team-sa-section", p)
}

func (web *Web) deleteTeamServiceAccount(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := web.app.DeleteServiceAccount(r.Context(), a, r.PathValue("team"), r.PathValue("id")); err != nil {
		return err
	}
	p, err := web.teamSAPage(w, r, a, SAForm{Notice: ok("Service account deleted; its keys stopped working.")})
	if err != nil {
		return err
	}
	return web.show(w, r, http.StatusOK, "teamsas", "team-sa-section", p)
}
