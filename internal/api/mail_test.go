package api_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/mail"
	"roster/internal/mail/mailtest"
	"roster/internal/store"
)

const publicURL = "https://roster.example.com"

// fastWorker retries quickly; tests move the clock past the backoff.
var fastWorker = app.MailWorkerOptions{Poll: 20 * time.Millisecond, Backoff: time.Minute, SendTimeout: 5 * time.Second}

// mailEnv starts a server whose mail goes to srv, with a worker unless
// worker is nil, on dbURL (fresh when empty).
func mailEnv(t *testing.T, srv *mailtest.Server, worker *app.MailWorkerOptions, dbURL string) *apitest.Env {
	t.Helper()
	sink, err := mail.ParseSink(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	smtp := mail.NewSMTP(sink, "Roster <roster@example.com>", mail.SMTPOptions{RootCAs: srv.RootCAs(), Timeout: 5 * time.Second})
	return apitest.NewWith(t, apitest.Options{DBURL: dbURL, MailWorker: worker,
		Config: app.Config{PublicURL: publicURL, Mailer: smtp, MailSinkURL: sink.String(), MailFrom: "roster@example.com"}})
}

// signupNamed signs up the first admin with a display name.
func signupNamed(e *apitest.Env, username, name string) apitest.User {
	e.TB.Helper()
	e.Must(201, "POST", "/api/v1/signup", map[string]string{"username": username, "email": username + "@example.com",
		"password": apitest.Password, "name": name}, apitest.Anonymous)
	u := apitest.User{Username: username, Email: username + "@example.com"}
	u.Session = e.MustLogin(username, apitest.Password)
	u.Key = e.MustKey(u.Session)
	return u
}

// invite invites email and returns the answer, which must not carry the
// link while a mail sink is configured.
func invite(t *testing.T, e *apitest.Env, admin apitest.User, email string) map[string]any {
	t.Helper()
	m := e.Must(201, "POST", "/api/v1/users", map[string]string{"email": email, "role": "member"}, admin.Key).Map(t)
	if _, ok := m["invite_url"]; ok {
		t.Fatalf("invite answer shows the link although a mail sink is configured: %v", m)
	}
	return m
}

// waitDelivery polls the user until its invite's delivery is want.
func waitDelivery(t *testing.T, e *apitest.Env, admin apitest.User, user, want string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := e.Must(200, "GET", "/api/v1/users/"+user, nil, admin.Key).Map(t)
		inv, _ := m["invite"].(map[string]any)
		if inv != nil && inv["delivery"] == want {
			return inv
		}
		if time.Now().After(deadline) {
			t.Fatalf("invite of %s: %v, want delivery %s", user, m["invite"], want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle waits a moment and checks that exactly n mails arrived in all.
func settle(t *testing.T, srv *mailtest.Server, n int) []mailtest.Received {
	t.Helper()
	got := srv.Wait(n, 10*time.Second)
	time.Sleep(200 * time.Millisecond)
	if got = srv.Received(); len(got) != n {
		t.Fatalf("%d mails arrived, want exactly %d: %v", len(got), n, got)
	}
	return got
}

func TestInviteMailArrivesOverSTARTTLSWithAuthAndAccepts(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{StartTLS: true, Username: "roster", Password: "s3cret"})
	e := mailEnv(t, srv, &fastWorker, "")
	admin := signupNamed(e, "alice", "Alice Admin")
	m := invite(t, e, admin, "bob@example.com")
	if inv := m["invite"].(map[string]any); inv["delivery"] != "queued" || inv["expires_at"] == nil {
		t.Fatalf("invite answer: %v", m)
	}
	got := settle(t, srv, 1)[0]
	if len(got.To) != 1 || got.To[0] != "bob@example.com" || got.Header.Get("To") != "<bob@example.com>" {
		t.Fatalf("recipient: envelope %v, header %q", got.To, got.Header.Get("To"))
	}
	if got.From != "roster@example.com" || !strings.Contains(got.Header.Get("From"), "roster@example.com") {
		t.Fatalf("sender: envelope %q, header %q", got.From, got.Header.Get("From"))
	}
	if !got.TLS || got.AuthUser != "roster" {
		t.Fatalf("delivered without STARTTLS (%v) or authentication (%q)", got.TLS, got.AuthUser)
	}
	if got.Subject != "Alice Admin invited you to join Roster on Roster" {
		t.Fatalf("subject %q", got.Subject)
	}
	for _, part := range []string{got.Text, got.HTML} {
		if !strings.Contains(part, "Alice Admin") || !strings.Contains(part, publicURL+"/invite/") {
			t.Fatalf("mail part does not name the inviter or carry the link:\n%s", part)
		}
	}
	inv := waitDelivery(t, e, admin, "bob@example.com", "sent")
	if inv["sent_at"] == nil || inv["delivery_attempts"] != 1.0 || inv["delivery_error"] != nil {
		t.Fatalf("sent invite: %v", inv)
	}
	list := e.Must(200, "GET", "/api/v1/users?status=invited", nil, admin.Key)
	if !strings.Contains(string(list.Body), `"delivery":"sent"`) || strings.Contains(string(list.Body), "/invite/") {
		t.Fatalf("user list: %s", list.Body)
	}
	assertBodiesErased(t, e, m["id"].(string))

	token := got.InviteToken()
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": "bob", "password": apitest.Password}, apitest.Anonymous)
	e.MustLogin("bob", apitest.Password)
	e.Must(404, "POST", "/api/v1/invites/accept", map[string]string{"token": token, "username": "bob2", "password": apitest.Password}, apitest.Anonymous)
}

// assertBodiesErased checks that a sent invite mail no longer keeps its
// body, and with it the invite link, in the database (D5).
func assertBodiesErased(t *testing.T, e *apitest.Env, userID string) {
	t.Helper()
	err := e.DB.Read(t.Context(), func(tx *store.Tx) error {
		invs, err := tx.PendingInvites(t.Context(), []string{userID})
		if err != nil || invs[userID] == nil {
			return fmt.Errorf("pending invite of %s: %v", userID, err)
		}
		byRef, err := tx.MailByRef(t.Context(), []string{invs[userID].ID})
		if err != nil || byRef[invs[userID].ID] == nil {
			return fmt.Errorf("mail of invite: %v", err)
		}
		m, err := tx.MailByID(t.Context(), byRef[invs[userID].ID].ID)
		if err != nil {
			return err
		}
		if m.Status != roster.MailSent || m.Text != "" || m.HTML != "" || m.Reply == "" {
			return fmt.Errorf("sent mail: status %s, text %q, html %q, reply %q", m.Status, m.Text, m.HTML, m.Reply)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFailedDeliveryIsShownAndRetried(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(*mailtest.Server)
		fix    func(*mailtest.Server)
		reason string
	}{
		{"refused", func(s *mailtest.Server) { s.Refuse(550, "mailbox unavailable") }, func(s *mailtest.Server) { s.Refuse(0, "") }, "550"},
		{"down", (*mailtest.Server).Stop, (*mailtest.Server).Restart, "connection refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, mailtest.Options{})
			e := mailEnv(t, srv, &fastWorker, "")
			admin := e.MustSignup("alice")
			tc.break_(srv)
			invite(t, e, admin, "bob@example.com")
			inv := waitDelivery(t, e, admin, "bob@example.com", "failed")
			if !strings.Contains(fmt.Sprint(inv["delivery_error"]), tc.reason) || inv["delivery_attempts"] != 1.0 || inv["next_attempt_at"] == nil {
				t.Fatalf("failed invite: %v; want an error mentioning %q and a retry", inv, tc.reason)
			}
			// Nothing more happens until the backoff has passed.
			time.Sleep(100 * time.Millisecond)
			if inv := waitDelivery(t, e, admin, "bob@example.com", "failed"); inv["delivery_attempts"] != 1.0 {
				t.Fatalf("retried before the backoff: %v", inv)
			}
			tc.fix(srv)
			e.Clock.Advance(2 * time.Minute)
			e.App.WakeMailer()
			got := settle(t, srv, 1)[0]
			if got.To[0] != "bob@example.com" || got.InviteToken() == "" {
				t.Fatalf("retried mail: %v", got)
			}
			inv = waitDelivery(t, e, admin, "bob@example.com", "sent")
			if inv["delivery_attempts"] != 2.0 {
				t.Fatalf("delivered invite: %v", inv)
			}
			e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": got.InviteToken(), "username": "bob", "password": apitest.Password}, apitest.Anonymous)
		})
	}
}

func TestDeliveryGivesUpAfterMaxAttempts(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	srv.Refuse(550, "no such user")
	opt := fastWorker
	opt.MaxAttempts = 2
	e := mailEnv(t, srv, &opt, "")
	admin := e.MustSignup("alice")
	invite(t, e, admin, "bob@example.com")
	waitDelivery(t, e, admin, "bob@example.com", "failed")
	e.Clock.Advance(10 * time.Minute)
	e.App.WakeMailer()
	deadline := time.Now().Add(10 * time.Second)
	for {
		inv := waitDelivery(t, e, admin, "bob@example.com", "failed")
		if inv["delivery_attempts"] == 2.0 {
			if inv["next_attempt_at"] != nil {
				t.Fatalf("gave up but still schedules: %v", inv)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no second attempt: %v", inv)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A resend starts over with a new mail and a new link.
	srv.Refuse(0, "")
	e.Must(200, "POST", "/api/v1/users/bob@example.com/invite/resend", nil, admin.Key)
	settle(t, srv, 1)
}

func TestResendSendsNewMailAndRevokeCancels(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	e := mailEnv(t, srv, &fastWorker, "")
	admin := e.MustSignup("alice")
	invite(t, e, admin, "bob@example.com")
	first := settle(t, srv, 1)[0]
	r := e.Must(200, "POST", "/api/v1/users/bob@example.com/invite/resend", nil, admin.Key).Map(t)
	if _, ok := r["invite_url"]; ok || r["invite"].(map[string]any)["delivery"] != "queued" {
		t.Fatalf("resend answer: %v", r)
	}
	second := settle(t, srv, 2)[1]
	if second.InviteToken() == first.InviteToken() || second.To[0] != "bob@example.com" {
		t.Fatalf("resent mail: %v with token %q, first token %q", second, second.InviteToken(), first.InviteToken())
	}
	e.Must(404, "POST", "/api/v1/invites/accept", map[string]string{"token": first.InviteToken(), "username": "bob", "password": apitest.Password}, apitest.Anonymous)

	// A mail still waiting for its retry is canceled with its invite.
	srv.Stop()
	invite(t, e, admin, "carol@example.com")
	waitDelivery(t, e, admin, "carol@example.com", "failed")
	e.Must(204, "DELETE", "/api/v1/users/carol@example.com/invite", nil, admin.Key)
	srv.Restart()
	e.Clock.Advance(time.Hour)
	e.App.WakeMailer()
	time.Sleep(300 * time.Millisecond)
	if got := srv.Received(); len(got) != 2 {
		t.Fatalf("a revoked invite's mail went out: %v", got)
	}
	e.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": second.InviteToken(), "username": "bob", "password": apitest.Password}, apitest.Anonymous)
}

func TestMailSurvivesRestartBetweenCommitAndSend(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	before := mailEnv(t, srv, nil, "") // no worker: the process "dies" before sending
	admin := before.MustSignup("alice")
	invite(t, before, admin, "bob@example.com")
	before.Close()
	if n := len(srv.Received()); n != 0 {
		t.Fatalf("%d mails sent without a worker", n)
	}
	after := mailEnv(t, srv, &fastWorker, before.DBURL)
	got := settle(t, srv, 1)[0]
	if got.To[0] != "bob@example.com" {
		t.Fatalf("mail after restart: %v", got)
	}
	after.Must(200, "POST", "/api/v1/invites/accept", map[string]string{"token": got.InviteToken(), "username": "bob", "password": apitest.Password}, apitest.Anonymous)
}

func TestTwoWorkersNeverSendTheSameMail(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	one := mailEnv(t, srv, &fastWorker, "")
	two := mailEnv(t, srv, &fastWorker, one.DBURL)
	admin := one.MustSignup("alice")
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		e := []*apitest.Env{one, two}[i%2]
		wg.Go(func() {
			e.Must(201, "POST", "/api/v1/users", map[string]string{"email": fmt.Sprintf("user%d@example.com", i)}, admin.Key)
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for _, m := range settle(t, srv, n) {
		seen[m.To[0]]++
	}
	for i := range n {
		if to := fmt.Sprintf("user%d@example.com", i); seen[to] != 1 {
			t.Errorf("%s got %d mails", to, seen[to])
		}
	}
}

func TestWithoutSinkMailIsLoggedAndLinkShown(t *testing.T) {
	var log syncBuffer
	e := apitest.NewWith(t, apitest.Options{Log: &log, Config: app.Config{PublicURL: publicURL}})
	admin := e.MustSignup("alice")
	m := e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "bob@example.com"}, admin.Key).Map(t)
	url, _ := m["invite_url"].(string)
	if !strings.HasPrefix(url, publicURL+"/invite/") || m["invite"].(map[string]any)["delivery"] != "manual" {
		t.Fatalf("invite answer without a sink: %v", m)
	}
	// The log names the mail but never carries the link (M5).
	token := url[strings.LastIndex(url, "/")+1:]
	if !strings.Contains(log.String(), "invite link shown in the dashboard") || !strings.Contains(log.String(), "bob@example.com") ||
		strings.Contains(log.String(), token) {
		t.Fatalf("the no-sink log line is missing or carries the token %s:\n%s", token, log.String())
	}
	if got := e.Must(200, "GET", "/api/v1/users/bob@example.com", nil, admin.Key).Map(t)["invite"].(map[string]any)["delivery"]; got != "manual" {
		t.Fatalf("delivery %v", got)
	}
	r := e.Must(409, "POST", "/api/v1/settings/email/test", map[string]string{"to": "x@example.com"}, admin.Key)
	if r.Map(t)["code"] != "no_mail_sink" {
		t.Fatalf("test mail without a sink: %s", r.Body)
	}
	if s := e.Must(200, "GET", "/api/v1/settings/email", nil, admin.Key).Map(t); s["configured"] != false {
		t.Fatalf("settings: %v", s)
	}
	bob := e.MustUser(admin.Key, "bobby", "member")
	e.Must(403, "POST", "/api/v1/settings/email/test", map[string]string{"to": "ops@example.com"}, bob.Key)
	e.Must(403, "GET", "/api/v1/settings/email", nil, bob.Key)
}

func TestSendTestEmail(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{StartTLS: true, Username: "roster", Password: "pw"})
	e := mailEnv(t, srv, nil, "")
	admin := e.MustSignup("alice")
	audits := e.AuditCount("")
	r := e.Must(200, "POST", "/api/v1/settings/email/test", map[string]string{"to": "ops@example.com"}, admin.Key).Map(t)
	if r["sent"] != true || !strings.HasPrefix(fmt.Sprint(r["server_reply"]), "2") {
		t.Fatalf("test mail: %v", r)
	}
	got := srv.Wait(1, 5*time.Second)[0]
	if got.To[0] != "ops@example.com" || !strings.HasPrefix(got.Subject, "Roster test mail") || !strings.Contains(got.Text, "alice") {
		t.Fatalf("test mail: %v\n%s", got, got.Text)
	}
	srv.Refuse(550, "relay denied")
	r = e.Must(200, "POST", "/api/v1/settings/email/test", map[string]string{"to": "ops@example.com"}, admin.Key).Map(t)
	if r["sent"] != false || !strings.Contains(fmt.Sprint(r["error"]), "550") {
		t.Fatalf("refused test mail: %v", r)
	}
	if got := e.AuditCount(""); got != audits {
		t.Fatalf("test mails wrote %d audit entries", got-audits)
	}
	e.Must(400, "POST", "/api/v1/settings/email/test", map[string]string{"to": "not an address"}, admin.Key)
	e.Must(400, "POST", "/api/v1/settings/email/test", `{"to": 5}`, admin.Key)
	s := e.Must(200, "GET", "/api/v1/settings/email", nil, admin.Key).Map(t)
	if s["configured"] != true || strings.Contains(fmt.Sprint(s["sink"]), "pw") || !strings.Contains(fmt.Sprint(s["sink"]), srv.Addr()) {
		t.Fatalf("settings: %v", s)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
