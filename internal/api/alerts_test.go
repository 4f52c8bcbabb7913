package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/mail"
	"roster/internal/mail/mailtest"
	"roster/internal/webhook"
)

// hookReceiver is a Slack-compatible webhook receiver over HTTPS on
// loopback, with a test certificate; it answers status and records what
// it was sent.
type hookReceiver struct {
	srv    *httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	got    []string // the "text" of each accepted post
	tries  atomic.Int32
}

func startReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.status.Store(200)
	h.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.tries.Add(1)
		var msg struct {
			Text string `json:"text"`
		}
		body, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.URL.Path != "/services/T0/B0/SECRETHOOKTOKEN" || r.Header.Get("Content-Type") != "application/json" ||
			json.Unmarshal(body, &msg) != nil || msg.Text == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		st := int(h.status.Load())
		if st == 200 {
			h.mu.Lock()
			h.got = append(h.got, msg.Text)
			h.mu.Unlock()
		}
		w.WriteHeader(st)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) url() string { return h.srv.URL + "/services/T0/B0/SECRETHOOKTOKEN" }

func (h *hookReceiver) texts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.got...)
}

// alertEnv starts a server with mail to smtp (none when nil), webhooks
// allowed to reach loopback with the receiver's certificate, and a fast
// outbox worker; its server log is written to log.
func alertEnv(t *testing.T, smtp *mailtest.Server, h *hookReceiver, log io.Writer) *apitest.Env {
	t.Helper()
	cfg := app.Config{PublicURL: publicURL,
		Webhooks: webhook.New(webhook.Options{Timeout: 5 * time.Second, AllowLoopback: true,
			TLS: h.srv.Client().Transport.(*http.Transport).TLSClientConfig})}
	if smtp != nil {
		sink, err := mail.ParseSink(smtp.URL())
		if err != nil {
			t.Fatal(err)
		}
		cfg.Mailer = mail.NewSMTP(sink, "Roster <roster@example.com>", mail.SMTPOptions{RootCAs: smtp.RootCAs(), Timeout: 5 * time.Second})
	}
	w := fastWorker
	return apitest.NewWith(t, apitest.Options{MailWorker: &w, Config: cfg, Log: log})
}

type deliveryDoc struct {
	MailSink   bool       `json:"mail_sink"`
	Deliveries []delivery `json:"deliveries"`
}

