package api

import (
	"net/http"
	"strconv"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
	"roster/internal/store"
)

func (api *API) listUsers(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	q := r.URL.Query()
	f := store.UserFilter{Query: q.Get("query"), Cursor: q.Get("cursor")}
	if v := q.Get("role"); v != "" {
		role, err := roster.ParseOrgRole(v)
		if err != nil {
			return err
		}
		f.Role = role
	}
	if v := q.Get("status"); v != "" {
		st, err := roster.ParseUserStatus(v)
		if err != nil {
			return err
		}
		f.Status = st
	}
	limit, err := intParam(q.Get("limit"), "limit", 1, app.MaxPageSize)
	if err != nil {
		return err
	}
	f.Limit = limit
	page, err := api.app.ListUsers(r.Context(), a, f)
	if err != nil {
		return err
	}
	out := UserList{Users: make([]User, 0, len(page.Users)), NextCursor: page.NextCursor}
	for _, u := range page.Users {
		j := userJSON(u)
		j.Invite = inviteStatusJSON(page.Invites[u.ID])
		j.LockedUntil = timePtr(page.LockedUntil[u.ID])
		out.Users = append(out.Users, j)
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// intParam parses an optional integer query parameter within [lo, hi];
// empty gives 0.
func intParam(v, name string, lo, hi int) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, roster.Errorf(roster.EInvalid, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

func (api *API) inviteUser(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in InviteRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var role roster.OrgRole
	if in.Role != "" {
		var err error
		if role, err = roster.ParseOrgRole(in.Role); err != nil {
			return err
		}
	}
	res, err := api.app.InviteUser(r.Context(), a, app.InviteInput{Email: in.Email, Role: role})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, invitedJSON(res, !api.mailSink))
}

// userRef is the path's user reference, with "me" meaning the caller.
func userRef(r *http.Request, a roster.Actor) string {
	if ref := r.PathValue("id"); ref != "me" {
		return ref
	}
	return a.UserID()
}

func (api *API) getUser(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	u, err := api.app.ViewUser(r.Context(), a, userRef(r, a))
	if err != nil {
		return err
	}
	out := userJSON(u)
	if u.Status == roster.StatusInvited && a.IsOrgAdmin() {
		st, err := api.app.InviteStatus(r.Context(), a, u.ID)
		if err != nil {
			return err
		}
		out.Invite = inviteStatusJSON(st)
	}
	locked, err := api.app.LockedUntil(r.Context(), a, u)
	if err != nil {
		return err
	}
	out.LockedUntil = timePtr(locked)
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) unlockUser(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	u, err := api.app.UnlockUser(r.Context(), a, userRef(r, a))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}

func (api *API) updateUser(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in UpdateUserRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	change := app.UserChange{Name: in.Name}
	if in.Role != nil {
		role, err := roster.ParseOrgRole(*in.Role)
		if err != nil {
			return err
		}
		change.Role = &role
	}
	u, err := api.app.UpdateUser(r.Context(), a, userRef(r, a), change)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}

func (api *API) removeUser(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.RemoveUser(r.Context(), a, userRef(r, a)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) deactivate(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	u, err := api.app.Deactivate(r.Context(), a, userRef(r, a))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}

func (api *API) reactivate(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	u, err := api.app.Reactivate(r.Context(), a, userRef(r, a))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}

func (api *API) resendInvite(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	res, err := api.app.ResendInvite(r.Context(), a, userRef(r, a))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, invitedJSON(res, !api.mailSink))
}

func (api *API) inviteLink(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	res, err := api.app.InviteLink(r.Context(), a, userRef(r, a))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, invitedJSON(res, true))
}

func (api *API) revokeInvite(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.RevokeInvite(r.Context(), a, userRef(r, a)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) acceptInvite(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in AcceptInviteRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := api.app.AcceptInvite(r.Context(), a, app.AcceptInput{Token: in.Token, Username: in.Username, Password: in.Password, Name: in.Name,
		JoinAccount: in.JoinAccount})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, userJSON(u))
}
