package web_test

import (
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/auth/federation/fedtest"
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

// Issue 17: the settings page's Authentication card lists the JWT
// issuers, registers one (errors beside the field) and deletes it; the
// audit log records both.
func TestSettingsJWTIssuers(t *testing.T) {
	env := apitest.New(t)
	f := &fixture{env: env, ada: env.MustSignup("ada")}
	iss := fedtest.New(t)
	body := read(t, f.request(t, "GET", "/org/settings", nil, nil).Body)
	if !strings.Contains(body, "<h2>Authentication</h2>") || !strings.Contains(body, "No JWT issuer is set up") {
		t.Fatalf("settings page lacks the empty Authentication card")
	}
	hx := map[string]string{"HX-Request": "true"}
	resp := f.request(t, "POST", "/org/settings/jwt-issuers", url.Values{"csrf": {f.csrf(t)}, "issuer_url": {"http://idp.example.com"}}, hx)
	if body := read(t, resp.Body); resp.StatusCode != 400 || !strings.Contains(body, "must use https") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("bad issuer URL: %d %s", resp.StatusCode, body)
	}
	resp = f.request(t, "POST", "/org/settings/jwt-issuers", url.Values{"csrf": {f.csrf(t)}, "issuer_url": {iss.URL}}, hx)
	if body := read(t, resp.Body); resp.StatusCode != 200 || !strings.Contains(body, "<code>"+iss.URL+"</code>") || !strings.Contains(body, "registered") {
		t.Fatalf("register issuer: %d %s", resp.StatusCode, body)
	}
	var list struct {
		JWTIssuers []struct {
			ID string `json:"id"`
		} `json:"jwt_issuers"`
	}
	env.Must(200, "GET", "/api/v1/jwt-issuers", nil, f.ada.Key).JSON(t, &list)
	if len(list.JWTIssuers) != 1 {
		t.Fatalf("issuers after the form: %+v", list)
	}
	resp = f.request(t, "POST", "/org/settings/jwt-issuers/"+list.JWTIssuers[0].ID+"/delete", url.Values{"csrf": {f.csrf(t)}}, hx)
	if body := read(t, resp.Body); resp.StatusCode != 200 || !strings.Contains(body, "No JWT issuer is set up") {
		t.Errorf("delete issuer: %d %s", resp.StatusCode, body)
	}
	if env.AuditCount("organization:create_jwt_issuer") != 1 || env.AuditCount("organization:delete_jwt_issuer") != 1 {
		t.Errorf("issuer audit entries missing")
	}
}

// Under an instance license governing two organizations, the settings
// page says the seats are shared and how many are left, and the instance
// admin's organization list shows each organization's use and limit.
func TestSettingsShowSharedSeats(t *testing.T) {
	pub, priv, err := license.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := license.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(org string, seats int) string {
		doc, err := license.Issue(license.License{Licensee: "Acme Labs", Seats: seats, Organization: org,
			Expires: time.Now().AddDate(1, 0, 0).Format(license.DateLayout), IssuedAt: time.Now()}, key)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	env := apitest.NewWith(t, apitest.Options{Config: app.Config{License: issue("", 5) + "\n" + issue("corp-c", 7), LicenseKey: pub}})
	f := &fixture{env: env, ada: env.MustSignup("ada")}
	b := env.MustOrg("corp-b", "birch")
	env.MustUserIn(b, "bo", "member")
	env.MustOrg("corp-c", "cleo")

	body := read(t, f.request(t, "GET", "/org/settings", nil, nil).Body)
	if want := "1 of 5, shared with the other organizations of the instance license: 2 left"; !strings.Contains(body, want) {
		t.Errorf("settings page lacks %q", want)
	}
	body = read(t, f.request(t, "GET", "/instance/organizations", nil, nil).Body)
	for _, want := range []string{`<td data-label="Seats used">2 of 5 <span class="muted"`, `>(shared)</span>`,
		`<td data-label="Seats used">1 of 7 <span class="muted" title="This organization's own license">(own license)</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("organizations page lacks %q", want)
		}
	}
}
