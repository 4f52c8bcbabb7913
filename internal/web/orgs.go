package web

import (
	"net/http"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// OrgsPage is the instance's organizations (#18), for instance admins: the
// table of every organization with its use, and the form that creates one.
type OrgsPage struct {
	Page
	Orgs   []OrgRow
	Create OrgForm
	// Notice says what the last change did, or why it was refused.
	Notice *Notice
}

// OrgRow is one organization in the table.
type OrgRow struct {
	CSRF string
	*roster.OrgSummary
	First bool // the instance's first organization, which every path without an organization means
	// Current is the organization the instance admin acts in now; every
	// other active one offers Enter (#18).
	Current bool
}

// Enterable reports whether the row offers Enter.
func (o OrgRow) Enterable() bool { return o.Status == roster.OrgActive && !o.Current }

// StatusLabel is the organization's status as the table shows it.
func (o OrgRow) StatusLabel() string { return capital(string(o.Status)) }

// Suspended reports whether the row offers Resume rather than Suspend.
func (o OrgRow) Suspended() bool { return o.Status == roster.OrgSuspended }

// OrgForm creates an organization.
type OrgForm struct {
	Name, DisplayName, AdminEmail string
	Errors                        Errors
}

// orgFields places organization errors beside their fields.
var orgFields = map[string]string{
	roster.ReasonOrgNameTaken: "name", roster.ReasonInvalidText: "display_name", roster.ReasonInvalidEmail: "admin_email",
}

// orgsPage loads every organization; the use case refuses callers who are
// not instance admins.
func (web *Web) orgsPage(w http.ResponseWriter, r *http.Request, a roster.Actor) (OrgsPage, error) {
	p := OrgsPage{Page: web.basePage(w, r, a, "Organizations", "organizations")}
	orgs, err := web.app.ListOrganizations(r.Context(), a)
	if err != nil {
		return p, err
	}
	current := web.app.CallerOrgID(a)
	for _, o := range orgs {
		p.Orgs = append(p.Orgs, OrgRow{CSRF: p.CSRF, OrgSummary: o, First: o.ID == roster.DefaultOrgID, Current: o.ID == current})
	}
	return p, nil
}

func (web *Web) organizations(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.orgsPage(w, r, a)
	if err != nil {
		return err
	}
	return web.page(w, http.StatusOK, "orgs", p)
}

// showOrgs answers a change with the organizations section, or the whole
// page without htmx.
func (web *Web) showOrgs(w http.ResponseWriter, r *http.Request, a roster.Actor, status int, edit func(p *OrgsPage)) error {
	p, err := web.orgsPage(w, r, a)
	if err != nil {
		return err
	}
	edit(&p)
	return web.show(w, r, status, "orgs", "orgs-section", p)
}

func (web *Web) createOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f := OrgForm{Name: form(r, "name"), DisplayName: form(r, "display_name"), AdminEmail: form(r, "admin_email")}
	res, err := web.app.CreateOrganization(r.Context(), a, app.OrgInput{Name: f.Name, DisplayName: f.DisplayName, AdminEmail: f.AdminEmail})
	if err != nil {
		errs, status, err := formErrors(err, orgFields)
		if err != nil {
			return err
		}
		f.Errors = errs
		return web.showOrgs(w, r, a, status, func(p *OrgsPage) { p.Create = f })
	}
	n := ok("Organization " + res.Org.Name + " created. It has no members yet.")
	if res.Invite != nil {
		n = web.inviteNotice(res.Invite, "Organization "+res.Org.Name+" created; its first admin is invited: ")
	}
	return web.showOrgs(w, r, a, http.StatusOK, func(p *OrgsPage) { p.Notice = n })
}

// orgChange runs one change of the organization in the path and answers
// with the section, saying what happened or why it was refused.
func (web *Web) orgChange(w http.ResponseWriter, r *http.Request, a roster.Actor,
	change func(ref string) (*roster.Organization, error), done func(o *roster.Organization) string) error {
	o, err := change(r.PathValue("org"))
	if err != nil {
		return web.orgRefused(w, r, a, err)
	}
	return web.showOrgs(w, r, a, http.StatusOK, func(p *OrgsPage) { p.Notice = ok(done(o)) })
}

// orgRefused answers a refused change of an organization with the
// section, saying why; internal errors are returned to be logged.
func (web *Web) orgRefused(w http.ResponseWriter, r *http.Request, a roster.Actor, err error) error {
	if roster.ErrorCode(err) == roster.EInternal {
		return err
	}
	return web.showOrgs(w, r, a, httpx.Status(err), func(p *OrgsPage) {
		p.Notice = &Notice{Kind: "error", Text: roster.ErrorMessage(err)}
	})
}

func (web *Web) renameOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	in := app.OrgInput{Name: form(r, "name"), DisplayName: form(r, "display_name")}
	return web.orgChange(w, r, a, func(ref string) (*roster.Organization, error) {
		return web.app.UpdateOrganization(r.Context(), a, ref, in)
	}, func(o *roster.Organization) string {
		return "Organization renamed: " + o.Name + " (" + o.DisplayName + "). Its members sign in with the new name."
	})
}

func (web *Web) suspendOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.orgChange(w, r, a, func(ref string) (*roster.Organization, error) {
		return web.app.SuspendOrganization(r.Context(), a, ref)
	}, func(o *roster.Organization) string {
		return "Organization " + o.Name + " suspended: its members' sign-ins, sessions and API keys are refused until you resume it."
	})
}

func (web *Web) resumeOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.orgChange(w, r, a, func(ref string) (*roster.Organization, error) {
		return web.app.ResumeOrganization(r.Context(), a, ref)
	}, func(o *roster.Organization) string {
		return "Organization " + o.Name + " resumed: its members can sign in again."
	})
}

// deleteOrganization reads the organization first, to name it in the
// answer once it is gone.
func (web *Web) deleteOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return web.orgChange(w, r, a, func(ref string) (*roster.Organization, error) {
		o, err := web.app.Organization(r.Context(), a, ref)
		if err != nil {
			return nil, err
		}
		return &o.Organization, web.app.DeleteOrganization(r.Context(), a, o.ID)
	}, func(o *roster.Organization) string {
		return "Organization " + o.Name + " deleted: nobody can sign in to it any more and its name is free again; its records and audit log are kept."
	})
}
