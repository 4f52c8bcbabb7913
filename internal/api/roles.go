package api

import (
	"net/http"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

func (api *API) listPermissions(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	out := PermissionList{}
	for _, c := range roster.Catalog {
		out.Permissions = append(out.Permissions, PermissionInfo{Name: string(c.Permission), Description: c.Description, Enforced: c.Enforced})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// builtinRoles describes the fixed team roles (R2).
var builtinRoles = []struct {
	role roster.TeamRole
	desc string
}{
	{roster.TeamAdmin, "Manage members, settings, service accounts and every project and run"},
	{roster.TeamMember, "Log runs and create projects; invite others when the team allows it"},
	{roster.TeamViewer, "Read-only: read the team and its projects and runs"},
	{roster.TeamService, "The role of the team's service accounts"},
}

func (api *API) listRoles(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	custom, err := api.app.ListCustomRoles(r.Context(), a)
	if err != nil {
		return err
	}
	out := RoleList{}
	for _, b := range builtinRoles {
		role := Role{Name: string(b.role), Description: b.desc, Builtin: true}
		for _, p := range roster.BuiltinPerms(b.role).List() {
			role.Permissions = append(role.Permissions, RolePermission{Name: string(p), IsInherited: true})
		}
		out.Roles = append(out.Roles, role)
	}
	for _, c := range custom {
		out.Roles = append(out.Roles, customRoleJSON(c))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (in RoleInput) app() app.RoleInput {
	return app.RoleInput{Name: in.Name, Description: in.Description, Base: in.Base, Permissions: in.Permissions}
}

func (api *API) createRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in RoleInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	role, err := api.app.CreateCustomRole(r.Context(), a, in.app())
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, customRoleJSON(role))
}

func (api *API) getRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	role, err := api.app.GetCustomRole(r.Context(), a, r.PathValue("role"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, customRoleJSON(role))
}

func (api *API) updateRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in RoleInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	role, err := api.app.UpdateCustomRole(r.Context(), a, r.PathValue("role"), in.app())
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, customRoleJSON(role))
}

func (api *API) deleteRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.DeleteCustomRole(r.Context(), a, r.PathValue("role")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) createTeamSA(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in ServiceAccountRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.DefaultTeam != "" {
		return roster.Errorf(roster.EInvalid, "team service accounts act only in their team; default_team is for organization service accounts")
	}
	var res *app.NewServiceAccount
	var err error
	switch in.Auth {
	case "", "api_key":
		if in.Subject != "" {
			return roster.ReasonErrorf(roster.EInvalid, roster.ReasonFederatedSubject, `a subject is for "auth": "federated" service accounts`)
		}
		res, err = api.app.CreateTeamServiceAccount(r.Context(), a, r.PathValue("team"), in.Name)
	case "federated":
		res, err = api.app.CreateExternalServiceAccount(r.Context(), a, r.PathValue("team"), in.Name, in.Subject)
	default:
		return roster.Errorf(roster.EInvalid, "auth must be api_key (the default) or federated")
	}
	if err != nil {
		return err
	}
	out := saJSON(res.Account)
	if res.Key != nil {
		out.Key = res.Key.Secret
	}
	return httpx.WriteJSON(w, http.StatusCreated, out)
}

func (api *API) createOrgSA(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in ServiceAccountRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := api.app.CreateOrgServiceAccount(r.Context(), a, in.Name, in.DefaultTeam)
	if err != nil {
		return err
	}
	out := saJSON(res.Account)
	out.Key = res.Key.Secret
	return httpx.WriteJSON(w, http.StatusCreated, out)
}

func (api *API) listSAs(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	sas, err := api.app.ListServiceAccounts(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return err
	}
	out := ServiceAccountList{ServiceAccounts: make([]ServiceAccount, 0, len(sas))}
	for _, sa := range sas {
		out.ServiceAccounts = append(out.ServiceAccounts, saJSON(sa))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) deleteSA(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.DeleteServiceAccount(r.Context(), a, r.PathValue("team"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
