package api

import (
	"net/http"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

func (api *API) signup(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in SignupRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u, err := api.app.Signup(r.Context(), a, app.SignupInput{Username: in.Username, Email: in.Email, Password: in.Password, Name: in.Name})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, userJSON(u))
}

func (api *API) login(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in LoginRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := api.app.SignIn(r.Context(), a, in.Method, app.LoginInput{Login: in.Login, Password: in.Password,
		Org: in.Organization, Device: httpx.DeviceToken(r)})
	if err != nil {
		return err
	}
	expires := time.Now().Add(api.app.SessionLength())
	SetSessionCookie(w, res.Session, expires, api.secure)
	httpx.SetDeviceCookie(w, res.Device, res.DeviceExpiresAt, api.secure)
	return httpx.WriteJSON(w, http.StatusOK, LoginResponse{User: userJSON(res.User), ExpiresAt: expires.UTC()})
}

// SetSessionCookie sets the session cookie; an empty token clears it.
func SetSessionCookie(w http.ResponseWriter, token string, expires time.Time, secure bool) {
	c := &http.Cookie{Name: httpx.SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode, Expires: expires}
	if token == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

func (api *API) logout(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.Logout(r.Context(), a); err != nil {
		return err
	}
	SetSessionCookie(w, "", time.Time{}, api.secure)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) viewer(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	via := "session"
	if a.APIKeyID != "" {
		via = "api_key"
	}
	if a.AccessTokenID != "" {
		via = "access_token"
	}
	if a.ServiceAccount != nil {
		sa := saJSON(a.ServiceAccount)
		return httpx.WriteJSON(w, http.StatusOK, Viewer{Kind: string(roster.KindServiceAccount), ServiceAccount: &sa, Via: via})
	}
	u, err := api.app.Viewer(a)
	if err != nil {
		return err
	}
	uj := userJSON(u)
	return httpx.WriteJSON(w, http.StatusOK, Viewer{Kind: string(roster.KindUser), User: &uj, Via: via})
}

func (api *API) changePassword(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in PasswordRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := api.app.ChangePassword(r.Context(), a, in.CurrentPassword, in.NewPassword); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) createAPIKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in NewAPIKeyRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := api.app.CreateAPIKey(r.Context(), a, in.Name)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, NewAPIKey{ID: k.Key.ID, Name: k.Key.Name, Key: k.Secret, CreatedAt: k.Key.CreatedAt})
}

func (api *API) listAPIKeys(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	keys, err := api.app.ListAPIKeys(r.Context(), a)
	if err != nil {
		return err
	}
	out := APIKeyList{APIKeys: make([]APIKey, 0, len(keys))}
	for _, k := range keys {
		out.APIKeys = append(out.APIKeys, apiKeyJSON(k))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) deleteAPIKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.DeleteAPIKey(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
