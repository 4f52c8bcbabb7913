package api

import (
	"net/http"
	"time"

	"roster"
	"roster/internal/httpx"
)

// Session is an open session of a user, without its token.
type Session struct {
	ID         string     `json:"id"`
	Method     string     `json:"method"` // "password", "sso", or "" for sessions older than the column
	IP         string     `json:"ip"`
	UserAgent  string     `json:"user_agent"`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt *time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	Current    bool       `json:"current"` // the session that made this request
}

// SessionList is a user's open sessions, most recently used first.
type SessionList struct {
	Sessions []Session `json:"sessions"`
}

func (api *API) listSessions(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	sessions, err := api.app.UserSessions(r.Context(), a, userRef(r, a))
	if err != nil {
		return err
	}
	out := SessionList{Sessions: []Session{}}
	for _, s := range sessions {
		out.Sessions = append(out.Sessions, Session{ID: s.ID, Method: s.Method, IP: s.IP, UserAgent: s.UserAgent,
			CreatedAt: s.CreatedAt, LastSeenAt: timePtr(s.LastSeenAt), ExpiresAt: s.ExpiresAt, Current: s.ID == a.SessionID})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) revokeSession(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if _, err := api.app.RevokeSession(r.Context(), a, userRef(r, a), r.PathValue("session")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
