package web

import (
	"io"
	"net/http"
	"strings"

	"roster"
	"roster/internal/app"
)

// GeneralPage is the team's General tab: display name, avatar (T8) and
// the storage chosen at creation, read-only (T2).
type GeneralPage struct {
	Page
	Team         TeamHeader
	Display      string
	Storage      roster.Storage
	Errors       Errors
	Notice       *Notice
	AvatarErrors Errors
	AvatarNotice *Notice
	// IDPGroups are the identity provider groups (ids, paths, LDAP DNs)
	// the team is matched by besides its names, one a line; only
	// organization admins may change them.
	IDPGroups    string
	GroupsErrors Errors
	GroupsNotice *Notice
}

// generalPage loads the General tab.
func (web *Web) generalPage(w http.ResponseWriter, r *http.Request, a roster.Actor) (GeneralPage, error) {
	info, h, err := web.teamHeader(r, a, "settings", "general")
	if err != nil {
		return GeneralPage{}, err
	}
	return GeneralPage{Page: web.basePage(w, r, a, h.Display+" · General", "team"), Team: h, Display: h.Display, Storage: info.Team.Storage,
		IDPGroups: strings.Join(info.IDPGroups, "\n")}, nil
}

// saveIDPGroups replaces the team's identity provider groups from the
// textarea, one group a line.
func (web *Web) saveIDPGroups(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	raw := r.PostFormValue("idp_groups")
	groups := []string{}
	for _, line := range strings.Split(raw, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			groups = append(groups, line)
		}
	}
	_, err := web.app.UpdateTeam(r.Context(), a, r.PathValue("team"), app.UpdateTeamInput{IDPGroups: &groups})
	p, perr := web.generalPage(w, r, a)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		if p.GroupsErrors, status, err = formErrors(err, map[string]string{roster.ReasonIDPGroupsInvalid: "idp_groups"}); err != nil {
			return err
		}
		p.IDPGroups = raw
	} else {
		p.GroupsNotice = ok("Identity provider groups saved.")
	}
	return web.show(w, r, status, "general", "idp-groups-form", p)
}

func (web *Web) general(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.generalPage(w, r, a)
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "general", p)
}

func (web *Web) saveGeneral(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	display := form(r, "display_name")
	_, err := web.app.UpdateTeam(r.Context(), a, r.PathValue("team"), app.UpdateTeamInput{DisplayName: &display})
	p, perr := web.generalPage(w, r, a)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		if p.Errors, status, err = formErrors(err, map[string]string{roster.EInvalid: "display_name",
			roster.ReasonInvalidText: "display_name", roster.ReasonTeamDisplayTaken: "display_name"}); err != nil {
			return err
		}
		p.Display = display
	} else {
		p.Notice = ok("Display name saved.")
		p.Team.OOB = isHTMX(r) // the header and the tab's title show the new name
	}
	return web.show(w, r, status, "general", "general-answer", p)
}

func (web *Web) uploadAvatar(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var data []byte
	var err error
	if f, _, ferr := r.FormFile("avatar"); ferr != nil {
		err = roster.ReasonErrorf(roster.EInvalid, roster.ReasonInvalidAvatar, "choose an image file to upload")
	} else {
		data, err = io.ReadAll(io.LimitReader(f, app.MaxAvatarBytes+1))
		f.Close()
		if err == nil {
			err = web.app.SetTeamAvatar(r.Context(), a, r.PathValue("team"), data)
		}
	}
	p, perr := web.generalPage(w, r, a)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		if p.AvatarErrors, status, err = formErrors(err, map[string]string{roster.ReasonInvalidAvatar: "avatar", roster.ETooLarge: "avatar"}); err != nil {
			return err
		}
	} else {
		p.AvatarNotice = ok("Avatar uploaded.")
		p.Team.OOB = isHTMX(r)
	}
	return web.show(w, r, status, "general", "avatar-answer", p)
}

