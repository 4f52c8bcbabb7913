package httpx

import (
	"context"
	"net/http"
	"strings"
	"time"

	"roster"
)

// SessionCookie is the name of Roster's session cookie.
const SessionCookie = "roster_session"

// DeviceCookie holds the device token a successful sign-in gives the
// client: later sign-ins presenting it are limited per device, so other
// people's failures never lock the owner out of their own devices.
const DeviceCookie = "roster_device"

// DeviceToken returns the device cookie's value, or "".
func DeviceToken(r *http.Request) string {
	if c, err := r.Cookie(DeviceCookie); err == nil {
		return c.Value
	}
	return ""
}

// SetDeviceCookie sets the device cookie, HttpOnly, until expires. An
// empty token (sign-ins that hand out none, such as LDAP's) leaves the
// browser's cookie as it is.
func SetDeviceCookie(w http.ResponseWriter, token string, expires time.Time, secure bool) {
	if token == "" {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: DeviceCookie, Value: token, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode, Expires: expires})
}

// Authenticator resolves credentials into actors; app.Service is one.
type Authenticator interface {
	SessionActor(ctx context.Context, token string, a roster.Actor) (roster.Actor, error)
	KeyActor(ctx context.Context, key string, a roster.Actor) (roster.Actor, error)
}

// Authenticate returns the request's actor: an API key from a Bearer or
// Basic header (A4, the key as the password with any username), else the
// session cookie, else an anonymous actor. Bad credentials are an error.
func Authenticate(r *http.Request, authn Authenticator, via roster.Interface) (roster.Actor, error) {
	a := roster.Actor{IP: ClientIP(r), UserAgent: r.UserAgent(), Via: via}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		cred = strings.TrimSpace(cred)
		switch strings.ToLower(scheme) {
		case "bearer":
			return authn.KeyActor(r.Context(), cred, a)
		case "basic":
			_, password, ok := r.BasicAuth()
			if !ok {
				return a, roster.Errorf(roster.EUnauthenticated, "malformed Basic credentials")
			}
			return authn.KeyActor(r.Context(), password, a)
		}
		return a, roster.Errorf(roster.EUnauthenticated, "authorization scheme %q is not supported; use Bearer or Basic", scheme)
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return authn.SessionActor(r.Context(), c.Value, a)
	}
	return a, nil
}
