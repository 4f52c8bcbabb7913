package api

import (
	"net/http"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// People in several organizations (#18): the caller's memberships, moving
// a session to another of them, and an instance admin's entry into an
// organization. The rules are in internal/app (accounts.go).

// membershipRoutes are the routes of /api/v1/memberships and the
// instance admin's entry.
func (api *API) membershipRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/memberships", summary: "The organizations the caller's account is an active member of, the current one marked.",
			access: signedIn, response: MembershipList{}, status: 200, handle: api.memberships},
		{method: "POST", path: "/api/v1/memberships/switch", summary: "Move the session to the caller's membership in another organization; sets the new session cookie; audited user:switch_organization in both.",
			access: signedIn, request: SwitchRequest{}, response: LoginResponse{}, status: 200, handle: api.switchOrg},
		{method: "POST", path: "/api/v1/orgs/{org}/enter", summary: "Enter an organization as its admin, by an explicit switch of the session (instance admins); audited organization:enter in both.",
			access: instanceAdmin, response: LoginResponse{}, status: 200, handle: api.enterOrg},
	}
}

// Membership is one organization the caller may act in.
type Membership struct {
	Organization OrgRef `json:"organization"`
	UserID       string `json:"user_id"`
	Role         string `json:"role" enum:"admin,member,viewer"`
	Current      bool   `json:"current"`
}

// OrgRef names an organization.
type OrgRef struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// MembershipList is the caller's memberships.
type MembershipList struct {
	Memberships []Membership `json:"memberships"`
}

// SwitchRequest names the organization to move to, by id or name.
type SwitchRequest struct {
	Organization string `json:"organization"`
}

func (api *API) memberships(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	all, err := api.app.Memberships(r.Context(), a)
	if err != nil {
		return err
	}
	out := MembershipList{Memberships: make([]Membership, 0, len(all))}
	for _, m := range all {
		out.Memberships = append(out.Memberships, Membership{UserID: m.UserID, Role: string(m.Role), Current: m.Current,
			Organization: OrgRef{ID: m.Org.ID, Name: m.Org.Name, DisplayName: m.Org.DisplayName}})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) switchOrg(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in SwitchRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := api.app.SwitchOrganization(r.Context(), a, in.Organization)
	if err != nil {
		return err
	}
	return api.switched(w, res)
}

func (api *API) enterOrg(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	res, err := api.app.EnterOrganization(r.Context(), a, r.PathValue("org"))
	if err != nil {
		return err
	}
	return api.switched(w, res)
}

// switched sets the moved session's cookie and answers as a sign-in does.
func (api *API) switched(w http.ResponseWriter, res *app.Switched) error {
	expires := time.Now().Add(api.app.SessionLength())
	SetSessionCookie(w, res.Session, expires, api.secure)
	return httpx.WriteJSON(w, http.StatusOK, LoginResponse{User: userJSON(res.User), ExpiresAt: expires.UTC()})
}
