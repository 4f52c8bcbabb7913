package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPOptions tune an SMTP sender; the zero value is fine.
type SMTPOptions struct {
	// RootCAs replaces the system's roots for verifying the server's
	// certificate; tests use it to trust their own. Nil verifies normally.
	RootCAs *x509.CertPool
	// Timeout bounds connecting and each SMTP command; 30s when zero.
	Timeout time.Duration
}

// SMTP sends mail through one SMTP server.
type SMTP struct {
	sink Sink
	from string
	opt  SMTPOptions
}

// NewSMTP returns a sender to sink with the envelope and header sender from.
func NewSMTP(sink Sink, from string, opt SMTPOptions) *SMTP {
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	return &SMTP{sink: sink, from: from, opt: opt}
}

// Sink is where this sender delivers.
func (c *SMTP) Sink() Sink { return c.sink }

// From is the sender address.
func (c *SMTP) From() string { return c.from }

// Send delivers m and returns the server's final reply.
func (c *SMTP) Send(ctx context.Context, m Message) (string, error) {
	msg := gomail.NewMsg()
	if err := msg.From(c.from); err != nil {
		return "", fmt.Errorf("sender %q: %w", c.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return "", fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	client, err := gomail.NewClient(c.sink.Host, c.options()...)
	if err != nil {
		return "", fmt.Errorf("smtp client for %s: %w", c.sink.Addr(), err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return "", fmt.Errorf("send mail via %s: %w", c.sink.Addr(), err)
	}
	return msg.ServerResponse(), nil
}

func (c *SMTP) options() []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(c.sink.Port),
		gomail.WithTimeout(c.opt.Timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: c.sink.Host, RootCAs: c.opt.RootCAs, MinVersion: tls.VersionTLS12}),
	}
	if c.sink.Implicit {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if c.sink.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.sink.Username), gomail.WithPassword(c.sink.Password))
	}
	return opts
}
