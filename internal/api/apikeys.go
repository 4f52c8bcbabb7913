package api

import (
	"net/http"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
	"roster/internal/store"
)

// RenameAPIKeyRequest renames a key.
type RenameAPIKeyRequest struct {
	Name string `json:"name"`
}

// OrgAPIKey is a key of the organization's inventory; its secret is never shown.
type OrgAPIKey struct {
	APIKey
	OwnerID   string `json:"owner_id"`
	OwnerKind string `json:"owner_kind" enum:"user,service_account"`
	Owner     string `json:"owner"`
	OwnerTeam string `json:"owner_team,omitempty"`
}

// OrgAPIKeyList is a page of the inventory.
type OrgAPIKeyList struct {
	APIKeys    []OrgAPIKey `json:"api_keys"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

// RevokeAPIKeysRequest names keys to revoke at once.
type RevokeAPIKeysRequest struct {
	IDs []string `json:"ids"`
}

// RevokeAPIKeysResult counts revoked keys.
type RevokeAPIKeysResult struct {
	Revoked int `json:"revoked"`
}

func orgKeyJSON(e store.OrgKey) OrgAPIKey {
	return OrgAPIKey{APIKey: apiKeyJSON(e.Key), OwnerID: e.Key.PrincipalID, OwnerKind: string(e.OwnerKind),
		Owner: e.OwnerName, OwnerTeam: e.OwnerTeam}
}

func newKeyJSON(k *app.NewKey) NewAPIKey {
	return NewAPIKey{ID: k.Key.ID, Name: k.Key.Name, Key: k.Secret, CreatedAt: k.Key.CreatedAt}
}

func (api *API) renameAPIKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in RenameAPIKeyRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := api.app.RenameAPIKey(r.Context(), a, r.PathValue("id"), in.Name)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, apiKeyJSON(k))
}

func (api *API) listSAKeys(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	keys, err := api.app.ListServiceAccountKeys(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := APIKeyList{APIKeys: make([]APIKey, 0, len(keys))}
	for _, k := range keys {
		out.APIKeys = append(out.APIKeys, apiKeyJSON(k))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) createSAKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in NewAPIKeyRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := api.app.CreateServiceAccountKey(r.Context(), a, r.PathValue("id"), in.Name)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, newKeyJSON(k))
}

func (api *API) renameSAKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in RenameAPIKeyRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	k, err := api.app.RenameServiceAccountKey(r.Context(), a, r.PathValue("id"), r.PathValue("key"), in.Name)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, apiKeyJSON(k))
}

func (api *API) deleteSAKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.DeleteServiceAccountKey(r.Context(), a, r.PathValue("id"), r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) listOrgKeys(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), "limit", 1, 500)
	if err != nil {
		return err
	}
	unused, err := intParam(q.Get("unused_days"), "unused_days", 1, 36500)
	if err != nil {
		return err
	}
	page, err := api.app.ListOrgAPIKeys(r.Context(), a, app.KeyQuery{Query: q.Get("query"), Kind: q.Get("kind"),
		Owner: q.Get("owner"), UnusedDays: unused, Limit: limit, Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	out := OrgAPIKeyList{APIKeys: make([]OrgAPIKey, 0, len(page.Keys)), NextCursor: page.NextCursor}
	for _, e := range page.Keys {
		out.APIKeys = append(out.APIKeys, orgKeyJSON(e))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) revokeOrgKey(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if _, err := api.app.RevokeAPIKeys(r.Context(), a, []string{r.PathValue("id")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) revokeOrgKeys(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in RevokeAPIKeysRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := api.app.RevokeAPIKeys(r.Context(), a, in.IDs)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, RevokeAPIKeysResult{Revoked: n})
}

// keyRoutes are the routes of API keys beyond the caller's own list.
func (api *API) keyRoutes() []route {
	return []route{
		{method: "PATCH", path: "/api/v1/users/me/api-keys/{id}", summary: "Rename one of your API keys; its secret stays.",
			access: signedIn, request: RenameAPIKeyRequest{}, response: APIKey{}, status: 200, handle: api.renameAPIKey},
		{method: "GET", path: "/api/v1/service-accounts/{id}/api-keys", summary: "A service account's API keys (its admins), without secrets.",
			access: signedIn, response: APIKeyList{}, status: 200, handle: api.listSAKeys},
		{method: "POST", path: "/api/v1/service-accounts/{id}/api-keys", summary: "Add an API key to a service account, to rotate without downtime; the secret is shown only here.",
			access: signedIn, request: NewAPIKeyRequest{}, response: NewAPIKey{}, status: 201, handle: api.createSAKey},
		{method: "PATCH", path: "/api/v1/service-accounts/{id}/api-keys/{key}", summary: "Rename a service account's API key.",
			access: signedIn, request: RenameAPIKeyRequest{}, response: APIKey{}, status: 200, handle: api.renameSAKey},
		{method: "DELETE", path: "/api/v1/service-accounts/{id}/api-keys/{key}", summary: "Delete a service account's API key; it stops working at once.",
			access: signedIn, status: 204, handle: api.deleteSAKey},
		{method: "GET", path: "/api/v1/api-keys", summary: "Every API key of the organization with its owner, newest first (key inventory).",
			access: admin, response: OrgAPIKeyList{}, status: 200, handle: api.listOrgKeys, query: []param{
				{"query", "string", "substring of key name or owner, or a key's last four characters"},
				{"kind", "string", "user or service_account"},
				{"owner", "string", "owner id, username or service account name"},
				{"unused_days", "integer", "dormant keys: not used in this many days (never used: since created)"},
				{"limit", "integer", "page size, 1 to 500 (default 100)"},
				{"cursor", "string", "next_cursor of the previous page"},
			}},
		{method: "DELETE", path: "/api/v1/api-keys/{id}", summary: "Revoke any key of the organization.",
			access: admin, status: 204, handle: api.revokeOrgKey},
		{method: "POST", path: "/api/v1/api-keys/revoke", summary: "Revoke several keys at once, all or none; one audit entry per key.",
			access: admin, request: RevokeAPIKeysRequest{}, response: RevokeAPIKeysResult{}, status: 200, handle: api.revokeOrgKeys},
	}
}
