package web_test

import (
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/mail"
	"roster/internal/mail/mailtest"
)

// refusingMailEnv is a server whose invite mails go, through its mail
// worker, to a real SMTP server that refuses them (550).
func refusingMailEnv(t *testing.T) *apitest.Env {
	t.Helper()
	srv := mailtest.Start(t, mailtest.Options{})
	sink, err := mail.ParseSink(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	smtp := mail.NewSMTP(sink, "roster@example.com", mail.SMTPOptions{RootCAs: srv.RootCAs(), Timeout: 5 * time.Second})
	worker := app.MailWorkerOptions{Poll: 20 * time.Millisecond, Backoff: time.Minute, SendTimeout: 5 * time.Second}
	e := apitest.NewWith(t, apitest.Options{MailWorker: &worker, Config: app.Config{Mailer: smtp, MailSinkURL: sink.String()}})
	srv.Refuse(550, "mailbox unavailable")
	return e
}

// Issue #14: the users table says how far an invite's email got, so a
// failed one is not invisible, and "Get invite link" hands the admin a
// fresh link to send by hand.
func TestUsersTableShowsInviteDeliveryAndHandsOverALink(t *testing.T) {
	e := refusingMailEnv(t)
	ada := e.MustSignup("ada")
	bob := e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "bob@example.com", "role": "member"}, ada.Key).Map(t)
	web := e.MustWebSignIn("ada", apitest.Password)
	deadline := time.Now().Add(10 * time.Second)
	var body string
	for {
		body = string(web.Get("/org/users?status=invited").Body)
		if strings.Contains(body, "Invite email failed, retrying") || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(body, "Invite email failed, retrying") || !strings.Contains(body, "550") {
		t.Fatalf("users table does not show the failed invite email: %s", between(body, "<tbody", "</tbody>"))
	}
	settings := string(web.Get("/org/settings").Body)
	if health := between(settings, `id="mail-health"`, `</p>`); !strings.Contains(health, "Failing") || !strings.Contains(health, "550") {
		t.Fatalf("settings say %q while the mail server refuses everything", health)
	}
	if !strings.Contains(body, `data-action="invite-link"`) {
		t.Fatalf("no Get invite link action")
	}
	r := web.Post("/org/users/"+bob["id"].(string)+"/invite-link", nil)
	page := string(r.Body)
	if r.StatusCode != 200 || !strings.Contains(page, "/invite/") || !strings.Contains(page, "Send it to them yourself") ||
		!strings.Contains(page, "Link handed over by an admin") {
		t.Fatalf("invite link: %d %s", r.StatusCode, between(page, `<main`, `</main>`))
	}
	// The dashboard's W&B address answers with the users page.
	if d := web.Get("/org/dashboard"); d.StatusCode != 200 || !strings.Contains(string(d.Body), `id="users-table"`) {
		t.Fatalf("/org/dashboard: %d", d.StatusCode)
	}
}
