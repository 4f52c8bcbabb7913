package web

import (
	"net/http"
	"strings"

	"roster"
	"roster/internal/app"
)

// SettingsPage is the organization's settings (U1): privacy enforcement,
// single sign-on, email and license.
type SettingsPage struct {
	Page
	Policy     []PolicyRow
	PolicySave *Notice
	SSO        SSO
	// SSOHealth is the last check of the identity provider; nil when
	// single sign-on is off or nothing checks it.
	SSOHealth  *app.SSOHealth
	MailSink   bool
	CanTest    bool // a test email can be sent
	TestResult *Notice
	// LastMail is the newest mail that was tried, to show a failing mail
	// server as failing; nil when none was tried.
	LastMail *roster.OutboxMail
	Seats    app.SeatUsage
	License  LicenseView
	// Issuers are the JWT issuers of identity federation, and IssuerForm
	// the form that registers one (the Authentication card).
	Issuers    []*roster.JWTIssuer
	IssuerForm IssuerForm
}

// IssuerForm registers a JWT issuer.
type IssuerForm struct {
	URL    string
	Errors Errors
	Notice *Notice
}

// LicenseView is the license card: its status and what it grants (O14).
type LicenseView struct {
	Status   string // none, valid, expired or invalid
	Reason   string // why an expired or invalid license is ignored
	Licensee string
	Expires  string // last valid day
	Features string // comma-separated
	// Organization names the organization the license is for, when it
	// is this organization's own and not the instance's.
	Organization string
}

// PolicyRow is one privacy switch and how the organization enforces it.
type PolicyRow struct {
	Key, Label, Help string
	Value            string // "", "on" or "off"
}

// settingsPage loads what the settings page shows.
func (web *Web) settingsPage(w http.ResponseWriter, r *http.Request, a roster.Actor) (SettingsPage, error) {
	p := SettingsPage{Page: web.basePage(w, r, a, "Settings", "settings"), SSO: web.opt.SSO, MailSink: web.opt.MailSink,
		CanTest: web.opt.TestMail != nil && web.opt.MailSink}
	if !a.IsOrgAdmin() {
		return p, errAdminsOnly
	}
	policy, err := web.app.OrgPolicy(r.Context(), a)
	if err != nil {
		return p, err
	}
	for _, sw := range roster.PrivacySwitches {
		row := PolicyRow{Key: sw.Key, Label: sw.Label, Help: sw.Help}
		if v := sw.Of(policy); v != nil {
			row.Value = map[bool]string{true: "on", false: "off"}[*v]
		}
		p.Policy = append(p.Policy, row)
	}
	if p.Seats, err = web.opt.Seats.SeatUsage(r.Context(), a); err != nil {
		return p, err
	}
	if p.MailSink {
		if p.LastMail, err = web.app.LastMailAttempt(r.Context(), a); err != nil {
			return p, err
		}
	}
	if p.Issuers, err = web.app.ListJWTIssuers(r.Context(), a); err != nil {
		return p, err
	}
	if web.opt.SSO.Enabled && web.opt.SSOHealth != nil {
		h, err := web.opt.SSOHealth(r.Context(), a)
		if err != nil {
			return p, err
		}
		p.SSOHealth = &h
	}
	p.License, err = web.licenseView(r, a)
	return p, err
}

// licenseView reads the license's status for the settings page.
func (web *Web) licenseView(r *http.Request, a roster.Actor) (LicenseView, error) {
	info, err := web.app.License(r.Context(), a)
	if err != nil {
		return LicenseView{}, err
	}
	v := LicenseView{Status: info.Status, Reason: info.Reason}
	if l := info.License; l != nil {
		v.Licensee, v.Expires, v.Organization = l.Licensee, l.Expires, l.Organization
	}
	var names []string
	for _, f := range info.Features {
		names = append(names, string(f))
	}
	v.Features = strings.Join(names, ", ")
	return v, nil
}

func (web *Web) orgSettings(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.settingsPage(w, r, a)
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "settings", p)
}

func (web *Web) savePolicy(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var policy roster.PrivacyPolicy
	for _, sw := range roster.PrivacySwitches {
		switch form(r, sw.Key) {
		case "on":
			sw.Put(&policy, new(true))
		case "off":
			sw.Put(&policy, new(false))
		}
	}
	if err := web.app.SetOrgPolicy(r.Context(), a, policy); err != nil {
		return err
	}
	p, err := web.settingsPage(w, r, a)
	if err != nil {
		return err
	}
	p.PolicySave = ok("Privacy enforcement saved. It applies to every team at once.")
	return web.show(w, r, http.StatusOK, "settings", "policy-form", p)
}

func (web *Web) testEmail(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.settingsPage(w, r, a)
	if err != nil {
		return err
	}
	switch {
	case !p.CanTest:
		p.TestResult = &Notice{Kind: "error", Text: "Email is not configured on this server, so no test email can be sent."}
	default:
		if err := web.opt.TestMail(r.Context(), a, a.User.Email); err != nil {
			p.TestResult = &Notice{Kind: "error", Text: "The test email failed: " + roster.ErrorMessage(err)}
		} else {
			p.TestResult = ok("A test email is on its way to " + a.User.Email + ".")
		}
	}
	return web.show(w, r, http.StatusOK, "settings", "email-card", p)
}

// showIssuers renders the Authentication card with form f.
func (web *Web) showIssuers(w http.ResponseWriter, r *http.Request, a roster.Actor, status int, f IssuerForm) error {
	p, err := web.settingsPage(w, r, a)
	if err != nil {
		return err
	}
	p.IssuerForm = f
	return web.show(w, r, status, "settings", "auth-card", p)
}

func (web *Web) addJWTIssuer(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f := IssuerForm{URL: form(r, "issuer_url")}
	status := http.StatusOK
	iss, err := web.app.RegisterJWTIssuer(r.Context(), a, f.URL)
	if err != nil {
		if f.Errors, status, err = formErrors(err, map[string]string{roster.ReasonIssuerURLInvalid: "issuer_url",
			roster.ReasonIssuerUnreachable: "issuer_url", roster.ReasonIssuerTaken: "issuer_url"}); err != nil {
			return err
		}
	} else {
		f = IssuerForm{Notice: ok("JWT issuer " + iss.URL + " registered: its JWTs can now be exchanged at /oidc/token.")}
	}
	return web.showIssuers(w, r, a, status, f)
}

func (web *Web) deleteJWTIssuer(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := web.app.DeleteJWTIssuer(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	return web.showIssuers(w, r, a, http.StatusOK, IssuerForm{Notice: ok("JWT issuer deleted; the access tokens exchanged for its JWTs stopped working.")})
}
