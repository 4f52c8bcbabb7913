package app

import (
	"context"
	"fmt"
	"time"

	"roster"
	"roster/internal/mail"
	"roster/internal/store"
)

// Mailer delivers one rendered mail and returns the SMTP server's final
// reply; *mail.SMTP is one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) (string, error)
}

// DeliveryManual is an invite's delivery state when no mail sink is
// configured: the admin passes the link on by hand (E1).
const DeliveryManual = "manual"

// InviteState is a pending invite and how far its mail got (E2).
type InviteState struct {
	ExpiresAt     time.Time
	Delivery      string // queued, sent, failed or canceled; manual without a mail sink
	DeliveryError string // why the last attempt failed
	Attempts      int
	NextAttemptAt time.Time // zero when no attempt is due
	SentAt        time.Time
}

// inviteState combines an invite with its newest mail, if any.
func inviteState(inv *roster.Invite, m *roster.OutboxMail) *InviteState {
	st := &InviteState{ExpiresAt: inv.ExpiresAt, Delivery: DeliveryManual}
	if m != nil {
		st.Delivery, st.DeliveryError, st.Attempts = string(m.Status), m.LastError, m.Attempts
		st.NextAttemptAt, st.SentAt = m.NextAttemptAt, m.SentAt
	}
	return st
}

// inviteStates returns the pending invite state of each invited user.
func inviteStates(ctx context.Context, tx *store.Tx, users []*roster.User) (map[string]*InviteState, error) {
	var ids []string
	for _, u := range users {
		if u.Status == roster.StatusInvited {
			ids = append(ids, u.ID)
		}
	}
	out := map[string]*InviteState{}
	if len(ids) == 0 {
		return out, nil
	}
	invs, err := tx.PendingInvites(ctx, ids)
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, inv := range invs {
		refs = append(refs, inv.ID)
	}
	mails, err := tx.MailByRef(ctx, refs)
	if err != nil {
		return nil, err
	}
	for uid, inv := range invs {
		out[uid] = inviteState(inv, mails[inv.ID])
	}
	return out, nil
}

// InviteStatus shows admins a user's pending invite and its delivery; nil
// when the user has none.
func (s *Service) InviteStatus(ctx context.Context, a roster.Actor, userID string) (*InviteState, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var st *InviteState
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		states, err := inviteStates(ctx, tx, []*roster.User{u})
		st = states[u.ID]
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("invite status: %w", err)
	}
	return st, nil
}

// queueInviteMail renders the invite mail for u and, with a mail sink,
// puts it in the outbox in tx; without one it is logged after commit.
func (s *Service) queueInviteMail(ctx context.Context, tx *store.Tx, a roster.Actor, inv *roster.Invite, res *InviteResult) error {
	org, err := tx.OrgName(ctx, inv.OrgID)
	if err != nil {
		return err
	}
	msg, err := s.templates.Invite(inv.Email, mail.InviteData{Inviter: inviterName(a), Org: org,
		Role: string(inv.Role), URL: res.URL, ExpiresAt: inv.ExpiresAt})
	if err != nil {
		return err
	}
	res.mail = &msg
	if !s.cfg.MailSink {
		res.State = inviteState(inv, nil)
		return nil
	}
	m := &roster.OutboxMail{ID: roster.NewID("mail"), OrgID: inv.OrgID, Kind: string(mail.KindInvite), Ref: inv.ID,
		To: msg.To, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML}
	if err := tx.EnqueueMail(ctx, m); err != nil {
		return err
	}
	res.State = inviteState(inv, m)
	return nil
}

// afterInvite runs once an invite committed: it wakes the mail worker, or
// without a mail sink logs the mail (E1).
func (s *Service) afterInvite(res *InviteResult) {
	if s.cfg.MailSink {
		s.WakeMailer()
		return
	}
	if res.mail != nil {
		s.log.Info("no mail sink configured (GORILLA_EMAIL_SINK): not sending this mail; pass the invite link on by hand",
			"to", res.mail.To, "subject", res.mail.Subject, "text", res.mail.Text)
	}
}

// inviterName is how an invite mail names who sent it.
func inviterName(a roster.Actor) string {
	switch {
	case a.User == nil:
		return "An administrator"
	case a.User.Name != "":
		return a.User.Name
	}
	return display(a.User)
}

// MailSettings is the mail configuration as admins see it.
type MailSettings struct {
	Configured bool
	Sink       string // the sink URL with its password hidden
	From       string
}

// MailSettings shows admins where mail goes.
func (s *Service) MailSettings(_ context.Context, a roster.Actor) (*MailSettings, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	return &MailSettings{Configured: s.cfg.Mailer != nil, Sink: s.cfg.MailSinkURL, From: s.cfg.MailFrom}, nil
}

// TestMailResult is what the SMTP server made of a test mail.
type TestMailResult struct {
	Sent  bool
	Reply string // the server's answer when it accepted the mail
	Error string // why sending failed
}

// SendTestMail sends a test mail at once, outside the outbox, and reports
// the SMTP server's answer. Sending changes nothing, so nothing is audited.
func (s *Service) SendTestMail(ctx context.Context, a roster.Actor, to string) (*TestMailResult, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	to, err := roster.NormalizeEmail(to)
	if err != nil {
		return nil, err
	}
	if s.cfg.Mailer == nil {
		return nil, roster.ReasonErrorf(roster.EConflict, "no_mail_sink",
			"no mail sink is configured; set GORILLA_EMAIL_SINK and GORILLA_EMAIL_FROM_ADDRESS and restart roster")
	}
	var org string
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		org, err = tx.OrgName(ctx, orgID(a))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("send test mail: %w", err)
	}
	msg, err := s.templates.Test(to, mail.TestData{Requester: inviterName(a), Org: org, Sent: s.db.Now()})
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	reply, err := s.cfg.Mailer.Send(sctx, msg)
	if err != nil {
		s.log.Warn("test mail failed", "to", to, "err", err)
		return &TestMailResult{Error: err.Error()}, nil
	}
	return &TestMailResult{Sent: true, Reply: reply}, nil
}
