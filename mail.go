package roster

import "time"

// MailStatus is where a mail in the outbox stands (E2).
type MailStatus string

// Mail statuses.
const (
	MailQueued   MailStatus = "queued"   // waiting for its first attempt
	MailSent     MailStatus = "sent"     // the SMTP server accepted it
	MailFailed   MailStatus = "failed"   // the last attempt failed; retried while NextAttemptAt is set
	MailCanceled MailStatus = "canceled" // no longer wanted: its invite was resent, revoked or accepted
)

// MaxMailAttempts bounds automatic delivery attempts of one mail.
const MaxMailAttempts = 10

// OutboxMail is one mail in the durable outbox: written in the same
// transaction as the change it tells about, sent after commit.
type OutboxMail struct {
	ID            string
	OrgID         string
	Kind          string // which template made it, such as "invite"
	Ref           string // what it is about, such as an invite id
	To            string
	Subject       string
	Text          string // erased once the mail is settled
	HTML          string // erased once the mail is settled
	Status        MailStatus
	Attempts      int
	LastError     string // why the last attempt failed
	Reply         string // the SMTP server's answer when it accepted the mail
	CreatedAt     time.Time
	NextAttemptAt time.Time // zero when no attempt is due: sent, canceled or given up
	SentAt        time.Time
}
