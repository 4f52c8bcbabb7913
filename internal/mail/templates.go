package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed templates
var templateFS embed.FS

// Templates renders every kind of mail. Each kind has KIND.txt, which
// defines "subject" and "text", and KIND.html, which defines "body" inside
// the shared layout.
type Templates struct {
	text map[Kind]*texttemplate.Template
	html map[Kind]*htmltemplate.Template
}

// NewTemplates parses the embedded templates.
func NewTemplates() (*Templates, error) {
	t := &Templates{text: map[Kind]*texttemplate.Template{}, html: map[Kind]*htmltemplate.Template{}}
	funcs := map[string]any{"date": func(tm time.Time) string { return tm.UTC().Format("2 January 2006 15:04 MST") }}
	for _, k := range []Kind{KindInvite, KindTest, KindRunAlert} {
		tt, err := texttemplate.New(string(k)).Funcs(funcs).ParseFS(templateFS, "templates/"+string(k)+".txt")
		if err != nil {
			return nil, fmt.Errorf("parse %s text template: %w", k, err)
		}
		ht, err := htmltemplate.New(string(k)).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+string(k)+".html")
		if err != nil {
			return nil, fmt.Errorf("parse %s html template: %w", k, err)
		}
		t.text[k], t.html[k] = tt, ht
	}
	return t, nil
}

// MustTemplates parses the embedded templates and panics if they are
// broken, which only a defective build can cause.
func MustTemplates() *Templates {
	t, err := NewTemplates()
	if err != nil {
		panic(err)
	}
	return t
}

// InviteData fills the invite mail (E3).
type InviteData struct {
	Inviter   string // who sent the invite
	Org       string // the organization's name
	Role      string
	URL       string // the link that accepts the invite
	ExpiresAt time.Time
}

// Invite renders the invite mail to to.
func (t *Templates) Invite(to string, d InviteData) (Message, error) {
	return t.render(KindInvite, to, d)
}

// TestData fills the test mail an admin sends from the settings.
type TestData struct {
	Requester string
	Org       string
	Sent      time.Time
}

// Test renders the test mail to to.
func (t *Templates) Test(to string, d TestData) (Message, error) {
	return t.render(KindTest, to, d)
}

// RunAlertData fills the mail to a run's author when it finishes or
// crashes (T9).
type RunAlertData struct {
	Team    string // the team's display name
	Project string
	Run     string // the run's name
	RunID   string
	State   string // "finished" or "crashed"
	At      time.Time
}

// RunAlert renders the alert mail to to.
func (t *Templates) RunAlert(to string, d RunAlertData) (Message, error) {
	return t.render(KindRunAlert, to, d)
}

// RunAlertText is the one-line message a team's webhook receives for the
// same event.
func RunAlertText(d RunAlertData) string {
	return fmt.Sprintf("Run %q (%s) in %s / %s %s at %s.", d.Run, d.RunID, d.Team, d.Project, d.State,
		d.At.UTC().Format(time.RFC3339))
}

func (t *Templates) render(k Kind, to string, data any) (Message, error) {
	tt, ht := t.text[k], t.html[k]
	if tt == nil || ht == nil {
		return Message{}, fmt.Errorf("no templates for mail kind %q", k)
	}
	var subject, text, html bytes.Buffer
	if err := tt.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Message{}, fmt.Errorf("render %s subject: %w", k, err)
	}
	if err := tt.ExecuteTemplate(&text, "text", data); err != nil {
		return Message{}, fmt.Errorf("render %s text: %w", k, err)
	}
	if err := ht.ExecuteTemplate(&html, "layout", data); err != nil {
		return Message{}, fmt.Errorf("render %s html: %w", k, err)
	}
	// A subject is one header line: fold whatever a name smuggled in.
	subj := strings.Join(strings.Fields(subject.String()), " ")
	return Message{To: to, Subject: subj, Text: strings.TrimSpace(text.String()) + "\n", HTML: html.String()}, nil
}
