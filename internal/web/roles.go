package web

import (
	"net/http"

	"roster"
	"roster/internal/app"
	"roster/internal/license"
)

// RolesPage lists custom roles and creates them (R3).
type RolesPage struct {
	Page
	Roles  []RoleItem
	Form   RoleForm
	Notice *Notice
	// Off says why the license refuses custom roles; the create form is
	// then replaced by the reason.
	Off string
}

// RoleItem is one custom role.
type RoleItem struct {
	Name, Description, Base string
	Extra                   []string
	Holders                 int // memberships holding it
}

// RoleForm is the create form, or the edit form of the role Editing:
// base role and permission checkboxes.
type RoleForm struct {
	Name, Description, Base string
	Perms                   []PermChoice
	Errors                  Errors
	Editing                 string // the edited role's name; "" to create
	Holders                 int    // holders of the edited role
}

// PermChoice is one catalog permission with what the bases already hold.
type PermChoice struct {
	Name, Description  string
	Checked            bool
	InMember, InViewer bool
}

// roleForm is the form with the catalog's checkboxes.
func roleForm(base string, picked map[string]bool) RoleForm {
	f := RoleForm{Base: base}
	for _, c := range roster.Catalog {
		f.Perms = append(f.Perms, PermChoice{Name: string(c.Permission), Description: c.Description, Checked: picked[string(c.Permission)],
			InMember: roster.MemberPerms.Has(c.Permission), InViewer: roster.ViewerPerms.Has(c.Permission)})
	}
	return f
}

// rolesPage loads the list around a form.
func (web *Web) rolesPage(w http.ResponseWriter, r *http.Request, a roster.Actor, f RoleForm, n *Notice) (RolesPage, error) {
	p := RolesPage{Page: web.basePage(w, r, a, "Custom roles", "roles"), Form: f, Notice: n, Off: web.app.FeatureRefusal(r.Context(), a, license.CustomRoles)}
	roles, err := web.app.ListCustomRoles(r.Context(), a)
	if err != nil {
		return p, err
	}
	holders, err := web.app.CustomRoleHolders(r.Context(), a)
	if err != nil {
		return p, err
	}
	for _, cr := range roles {
		p.Roles = append(p.Roles, RoleItem{Name: cr.Name, Description: cr.Description, Base: string(cr.Base), Extra: cr.Extra.PermNames(),
			Holders: holders[cr.ID]})
		if f.Editing != "" && roster.RoleNameKey(cr.Name) == roster.RoleNameKey(f.Editing) {
			p.Form.Holders = holders[cr.ID]
		}
	}
	return p, nil
}

func (web *Web) roles(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if !a.IsOrgAdmin() {
		return errAdminsOnly
	}
	f := roleForm("member", nil)
	if name := r.URL.Query().Get("edit"); name != "" {
		cr, err := web.app.GetCustomRole(r.Context(), a, name)
		if err != nil {
			return err
		}
		f = editForm(cr)
	}
	p, err := web.rolesPage(w, r, a, f, nil)
	if err != nil {
		return err
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "roles-section" {
		return web.fragment(w, http.StatusOK, "roles", "roles-section", p)
	}
	return web.page(w, http.StatusOK, "roles", p)
}

// editForm is the edit form of a custom role, filled with it.
func editForm(cr *roster.CustomRole) RoleForm {
	picked := map[string]bool{}
	for _, p := range cr.Extra.PermNames() {
		picked[p] = true
	}
	f := roleForm(string(cr.Base), picked)
	f.Name, f.Description, f.Editing = cr.Name, cr.Description, cr.Name
	return f
}

// editRole saves a custom role (R3): every holder has the new permissions
// at once.
func (web *Web) editRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	name := r.PathValue("role")
	in := app.RoleInput{Name: form(r, "name"), Description: form(r, "description"), Base: form(r, "base"), Permissions: r.PostForm["perms"]}
	status, f, n := http.StatusOK, roleForm("member", nil), (*Notice)(nil)
	cr, err := web.app.UpdateCustomRole(r.Context(), a, name, in)
	if err != nil {
		var errs Errors
		if errs, status, err = formErrors(err, roleFields); err != nil {
			return err
		}
		picked := map[string]bool{}
		for _, p := range in.Permissions {
			picked[p] = true
		}
		f = roleForm(in.Base, picked)
		f.Name, f.Description, f.Errors, f.Editing = in.Name, in.Description, errs, name
	} else {
		n = ok("Custom role " + cr.Name + " saved; everyone holding it has its new permissions now.")
	}
	p, err := web.rolesPage(w, r, a, f, n)
	if err != nil {
		return err
	}
	return web.show(w, r, status, "roles", "roles-section", p)
}

// roleFields places custom role errors beside their fields.
var roleFields = map[string]string{
	roster.ReasonInvalidRoleName: "name", roster.ReasonReservedRoleName: "name", roster.ReasonRoleNameTaken: "name",
	roster.ReasonInvalidBaseRole: "base", roster.ReasonUnknownPermission: "perms", roster.EInvalid: "description",
}

func (web *Web) createRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	in := app.RoleInput{Name: form(r, "name"), Description: form(r, "description"), Base: form(r, "base"), Permissions: r.PostForm["perms"]}
	picked := map[string]bool{}
	for _, p := range in.Permissions {
		picked[p] = true
	}
	status, f, n := http.StatusOK, roleForm("member", nil), (*Notice)(nil)
	cr, err := web.app.CreateCustomRole(r.Context(), a, in)
	if err != nil {
		var errs Errors
		if errs, status, err = formErrors(err, roleFields); err != nil {
			return err
		}
		f = roleForm(in.Base, picked)
		f.Name, f.Description, f.Errors = in.Name, in.Description, errs
	} else {
		n = ok("Custom role " + cr.Name + " created. Team admins can now give it to members.")
	}
	p, err := web.rolesPage(w, r, a, f, n)
	if err != nil {
		return err
	}
	return web.show(w, r, status, "roles", "roles-section", p)
}

func (web *Web) deleteRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	name := r.PathValue("role")
	if err := web.app.DeleteCustomRole(r.Context(), a, name); err != nil {
		return err
	}
	p, err := web.rolesPage(w, r, a, roleForm("member", nil), ok("Custom role "+name+" deleted; its holders now have its base role."))
	if err != nil {
		return err
	}
	return web.show(w, r, http.StatusOK, "roles", "roles-section", p)
}
