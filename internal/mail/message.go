// Package mail renders Roster's mails from embedded templates and sends
// them over SMTP (E1-E3). The durable outbox lives in the database; the app
// package drives it.
package mail

// Kind names a kind of mail; each has its templates.
type Kind string

// Kinds of mail.
const (
	KindInvite   Kind = "invite"
	KindTest     Kind = "test"
	KindRunAlert Kind = "run_alert" // a run finished or crashed (T9)
	// KindWebhook is an outbox entry posted to a team's webhook rather than
	// mailed; it has no templates.
	KindWebhook Kind = "webhook"
)

// Message is one rendered mail to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string // plain-text part
	HTML    string // HTML alternative
}
