package api_test

import (
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/mail/mailtest"
)

// Issue #14: an invite whose mail failed is not a dead end: an
// organization admin gets a fresh link to send by hand, which kills the
// mailed one and any retry; nobody else may (H2), and the row shows why.
func TestInviteLinkAfterAFailedMail(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	e := mailEnv(t, srv, &fastWorker, "")
	admin := e.MustSignup("alice")
	srv.Refuse(550, "mailbox unavailable")
	invite(t, e, admin, "bob@example.com")
	waitDelivery(t, e, admin, "bob@example.com", "failed")

	// A member, or anyone else, cannot get the link.
	srv.Refuse(0, "")
	e.App.WakeMailer()
	invite(t, e, admin, "carol@example.com")
	carolMail := settle(t, srv, 1)[0]
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": carolMail.InviteToken(), "username": "carol", "password": apitest.Password}, apitest.Anonymous)
	carol := e.MustKey(e.MustLogin("carol", apitest.Password))
	wantProblem(t, e.Do("POST", "/api/v1/users/bob@example.com/invite/link", nil, carol), 403, "not_admin")

	r := e.Must(200, "POST", "/api/v1/users/bob@example.com/invite/link", nil, admin.Key).Map(t)
	link, _ := r["invite_url"].(string)
	if !strings.Contains(link, "/invite/") || r["invite"].(map[string]any)["delivery"] != "manual" {
		t.Fatalf("invite link answer: %v", r)
	}
	// The failed mail is not retried: its link died with the new one.
	e.Clock.Advance(2 * time.Minute)
	e.App.WakeMailer()
	time.Sleep(200 * time.Millisecond)
	for _, m := range srv.Received() {
		if m.To[0] == "bob@example.com" {
			t.Fatalf("the canceled invite mail went out after the link was handed over")
		}
	}
	if n := e.AuditCount("user:resend_invite"); n != 1 {
		t.Fatalf("%d user:resend_invite entries, want 1", n)
	}
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": link[strings.LastIndex(link, "/")+1:], "username": "bob", "password": apitest.Password}, apitest.Anonymous)
	wantProblem(t, e.Do("POST", "/api/v1/users/bob/invite/link", nil, admin.Key), 409, "not_invited")
}
