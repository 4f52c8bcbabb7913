package api_test

// M5 and H2: invite tokens are never stored or logged in clear, and
// without a mail sink only organization admins are shown invite links.

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/mail"
	"roster/internal/mail/mailtest"
	"roster/internal/store"
)

// dumpOutbox returns the whole outbox as text, straight from the database.
func dumpOutbox(t *testing.T, e *apitest.Env) string {
	t.Helper()
	var out string
	err := e.DB.Read(t.Context(), func(tx *store.Tx) error {
		var err error
		out, err = tx.DumpForTest(t.Context(), "outbox")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wantNoLink fails when text carries an invite link, or token when set.
func wantNoLink(t *testing.T, what, text, token string) {
	t.Helper()
	if strings.Contains(text, "/invite/") || token != "" && strings.Contains(text, token) {
		t.Fatalf("%s carries an invite link or token %q:\n%s", what, token, text)
	}
}

func TestOutboxNeverHoldsInviteToken(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	var log syncBuffer
	// Queued: no worker runs yet, as if the process died after commit.
	before := mailEnvLog(t, srv, nil, "", &log)
	admin := before.MustSignup("alice")
	invite(t, before, admin, "bob@example.com")
	if rows := dumpOutbox(t, before); !strings.Contains(rows, "bob@example.com") || !strings.Contains(rows, "queued") {
		t.Fatalf("no queued mail for bob:\n%s", rows)
	}
	wantNoLink(t, "the queued outbox", dumpOutbox(t, before), "")
	before.Close()

	// Failed: the attempt minted a link that went nowhere and is kept nowhere.
	srv.Stop()
	e := mailEnvLog(t, srv, &fastWorker, before.DBURL, &log)
	waitDelivery(t, e, admin, "bob@example.com", "failed")
	wantNoLink(t, "the outbox after a failed send", dumpOutbox(t, e), "")

	// Sent: the link is in the mail only.
	srv.Restart()
	e.Clock.Advance(2 * time.Minute)
	e.App.WakeMailer()
	got := settle(t, srv, 1)[0]
	token := got.InviteToken()
	if token == "" || !strings.Contains(got.Text, publicURL+"/invite/"+token) || !strings.Contains(got.HTML, token) {
		t.Fatalf("sent mail lacks its link:\n%s\n%s", got.Text, got.HTML)
	}
	waitDelivery(t, e, admin, "bob@example.com", "sent")
	wantNoLink(t, "the outbox after the mail went out", dumpOutbox(t, e), token)
	wantNoLink(t, "the server log", log.String(), token)
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": "bob", "password": apitest.Password}, apitest.Anonymous)
}

// mailEnvLog is mailEnv with the server's log going to log.
func mailEnvLog(t *testing.T, srv *mailtest.Server, worker *app.MailWorkerOptions, dbURL string, log *syncBuffer) *apitest.Env {
	t.Helper()
	sink, err := mail.ParseSink(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	smtp := mail.NewSMTP(sink, "Roster <roster@example.com>", mail.SMTPOptions{RootCAs: srv.RootCAs(), Timeout: 5 * time.Second})
	return apitest.NewWith(t, apitest.Options{DBURL: dbURL, MailWorker: worker, Log: log,
		Config: app.Config{PublicURL: publicURL, Mailer: smtp, MailSinkURL: sink.String(), MailFrom: "roster@example.com"}})
}

func TestOutboxOfOlderVersionIsErasedAndMailStillGoesOut(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	e := mailEnv(t, srv, nil, "")
	admin := e.MustSignup("alice")
	invite(t, e, admin, "bob@example.com")
	// A body written by an older Roster (before migration 0007 erased them)
	// is not what goes out: the worker renders the mail with a fresh link.
	err := e.DB.Tx(t.Context(), func(tx *store.Tx) error {
		return tx.ExecForTest(t.Context(), `UPDATE outbox SET text_body = 'stale /invite/OLDTOKEN', html_body = 'stale'`)
	})
	if err != nil {
		t.Fatal(err)
	}
	worker := mailEnv(t, srv, &fastWorker, e.DBURL)
	got := settle(t, srv, 1)[0]
	if strings.Contains(got.Text, "OLDTOKEN") || got.InviteToken() == "" {
		t.Fatalf("mail sent from a stale body:\n%s", got.Text)
	}
	worker.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": got.InviteToken(), "username": "bob", "password": apitest.Password}, apitest.Anonymous)
}

func TestAccessLogRedactsInviteToken(t *testing.T) {
	var log syncBuffer
	e := apitest.NewWith(t, apitest.Options{Log: &log, Config: app.Config{PublicURL: publicURL}})
	admin := e.MustSignup("alice")
	_, token := e.MustInvite(admin.Key, "bob@example.com", "member")
	e.Do("GET", "/invite/"+token, nil, apitest.Anonymous)
	e.Do("POST", "/invite/"+token, url.Values{"username": {"bob"}}.Encode(), apitest.Anonymous)
	e.Do("GET", "/invite/"+token+"?token="+token, nil, apitest.Anonymous)
	out := log.String()
	if !strings.Contains(out, "path=/invite/REDACTED") {
		t.Fatalf("no redacted invite request in the access log:\n%s", out)
	}
	if strings.Contains(out, token) {
		t.Fatalf("the log carries the invite token %s:\n%s", token, out)
	}
}

// H2: without a mail sink, whoever is not an organization admin gets no
// link; the invite waits, shown as such, until an admin's resend.
func TestTeamInviteWithoutSinkWaitsForOrgAdmin(t *testing.T) {
	f := newTeamFixture(t)
	e := f.e
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"settings": map[string]bool{"members_can_invite": true}}, f.cred[colTeamAdmin])
	e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "recruiter", "base": "member", "permissions": []string{"team:invite"}}, f.admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "omember", "role": "recruiter"}, f.admin.Key)
	for i, who := range []struct {
		name string
		cred apitest.Cred
	}{
		{"team admin", f.cred[colTeamAdmin]}, {"member allowed to invite", f.cred[colTeamMember]},
		{"custom role with team:invite", f.users["omember"].Key},
	} {
		email := fmt.Sprintf("newcomer%d@example.com", i)
		r := e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"email": email}, who.cred).Map(t)
		if r["invite_url"] != nil || r["invite"].(map[string]any)["delivery"] != "awaiting_admin" || r["notice"] == nil {
			t.Errorf("%s adding %s: %v; want no link, an invite awaiting an admin and a notice", who.name, email, r)
		}
		u := e.Must(200, "GET", "/api/v1/users/"+email, nil, f.admin.Key).Map(t)
		if u["invite"].(map[string]any)["delivery"] != "awaiting_admin" {
			t.Errorf("user %s: %v, want the invite awaiting an admin", email, u)
		}
		e.Must(403, "POST", "/api/v1/users/"+email+"/invite/resend", nil, who.cred)
		link, _ := e.Must(200, "POST", "/api/v1/users/"+email+"/invite/resend", nil, f.admin.Key).Map(t)["invite_url"].(string)
		if !strings.Contains(link, "/invite/") {
			t.Fatalf("the organization admin's resend shows no link")
		}
		if got := e.Must(200, "GET", "/api/v1/users/"+email, nil, f.admin.Key).Map(t)["invite"].(map[string]any)["delivery"]; got != "manual" {
			t.Errorf("delivery after the admin's resend: %v, want manual", got)
		}
	}
	// An organization admin adding to a team still gets the link (E1).
	r := e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"email": "direct@example.com"}, f.admin.Key).Map(t)
	if link, _ := r["invite_url"].(string); !strings.Contains(link, "/invite/") {
		t.Errorf("organization admin adding an unknown email: %v, want the link", r)
	}
}
