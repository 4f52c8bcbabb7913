package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"roster/internal/mail"
	"roster/internal/mail/mailtest"
)

func TestParseSink(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want mail.Sink
		ok   bool
	}{
		{"smtp://mail.example.com:587", mail.Sink{Host: "mail.example.com", Port: 587}, true},
		{"smtp://mail.example.com", mail.Sink{Host: "mail.example.com", Port: 25}, true},
		{"smtps://u%40x:p%3Ass@mail.example.com", mail.Sink{Host: "mail.example.com", Port: 465, Implicit: true, Username: "u@x", Password: "p:ss"}, true},
		{"http://mail.example.com", mail.Sink{}, false},
		{"smtp://", mail.Sink{}, false},
		{"smtp://host:99999", mail.Sink{}, false},
		{"smtp://host:25/path", mail.Sink{}, false},
		{"mail.example.com:25", mail.Sink{}, false},
	} {
		got, err := mail.ParseSink(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSink(%q) = %+v, %v", tc.in, got, err)
		}
		if err != nil && strings.Contains(err.Error(), "p:ss") {
			t.Errorf("error shows the password: %v", err)
		}
	}
	k, _ := mail.ParseSink("smtp://me:secret@h:25")
	if s := k.String(); strings.Contains(s, "secret") || !strings.Contains(s, "me:") {
		t.Errorf("String() = %q", s)
	}
}

func TestInviteTemplate(t *testing.T) {
	m, err := mail.MustTemplates().Invite("bob@example.com", mail.InviteData{Inviter: "Alice <script>", Org: "Acme & Co",
		Role: "member", URL: "https://roster.example.com/invite/abc123", ExpiresAt: time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if m.To != "bob@example.com" || m.Subject != "Alice <script> invited you to join Acme & Co on Roster" {
		t.Fatalf("to %q subject %q", m.To, m.Subject)
	}
	for _, want := range []string{"Alice <script> invited you to join Acme & Co on Roster as member.", "https://roster.example.com/invite/abc123", "2 January 2030"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	for _, want := range []string{"Alice &lt;script&gt;", "Acme &amp; Co", `href="https://roster.example.com/invite/abc123"`} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("html lacks %q:\n%s", want, m.HTML)
		}
	}
	if strings.Contains(m.HTML, "<script>") {
		t.Errorf("html is not escaped:\n%s", m.HTML)
	}
}

func testMessage() mail.Message {
	return mail.Message{To: "bob@example.com", Subject: "Grüße", Text: "hello bob\n", HTML: "<p>hello bob</p>"}
}

func TestSMTPStartTLSAndAuth(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{StartTLS: true, Username: "roster", Password: "s3cret"})
	sink, err := mail.ParseSink(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := mail.NewSMTP(sink, "Roster <roster@example.com>", mail.SMTPOptions{RootCAs: srv.RootCAs()})
	reply, err := c.Send(t.Context(), testMessage())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(reply, "2") {
		t.Errorf("server reply %q", reply)
	}
	got := srv.Wait(1, 5*time.Second)[0]
	if !got.TLS || got.AuthUser != "roster" || got.From != "roster@example.com" || len(got.To) != 1 || got.To[0] != "bob@example.com" {
		t.Fatalf("received %v tls=%v auth=%q", got, got.TLS, got.AuthUser)
	}
	if got.Subject != "Grüße" || got.Text != "hello bob\n" || got.HTML != "<p>hello bob</p>" || got.Header.Get("From") != `"Roster" <roster@example.com>` {
		t.Fatalf("received subject %q text %q html %q from %q", got.Subject, got.Text, got.HTML, got.Header.Get("From"))
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{Implicit: true, Username: "roster", Password: "pw"})
	sink, _ := mail.ParseSink(srv.URL())
	if !sink.Implicit {
		t.Fatalf("sink %v is not smtps", sink)
	}
	if _, err := mail.NewSMTP(sink, "roster@example.com", mail.SMTPOptions{RootCAs: srv.RootCAs()}).Send(t.Context(), testMessage()); err != nil {
		t.Fatal(err)
	}
	if got := srv.Wait(1, 5*time.Second)[0]; !got.TLS || got.AuthUser != "roster" {
		t.Fatalf("tls=%v auth=%q", got.TLS, got.AuthUser)
	}
}

func TestSMTPFailures(t *testing.T) {
	tlsSrv := mailtest.Start(t, mailtest.Options{StartTLS: true, Username: "roster", Password: "pw"})
	refusing := mailtest.Start(t, mailtest.Options{})
	refusing.Refuse(550, "mailbox unavailable")
	down := mailtest.Start(t, mailtest.Options{})
	down.Stop()
	sinkOf := func(u string) mail.Sink {
		k, err := mail.ParseSink(u)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	wrongPassword := sinkOf(tlsSrv.URL())
	wrongPassword.Password = "nope"
	for _, tc := range []struct {
		name string
		c    *mail.SMTP
		want string
	}{
		{"untrusted certificate", mail.NewSMTP(sinkOf(tlsSrv.URL()), "r@example.com", mail.SMTPOptions{}), "certificate"},
		{"wrong password", mail.NewSMTP(wrongPassword, "r@example.com", mail.SMTPOptions{RootCAs: tlsSrv.RootCAs()}), "535"},
		{"refused", mail.NewSMTP(sinkOf(refusing.URL()), "r@example.com", mail.SMTPOptions{}), "550"},
		{"down", mail.NewSMTP(sinkOf(down.URL()), "r@example.com", mail.SMTPOptions{Timeout: 2 * time.Second}), "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			_, err := tc.c.Send(ctx, testMessage())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Send: %v; want an error mentioning %q", err, tc.want)
			}
		})
	}
	if n := len(tlsSrv.Received()) + len(refusing.Received()); n != 0 {
		t.Fatalf("%d messages got through", n)
	}
}
