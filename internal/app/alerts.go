package app

import (
	"context"
	"errors"
	"fmt"

	"roster"
	"roster/internal/mail"
	"roster/internal/store"
	"roster/internal/webhook"
)

// Alerts (T9) go through the outbox the invites use: the run's state change
// and its alerts commit together, the worker delivers them after commit with
// retries and backoff, and a receiver that is down loses nothing. Both kinds
// of entry name the team (ref = team id), so the team's settings can show
// how its alerts went.

// maxAlertDeliveries is how many recent deliveries the Alerts tab shows.
const maxAlertDeliveries = 20

// errAlertClosed fails a webhook entry for good: the team removed its
// webhook, or was archived, before the entry went out.
var errAlertClosed = errors.New("the team's webhook was removed, or the team archived, before this alert went out")

// queueRunAlerts puts the alerts of a run that just finished or crashed in
// the outbox in tx: a mail to its author when the team mails authors and a
// mail sink is configured, and a post to the team's webhook when it has one.
func (s *Service) queueRunAlerts(ctx context.Context, tx *store.Tx, pv *projectView, r *roster.Run) error {
	t, al := pv.team, pv.team.Alerts
	var state string
	var mailAuthor bool
	switch r.State {
	case roster.RunFinished:
		state, mailAuthor = "finished", al.EmailOnFinish
	case roster.RunCrashed:
		state, mailAuthor = "crashed", al.EmailOnCrash
	default:
		return nil
	}
	d := mail.RunAlertData{Team: t.DisplayName, Project: pv.project.Name, Run: r.Name, RunID: r.ID, State: state, At: r.FinishedAt}
	if mailAuthor && s.cfg.MailSink {
		if err := s.queueAuthorMail(ctx, tx, r, d); err != nil {
			return err
		}
	}
	if al.WebhookURL == "" {
		return nil
	}
	text := mail.RunAlertText(d)
	return tx.EnqueueMail(ctx, &roster.OutboxMail{ID: roster.NewID("mail"), OrgID: t.OrgID, Kind: string(mail.KindWebhook),
		Ref: t.ID, To: "team webhook", Subject: fmt.Sprintf("Run %s %s in %s / %s", r.Name, state, d.Team, d.Project), Text: text})
}

// queueAuthorMail mails the run's author, when it is an active person
// with an address (a service account has none).
func (s *Service) queueAuthorMail(ctx context.Context, tx *store.Tx, r *roster.Run, d mail.RunAlertData) error {
	author, err := tx.UserByID(ctx, r.OrgID, r.AuthorID)
	if roster.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if author.Email == "" || author.Status != roster.StatusActive {
		return nil
	}
	msg, err := s.templates.RunAlert(author.Email, d)
	if err != nil {
		return err
	}
	return tx.EnqueueMail(ctx, &roster.OutboxMail{ID: roster.NewID("mail"), OrgID: r.OrgID, Kind: string(mail.KindRunAlert),
		Ref: r.TeamID, To: msg.To, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML})
}

// sendWebhook posts a webhook entry to the team's webhook URL as it is now,
// so that a URL changed since the run ended is honoured and a removed one
// is not called. The URL never leaves this function: it is a secret.
func (s *Service) sendWebhook(ctx context.Context, m *roster.OutboxMail) (string, error) {
	var url string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, _, err := tx.TeamWithMember(ctx, m.OrgID, m.Ref, "")
		if roster.IsNotFound(err) {
			return errAlertClosed
		}
		if err != nil {
			return err
		}
		if t.Alerts.WebhookURL == "" || !t.ArchivedAt.IsZero() {
			return errAlertClosed
		}
		url = t.Alerts.WebhookURL
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("prepare webhook %s: %w", m.ID, err)
	}
	return s.webhooks.Send(ctx, url, webhook.Message{Text: m.Text})
}

// AlertDeliveries are a team's recent alert deliveries, newest first, and
// whether email alerts can be sent at all.
type AlertDeliveries struct {
	Deliveries []*roster.OutboxMail
	MailSink   bool // without one, email alerts are not sent
}

// AlertChannel names how an alert delivery reaches its recipient:
// "webhook" for a post to the team's webhook, "email" for a mail.
func AlertChannel(m *roster.OutboxMail) string {
	if m.Kind == string(mail.KindWebhook) {
		return "webhook"
	}
	return "email"
}

// TeamAlertDeliveries lists a team's recent alert mails and webhook posts
// for those who may change its alerts.
func (s *Service) TeamAlertDeliveries(ctx context.Context, a roster.Actor, ref string) (*AlertDeliveries, error) {
	out := &AlertDeliveries{MailSink: s.cfg.MailSink}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermTeamUpdateSettings); err != nil {
			return err
		}
		out.Deliveries, err = tx.MailAbout(ctx, v.team.ID, maxAlertDeliveries)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("alert deliveries of team %s: %w", truncate(ref, 64), err)
	}
	return out, nil
}
