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

// Delivery states of an invite without a mail sink.
const (
	// DeliveryManual: an organization admin was shown the link to pass on
	// by hand (E1).
	DeliveryManual = "manual"
	// DeliveryAwaitingAdmin: someone else invited, so no link exists until
	// an organization admin resends the invite (H2).
	DeliveryAwaitingAdmin = "awaiting_admin"
)

// InviteState is a pending invite and how far its mail got (E2).
type InviteState struct {
	ExpiresAt     time.Time
	Delivery      string // queued, sent, failed or canceled; manual or awaiting_admin without a mail sink
	DeliveryError string // why the last attempt failed
	Attempts      int
	NextAttemptAt time.Time // zero when no attempt is due
	SentAt        time.Time
}

// inviteState combines an invite with its newest mail, if any.
func inviteState(inv *roster.Invite, m *roster.OutboxMail) *InviteState {
	st := &InviteState{ExpiresAt: inv.ExpiresAt, Delivery: DeliveryManual}
	if inv.AwaitingAdmin {
		st.Delivery = DeliveryAwaitingAdmin
	}
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

// LastMailAttempt shows admins the newest mail that was tried and how it
// went, so that a mail server that refuses everything is not shown as
// merely "configured"; nil when no mail was tried yet.
func (s *Service) LastMailAttempt(ctx context.Context, a roster.Actor) (*roster.OutboxMail, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var m *roster.OutboxMail
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		m, err = tx.LastAttemptedMail(ctx, orgID(a))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("last mail attempt: %w", err)
	}
	return m, nil
}

// InviteStatus shows admins a user's pending invite and its delivery; nil
// when the user has none.
func (s *Service) InviteStatus(ctx context.Context, a roster.Actor, userID string) (*InviteState, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var st *InviteState
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := tx.UserByID(ctx, orgID(a), userID)
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

// queueInviteMail puts the invite's mail in the outbox in tx when a mail
// sink is configured. The row names the invite and keeps no body: the
// worker mints the link and renders the mail when it sends, so no usable
// token waits in the database (M5).
func (s *Service) queueInviteMail(ctx context.Context, tx *store.Tx, inv *roster.Invite, res *InviteResult) error {
	if !s.cfg.MailSink {
		res.State = inviteState(inv, nil)
		return nil
	}
	msg, err := s.renderInviteMail(ctx, tx, inv, "")
	if err != nil {
		return err
	}
	m := &roster.OutboxMail{ID: roster.NewID("mail"), OrgID: inv.OrgID, Kind: string(mail.KindInvite), Ref: inv.ID,
		To: msg.To, Subject: msg.Subject}
	if err := tx.EnqueueMail(ctx, m); err != nil {
		return err
	}
	res.State = inviteState(inv, m)
	return nil
}

// renderInviteMail renders the mail of inv carrying url; it names the
// inviter as they are named now.
func (s *Service) renderInviteMail(ctx context.Context, tx *store.Tx, inv *roster.Invite, url string) (mail.Message, error) {
	org, err := tx.OrgName(ctx, inv.OrgID)
	if err != nil {
		return mail.Message{}, err
	}
	var inviter *roster.User
	if inv.InviterID != "" {
		if inviter, err = tx.UserByID(ctx, inv.OrgID, inv.InviterID); err != nil && !roster.IsNotFound(err) {
			return mail.Message{}, err
		}
	}
	return s.templates.Invite(inv.Email, mail.InviteData{Inviter: inviterName(roster.Actor{User: inviter}), Org: org,
		Role: string(inv.Role), URL: url, ExpiresAt: inv.ExpiresAt})
}

// afterInvite runs once an invite committed: it wakes the mail worker, or
// without a mail sink logs that there is no mail, never the link (E1, M5).
func (s *Service) afterInvite(res *InviteResult) {
	if s.cfg.MailSink {
		s.WakeMailer()
		return
	}
	if res.User == nil || res.Invite == nil {
		return
	}
	if res.AwaitingAdmin() {
		s.log.Info("no mail sink configured (GORILLA_EMAIL_SINK): invite waits for an organization admin to resend it from the dashboard",
			"to", res.User.Email, "invite", res.Invite.ID)
		return
	}
	s.log.Info("no mail sink configured (GORILLA_EMAIL_SINK): not sending this mail; invite link shown in the dashboard",
		"to", res.User.Email, "invite", res.Invite.ID)
}

// NoticeInviteAwaitingAdmin tells whoever invited without being an
// organization admin, while no mail sink is configured, why no link came.
const NoticeInviteAwaitingAdmin = "No mail server is configured, so no invite link was created: " +
	"the invite waits for an organization admin, who can send the link with \"Resend invite\" in the organization dashboard."

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
		return nil, roster.ReasonErrorf(roster.EConflict, roster.ReasonNoMailSink,
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
