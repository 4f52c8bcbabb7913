package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"roster"
	"roster/internal/auth"
	"roster/internal/mail"
	"roster/internal/store"
)

// MailWorkerOptions tune the outbox worker; zero values take defaults.
type MailWorkerOptions struct {
	Poll        time.Duration // how often to look for due mail between wake-ups (5s)
	Lease       time.Duration // how long a claim keeps other workers off a mail (2m)
	SendTimeout time.Duration // bound of one delivery attempt (1m); keep it below Lease
	Backoff     time.Duration // delay before the first retry, doubling after each failure (30s)
	MaxBackoff  time.Duration // longest delay between retries (1h)
	MaxAttempts int           // attempts before giving up (roster.MaxMailAttempts)
	Batch       int           // mails claimed at once (10)
}

func (o MailWorkerOptions) withDefaults() MailWorkerOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Poll, 5*time.Second)
	def(&o.Lease, 2*time.Minute)
	def(&o.SendTimeout, time.Minute)
	def(&o.Backoff, 30*time.Second)
	def(&o.MaxBackoff, time.Hour)
	// A lease shorter than an attempt would let another worker send the
	// same mail while the first is still at it.
	o.Lease = max(o.Lease, 2*o.SendTimeout)
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = roster.MaxMailAttempts
	}
	if o.Batch <= 0 {
		o.Batch = 10
	}
	return o
}

// WakeMailer tells the outbox worker that mail or a webhook post is due, so it sends at once
// instead of at its next poll.
func (s *Service) WakeMailer() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// RunMailWorker delivers the outbox until ctx ends (E2, T9): mails through
// the Mailer and team alerts to webhooks, after each wake-up and every
// Poll. Entries are claimed with a lease, so several workers, in one
// process or many, never send the same one at once; an entry whose worker
// died is picked up again when its lease runs out. Without a Mailer it
// delivers webhook posts only.
func (s *Service) RunMailWorker(ctx context.Context, opt MailWorkerOptions) {
	opt = opt.withDefaults()
	owner := roster.NewID("mw")
	t := time.NewTicker(opt.Poll)
	defer t.Stop()
	for {
		for n := opt.Batch; n == opt.Batch && ctx.Err() == nil; {
			n = s.sendDueMail(ctx, owner, opt)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// sendDueMail claims one batch of due mail, sends it and records each
// outcome; it returns how many mails it claimed.
func (s *Service) sendDueMail(ctx context.Context, owner string, opt MailWorkerOptions) int {
	var claimed []*roster.OutboxMail
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		var kinds []string
		if s.cfg.Mailer == nil {
			kinds = []string{string(mail.KindWebhook)}
		}
		claimed, err = tx.ClaimMail(ctx, owner, opt.Lease, opt.Batch, kinds...)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("claim due mail", "err", err)
		}
		return 0
	}
	for i, m := range claimed {
		if ctx.Err() != nil {
			s.releaseMail(claimed[i:], owner)
			break
		}
		s.deliver(ctx, m, owner, opt)
	}
	return len(claimed)
}

// deliver makes one attempt at m and records how it went. The attempt and
// its record outlive ctx's end, so shutting down does not cut a mail off
// mid-way.
func (s *Service) deliver(ctx context.Context, m *roster.OutboxMail, owner string, opt MailWorkerOptions) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opt.SendTimeout)
	defer cancel()
	reply, sendErr := s.send(sctx, m)
	var held bool
	err := s.db.Tx(sctx, func(tx *store.Tx) error {
		var err error
		if sendErr == nil {
			held, err = tx.MarkMailSent(sctx, m.ID, owner, reply)
			return err
		}
		var next time.Time
		if m.Attempts+1 < opt.MaxAttempts && !errors.Is(sendErr, errInviteClosed) && !errors.Is(sendErr, errAlertClosed) {
			next = tx.Now().Add(backoff(m.Attempts+1, opt))
		}
		held, err = tx.MarkMailFailed(sctx, m.ID, owner, sendErr.Error(), next)
		return err
	})
	switch {
	case err != nil:
		s.log.Error("record mail delivery", "mail", m.ID, "sent", sendErr == nil, "err", err)
	case !held:
		s.log.Warn("mail lease ran out during delivery; another worker may send it again", "mail", m.ID)
	case sendErr != nil:
		s.log.Warn("mail delivery failed", "mail", m.ID, "kind", m.Kind, "to", m.To, "attempt", m.Attempts+1, "err", sendErr)
	default:
		s.log.Info("mail sent", "mail", m.ID, "kind", m.Kind, "to", m.To, "reply", reply)
	}
}

// send makes one attempt at delivering m: a post to the team's webhook, or
// a mail.
func (s *Service) send(ctx context.Context, m *roster.OutboxMail) (string, error) {
	if m.Kind == string(mail.KindWebhook) {
		return s.sendWebhook(ctx, m)
	}
	msg, err := s.mailToSend(ctx, m)
	if err != nil {
		return "", err
	}
	return s.cfg.Mailer.Send(ctx, msg)
}

// errInviteClosed fails an invite mail for good: its invite was accepted,
// revoked or expired before the mail went out.
var errInviteClosed = errors.New("the invite was accepted, withdrawn or expired before its mail went out; resend it if still wanted")

// mailToSend is the mail to deliver for m. An invite mail gets its link
// only now: a fresh token whose hash replaces the invite's, so the link
// lives only in the mail on its way and a failed attempt leaves no usable
// token behind (M5); a retry mints again.
func (s *Service) mailToSend(ctx context.Context, m *roster.OutboxMail) (mail.Message, error) {
	if m.Kind != string(mail.KindInvite) {
		return mail.Message{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML}, nil
	}
	var msg mail.Message
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		inv, err := tx.InviteByID(ctx, m.Ref)
		if roster.IsNotFound(err) {
			return errInviteClosed
		}
		if err != nil {
			return err
		}
		if !inv.Usable(tx.Now()) {
			return errInviteClosed
		}
		token, hash := auth.NewToken()
		if open, err := tx.SetInviteToken(ctx, inv.ID, hash); err != nil || !open {
			return cmp.Or(err, errInviteClosed)
		}
		msg, err = s.renderInviteMail(ctx, tx, inv, s.InviteURL(token))
		return err
	})
	if err != nil {
		return mail.Message{}, fmt.Errorf("prepare invite mail %s: %w", m.ID, err)
	}
	return msg, nil
}

// releaseMail gives claimed but unsent mails back at shutdown, so that
// another worker need not wait for their leases to run out.
func (s *Service) releaseMail(ms []*roster.OutboxMail, owner string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		for _, m := range ms {
			if err := tx.ReleaseMail(ctx, m.ID, owner); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.log.Warn("release claimed mail", "err", err)
	}
}

// backoff is the delay before retry number n (1 for the first), doubling
// each time up to MaxBackoff, with up to a tenth of jitter so that workers
// do not retry in step.
func backoff(n int, opt MailWorkerOptions) time.Duration {
	d := opt.Backoff
	for i := 1; i < n && d < opt.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, opt.MaxBackoff)
	return d + rand.N(d/10+1)
}
