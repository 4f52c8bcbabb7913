package api

import (
	"net/http"

	"roster"
	"roster/internal/httpx"
)

// EmailSettings tells where mail goes (E1).
type EmailSettings struct {
	Configured bool   `json:"configured"`
	Sink       string `json:"sink,omitempty"`
	From       string `json:"from,omitempty"`
}

// TestEmailRequest names the recipient of a test mail.
type TestEmailRequest struct {
	To string `json:"to"`
}

// TestEmailResult is the SMTP server's answer to a test mail.
type TestEmailResult struct {
	Sent        bool   `json:"sent"`
	ServerReply string `json:"server_reply,omitempty"`
	Error       string `json:"error,omitempty"`
}

func (api *API) emailSettings(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	st, err := api.app.MailSettings(r.Context(), a)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, EmailSettings{Configured: st.Configured, Sink: st.Sink, From: st.From})
}

func (api *API) testEmail(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in TestEmailRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := api.app.SendTestMail(r.Context(), a, in.To)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, TestEmailResult{Sent: res.Sent, ServerReply: res.Reply, Error: res.Error})
}