// PrivacyPage is the team's Privacy tab (T6).
type PrivacyPage struct {
	Page
	Team     TeamHeader
	Switches []Switch
	Notice   *Notice
}

// Switch is one privacy switch; Enforced ones are fixed by the organization.
type Switch struct {
	Key, Label, Help string
	On, Enforced     bool
}

// privacyPage loads the Privacy tab.
func (web *Web) privacyPage(w http.ResponseWriter, r *http.Request, a roster.Actor) (PrivacyPage, error) {
	info, h, err := web.teamHeader(r, a, "settings", "privacy")
	if err != nil {
		return PrivacyPage{}, err
	}
	p := PrivacyPage{Page: web.basePage(w, r, a, h.Display+" · Privacy", "team"), Team: h}
	for _, sw := range roster.PrivacySwitches {
		p.Switches = append(p.Switches, Switch{Key: sw.Key, Label: sw.Label, Help: sw.Help,
			On: sw.On(info.Settings), Enforced: sw.Of(info.Policy) != nil})
	}
	return p, nil
}

func (web *Web) privacy(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.privacyPage(w, r, a)
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "privacy", p)
}

func (web *Web) savePrivacy(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	cur, err := web.privacyPage(w, r, a)
	if err != nil {
		return err
	}
	var s roster.PrivacyPolicy // the switches to set
	for i, sw := range roster.PrivacySwitches {
		if !cur.Switches[i].Enforced { // enforced switches are not the team's to set
			on := r.PostFormValue(sw.Key) == "on"
			sw.Put(&s, &on)
		}
	}
	if _, err := web.app.UpdateTeam(r.Context(), a, r.PathValue("team"), app.UpdateTeamInput{Settings: &s}); err != nil {
		return err
	}
	p, err := web.privacyPage(w, r, a)
	if err != nil {
		return err
	}
	p.Notice = ok("Privacy settings saved.")
	return web.show(w, r, http.StatusOK, "privacy", "privacy-form", p)
}

// AlertsPage is the team's Alerts tab (T9).
type AlertsPage struct {
	Page
	Team   TeamHeader
	Alerts roster.TeamAlerts
	Errors Errors
	Notice *Notice
	// Deliveries are the recent alert mails and posts, for those who may
	// change the alerts; nil for others.
	Deliveries *app.AlertDeliveries
}

func (web *Web) alertsPage(w http.ResponseWriter, r *http.Request, a roster.Actor) (AlertsPage, error) {
	info, h, err := web.teamHeader(r, a, "settings", "alerts")
	if err != nil {
		return AlertsPage{}, err
	}
	p := AlertsPage{Page: web.basePage(w, r, a, h.Display+" · Alerts", "team"), Team: h, Alerts: info.Team.Alerts}
	if h.Can.Settings {
		if p.Deliveries, err = web.app.TeamAlertDeliveries(r.Context(), a, r.PathValue("team")); err != nil {
			return AlertsPage{}, err
		}
	}
	return p, nil
}

func (web *Web) alerts(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.alertsPage(w, r, a)
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "alerts", p)
}

func (web *Web) saveAlerts(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	al := roster.TeamAlerts{EmailOnFinish: r.PostFormValue("email_on_finish") == "on", EmailOnCrash: r.PostFormValue("email_on_crash") == "on",
		WebhookURL: form(r, "webhook_url")}
	_, err := web.app.UpdateTeam(r.Context(), a, r.PathValue("team"), app.UpdateTeamInput{Alerts: &al})
	p, perr := web.alertsPage(w, r, a)
	if perr != nil {
		return perr
	}
	status := http.StatusOK
	if err != nil {
		if p.Errors, status, err = formErrors(err, map[string]string{roster.ReasonInvalidWebhook: "webhook_url", roster.ReasonWebhookAddress: "webhook_url"}); err != nil {
			return err
		}
		p.Alerts = al
	} else {
		p.Notice = ok("Alert settings saved.")
	}
	return web.show(w, r, status, "alerts", "alerts-form", p)
}