type delivery struct {
	Channel       string     `json:"channel"`
	Recipient     string     `json:"recipient"`
	Subject       string     `json:"subject"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
}

// count counts the deliveries on channel whose subject holds subject and
// whose status is status.
func (d deliveryDoc) count(channel, subject, status string) int {
	n := 0
	for _, x := range d.Deliveries {
		if x.Channel == channel && strings.Contains(x.Subject, subject) && x.Status == status {
			n++
		}
	}
	return n
}

// only is the one delivery whose subject holds subject.
func (d deliveryDoc) only(t *testing.T, subject string) delivery {
	t.Helper()
	var out []delivery
	for _, x := range d.Deliveries {
		if strings.Contains(x.Subject, subject) {
			out = append(out, x)
		}
	}
	if len(out) != 1 {
		t.Fatalf("deliveries about %q: %+v", subject, d.Deliveries)
	}
	return out[0]
}

// waitDeliveries polls the team's deliveries until ok holds.
func waitDeliveries(t *testing.T, e *apitest.Env, cred apitest.Cred, what string, ok func(deliveryDoc) bool) deliveryDoc {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var d deliveryDoc
		e.Must(200, "GET", "/api/v1/teams/ml/alerts/deliveries", nil, cred).JSON(t, &d)
		if ok(d) {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: deliveries %+v", what, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// endRun logs a run named name and ends it in state.
func endRun(t *testing.T, e *apitest.Env, cred apitest.Cred, name, state string) {
	t.Helper()
	run := e.Must(201, "POST", "/api/v1/teams/ml/projects/p1/runs", map[string]any{"name": name}, cred).Map(t)
	e.Must(200, "PATCH", "/api/v1/teams/ml/projects/p1/runs/"+run["id"].(string), map[string]any{"state": state}, cred)
}

// T9: a finished run mails its author and posts to the team's webhook; a
// crashed one posts only, as the team chose; the webhook's secret URL is
// in no log.
func TestRunAlertsAreDelivered(t *testing.T) {
	smtp := mailtest.Start(t, mailtest.Options{})
	h := startReceiver(t)
	var log syncBuffer
	e := alertEnv(t, smtp, h, &log)
	admin := signupNamed(e, "ada", "Ada Lovelace")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "display_name": "ML Research", "storage": map[string]string{"type": "default"}}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]any{"name": "p1"}, admin.Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"alerts": map[string]any{"email_on_finish": true, "webhook_url": h.url()}}, admin.Key)

	endRun(t, e, admin.Key, "resnet-50", "finished")
	got := smtp.Wait(1, 10*time.Second)
	if len(got) != 1 || got[0].To[0] != "ada@example.com" || !strings.Contains(got[0].Subject, "resnet-50 finished") ||
		!strings.Contains(got[0].Text, "ML Research / p1") {
		t.Fatalf("alert mail: %v", got)
	}
	d := waitDeliveries(t, e, admin.Key, "mail and post sent", func(d deliveryDoc) bool {
		return len(d.Deliveries) == 2 && d.count("email", "resnet-50 finished", "sent") == 1 && d.count("webhook", "resnet-50 finished", "sent") == 1
	})
	if !d.MailSink {
		t.Errorf("deliveries say no mail sink")
	}
	if texts := h.texts(); len(texts) != 1 || !strings.Contains(texts[0], `"resnet-50"`) || !strings.Contains(texts[0], "finished") {
		t.Fatalf("webhook got %q", texts)
	}

	endRun(t, e, admin.Key, "bert-base", "crashed")
	waitDeliveries(t, e, admin.Key, "crash posted", func(d deliveryDoc) bool {
		return len(d.Deliveries) == 3 && d.count("webhook", "bert-base crashed", "sent") == 1
	})
	if texts := h.texts(); len(texts) != 2 || !strings.Contains(texts[1], "crashed") {
		t.Fatalf("webhook got %q", texts)
	}
	if n := len(smtp.Received()); n != 1 {
		t.Fatalf("%d mails; a crash must not mail when only email_on_finish is on", n)
	}

	if strings.Contains(log.String(), "SECRETHOOKTOKEN") {
		t.Fatalf("the server log shows the webhook URL:\n%s", log.String())
	}
}

// T9: a receiver that is down loses nothing: the post is retried with
// backoff, its failure shows in the team's deliveries without the URL, and
// it arrives once when the receiver is back. A post whose webhook was
// removed before it went out is given up on, not sent. A member cannot
// read the deliveries.
func TestWebhookRetriesUntilTheReceiverIsBack(t *testing.T) {
	h := startReceiver(t)
	e := alertEnv(t, nil, h, nil)
	admin := e.MustSignup("ada")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, admin.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]any{"name": "p1"}, admin.Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"alerts": map[string]any{"email_on_finish": true, "webhook_url": h.url()}}, admin.Key)

	h.status.Store(503)
	endRun(t, e, admin.Key, "r1", "finished")
	d := waitDeliveries(t, e, admin.Key, "a failed attempt", func(d deliveryDoc) bool {
		return len(d.Deliveries) == 1 && d.Deliveries[0].Attempts == 1
	})
	if d.MailSink {
		t.Errorf("deliveries claim a mail sink")
	}
	f := d.only(t, "r1 finished")
	if f.Status != "failed" || f.NextAttemptAt == nil || !strings.Contains(f.LastError, "503") || strings.Contains(f.LastError, "SECRET") {
		t.Fatalf("failed delivery %+v, want failed with a retry and the status, not the URL", f)
	}
	h.status.Store(200)
	e.Clock.Advance(2 * time.Minute)
	e.App.WakeMailer()
	waitDeliveries(t, e, admin.Key, "the retry", func(d deliveryDoc) bool { return d.count("webhook", "r1 finished", "sent") == 1 })
	if texts := h.texts(); len(texts) != 1 || !strings.Contains(texts[0], `"r1"`) {
		t.Fatalf("webhook got %q, want r1 once", texts)
	}

	h.status.Store(503)
	endRun(t, e, admin.Key, "r2", "finished")
	waitDeliveries(t, e, admin.Key, "r2 failed once", func(d deliveryDoc) bool {
		return len(d.Deliveries) == 2 && d.only(t, "r2 finished").Attempts == 1
	})
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"alerts": map[string]any{"webhook_url": ""}}, admin.Key)
	h.status.Store(200)
	tries := h.tries.Load()
	e.Clock.Advance(2 * time.Minute)
	e.App.WakeMailer()
	d = waitDeliveries(t, e, admin.Key, "r2 given up", func(d deliveryDoc) bool { return d.only(t, "r2 finished").Attempts == 2 })
	if g := d.only(t, "r2 finished"); g.Status != "failed" || g.NextAttemptAt != nil || !strings.Contains(g.LastError, "webhook was removed") {
		t.Fatalf("post after the webhook was removed: %+v, want given up", g)
	}
	if h.tries.Load() != tries {
		t.Fatalf("the removed webhook was called")
	}

	bob := e.MustUser(admin.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]any{"username": "bob", "role": "member"}, admin.Key)
	wantProblem(t, e.Do("GET", "/api/v1/teams/ml/alerts/deliveries", nil, bob.Key), 403, "missing_permission")
}
