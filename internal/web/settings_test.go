package web_test

import (
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/license"
	"roster/internal/mail"
	"roster/internal/mail/mailtest"
)

// TestSettingsShowLicenseAndSendTestEmail: with a license and a mail sink
// configured, the organization settings show the license and the seats,
// and "Send test email" reaches the SMTP server (U1, O14, E1).
func TestSettingsShowLicenseAndSendTestEmail(t *testing.T) {
	pub, priv, err := license.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := license.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := license.Issue(license.License{Licensee: "Acme Labs", Seats: 5, Features: []license.Feature{"sso", "scim"},
		Expires: time.Now().AddDate(1, 0, 0).Format(license.DateLayout), IssuedAt: time.Now()}, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := mailtest.Start(t, mailtest.Options{StartTLS: true})
	sink, err := mail.ParseSink(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	smtp := mail.NewSMTP(sink, "roster@example.com", mail.SMTPOptions{RootCAs: srv.RootCAs(), Timeout: 5 * time.Second})
	env := apitest.NewWith(t, apitest.Options{Config: app.Config{License: doc, LicenseKey: pub, Mailer: smtp,
		MailSinkURL: sink.String(), MailFrom: "roster@example.com"}})
	f := &fixture{env: env, ada: env.MustSignup("ada")}

	body := read(t, f.request(t, "GET", "/org/settings", nil, nil).Body)
	for _, want := range []string{"Licensed to Acme Labs", "sso, scim", "1 of 5"} {
		if !strings.Contains(body, want) {
			t.Errorf("settings page lacks %q", want)
		}
	}
	resp := f.request(t, "POST", "/org/settings/test-email", url.Values{"csrf": {f.csrf(t)}}, map[string]string{"HX-Request": "true"})
	if body := read(t, resp.Body); resp.StatusCode != 200 || !strings.Contains(body, "A test email is on its way to ada@example.com") {
		t.Fatalf("test email: %d %s", resp.StatusCode, body)
	}
	if got := srv.Wait(1, 5*time.Second); len(got) != 1 || got[0].To[0] != "ada@example.com" {
		t.Fatalf("mails received: %+v", got)
	}
}

func read(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
