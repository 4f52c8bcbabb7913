package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"roster"
	"roster/internal/httpx"
)

// GrantJWTBearer is RFC 7523's grant type, which the wandb SDK sends.
const GrantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// TokenResponse is an OAuth 2.0 access token response (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// TokenError is an OAuth 2.0 error response (RFC 6749 §5.2).
type TokenError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func jwtIssuerJSON(i *roster.JWTIssuer) JWTIssuer {
	return JWTIssuer{ID: i.ID, IssuerURL: i.URL, CreatedAt: i.CreatedAt}
}

func (api *API) listJWTIssuers(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	list, err := api.app.ListJWTIssuers(r.Context(), a)
	if err != nil {
		return err
	}
	out := JWTIssuerList{JWTIssuers: make([]JWTIssuer, 0, len(list))}
	for _, i := range list {
		out.JWTIssuers = append(out.JWTIssuers, jwtIssuerJSON(i))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) createJWTIssuer(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in JWTIssuerRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	iss, err := api.app.RegisterJWTIssuer(r.Context(), a, in.IssuerURL)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, jwtIssuerJSON(iss))
}

func (api *API) deleteJWTIssuer(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.DeleteJWTIssuer(r.Context(), a, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// oidcToken is the token endpoint of identity federation: a form with
// grant_type and assertion (a JWT) in, an access token out; errors are
// RFC 6749 §5.2 JSON rather than problem documents, as OAuth clients
// expect.
func (api *API) oidcToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, httpx.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		writeTokenError(w, http.StatusBadRequest, "invalid_request",
			"send grant_type and assertion as an application/x-www-form-urlencoded body of at most 1 MiB")
		return
	}
	switch gt := r.PostForm.Get("grant_type"); gt {
	case GrantJWTBearer:
	case "":
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "grant_type is required: "+GrantJWTBearer)
		return
	default:
		writeTokenError(w, http.StatusBadRequest, "unsupported_grant_type", "only grant_type="+GrantJWTBearer+" (RFC 7523) is supported")
		return
	}
	assertion := r.PostForm.Get("assertion")
	if assertion == "" {
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "assertion is required: the JWT from your identity provider")
		return
	}
	a := roster.Actor{IP: httpx.ClientIP(r), Via: roster.ViaAPI, ResponseCode: http.StatusOK}
	tok, err := api.app.ExchangeJWT(r.Context(), a, assertion)
	if err != nil {
		api.tokenError(w, r, err)
		return
	}
	w.Header().Set("Pragma", "no-cache")
	httpx.WriteJSON(w, http.StatusOK, TokenResponse{AccessToken: tok.Secret, TokenType: "Bearer",
		ExpiresIn: int(tok.Token.ExpiresAt.Sub(tok.Token.CreatedAt).Seconds())})
}

// tokenError renders a use case's error as RFC 6749 §5.2 JSON: refused
// JWTs are invalid_grant; Roster's own failures are logged 500s.
func (api *API) tokenError(w http.ResponseWriter, r *http.Request, err error) {
	var re *roster.Error
	if !errors.As(err, &re) {
		api.adapter.Log.ErrorContext(r.Context(), "jwt exchange failed", "err", err)
		writeTokenError(w, http.StatusInternalServerError, "server_error", "the exchange failed on the server; try again")
		return
	}
	switch re.Code {
	case roster.EUnauthenticated:
		writeTokenError(w, http.StatusBadRequest, "invalid_grant", roster.ErrorMessage(err))
	case roster.ETooMany:
		w.Header().Set("Retry-After", "60")
		writeTokenError(w, http.StatusTooManyRequests, "invalid_request", roster.ErrorMessage(err))
	default:
		writeTokenError(w, httpx.Status(err), "invalid_request", roster.ErrorMessage(err))
	}
}

func writeTokenError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(TokenError{Error: code, ErrorDescription: desc})
}
