package api

import (
	"net/http"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// Instance administration (#18): instance admins list, create, change and
// delete the instance's organizations. The rules are in internal/app.

// orgRoutes are the routes of /api/v1/orgs.
func (api *API) orgRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/orgs", summary: "Every organization of the instance with its users, seats used and teams (instance admins).",
			access: instanceAdmin, response: OrgList{}, status: 200, handle: api.listOrgs},
		{method: "POST", path: "/api/v1/orgs", summary: "Create an organization; admin_email invites its first admin (instance admins); audited organization:create.",
			access: instanceAdmin, request: CreateOrgRequest{}, response: CreatedOrg{}, status: 201, handle: api.createOrg},
		{method: "GET", path: "/api/v1/orgs/{org}", summary: "An organization by id or name (instance admins).",
			access: instanceAdmin, response: Org{}, status: 200, handle: api.getOrg},
		{method: "PATCH", path: "/api/v1/orgs/{org}", summary: "Rename an organization, change its display name, suspend or resume it, in one change (instance admins).",
			access: instanceAdmin, request: UpdateOrgRequest{}, response: Org{}, status: 200, handle: api.updateOrg},
		{method: "DELETE", path: "/api/v1/orgs/{org}", summary: "Delete an organization: its name is free again, its members' sign-ins and keys stop (instance admins).",
			access: instanceAdmin, status: 204, handle: api.deleteOrg},
	}
}

func (api *API) listOrgs(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	all, err := api.app.ListOrganizations(r.Context(), a)
	if err != nil {
		return err
	}
	out := OrgList{Organizations: make([]Org, 0, len(all))}
	for _, o := range all {
		out.Organizations = append(out.Organizations, orgJSON(o))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) createOrg(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in CreateOrgRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := api.app.CreateOrganization(r.Context(), a, app.OrgInput{Name: in.Name, DisplayName: in.DisplayName, AdminEmail: in.AdminEmail})
	if err != nil {
		return err
	}
	o, err := api.app.Organization(r.Context(), a, res.Org.ID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, createdOrgJSON(o, res.Invite, !api.mailSink))
}

func (api *API) getOrg(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	o, err := api.app.Organization(r.Context(), a, r.PathValue("org"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, orgJSON(o))
}

func (api *API) updateOrg(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in UpdateOrgRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c := app.OrgChange{Name: in.Name, DisplayName: in.DisplayName}
	if in.Status != nil {
		st := roster.OrgStatus(*in.Status)
		c.Status = &st
	}
	changed, err := api.app.ChangeOrganization(r.Context(), a, r.PathValue("org"), c)
	if err != nil {
		return err
	}
	o, err := api.app.Organization(r.Context(), a, changed.ID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, orgJSON(o))
}

func (api *API) deleteOrg(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.DeleteOrganization(r.Context(), a, r.PathValue("org")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
