// Package app holds Roster's use cases. Every use case checks who may do
// it, owns its transaction and writes its audit entry in that transaction.
//
// Every state change goes through one transition per entity and change,
// which carries the change's authorization, invariants and audit entry:
// changeMembership (joins, role changes, departures: T3-T5, T7, H1),
// setOrgRole and setUserActive (O3, O10, O11, O13), removeUser (O9). Use
// cases for every edge (REST, web, SCIM, SSO, CLI) call them and never
// re-state a rule. Who may give what is the pure roster.TeamAccess.MayGrant.
//
// app uses *store.DB and *store.Tx directly rather than a Store interface:
// it is the store's only client, every test runs on a real engine, and a
// transaction callback typed by an interface would need an adapter for
// every method. Interfaces are declared only for what has several
// implementations or is slow in tests (Mailer). Sending mail is a use case
// that owns its transactions, so the outbox worker lives here
// (mailworker.go), and internal/mail stays free of the store.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"roster"
	"roster/internal/auth"
	"roster/internal/auth/federation"
	"roster/internal/mail"
	"roster/internal/store"
	"roster/internal/webhook"
)

// Config is what the use cases need from the server's configuration.
type Config struct {
	PublicURL     string        // HOST: base of links in mails
	SessionLength time.Duration // SESSION_LENGTH
	MailSink      bool          // whether mail goes to the outbox; true whenever Mailer is set
	Mailer        Mailer        // sends the outbox's mail; nil without GORILLA_EMAIL_SINK
	MailSinkURL   string        // the sink with its password hidden, for display
	MailFrom      string        // GORILLA_EMAIL_FROM_ADDRESS, for display
	// Webhooks posts team alerts (T9); nil takes the guarded default.
	Webhooks   *webhook.Sender
	Argon2     auth.Argon2Params
	License    string // LICENSE: the signed license document, if any
	LicenseKey string // ROSTER_LICENSE_PUBLIC_KEY: base64 Ed25519 public key
	// AllowUserTeamCreation lets members create teams (O6).
	AllowUserTeamCreation bool
	// DisableAdminTeamAccess keeps organization admins out of team data (T7).
	DisableAdminTeamAccess bool
	// DisableSSOProvisioning admits only known people through SSO and LDAP (S4).
	DisableSSOProvisioning bool
	// SSOOrganization names the organization SSO and LDAP sign-ins
	// provision into (ROSTER_SSO_ORGANIZATION); empty, the first.
	SSOOrganization string
	// SSOOrgDomains maps lower-case email domains to the organization their
	// people are provisioned into (ROSTER_SSO_ORG_DOMAINS).
	SSOOrgDomains map[string]string
	// UseIdentifierClaims takes usernames from preferred_username and
	// names from name (S6).
	UseIdentifierClaims bool
	// EnableSSOGroupClaims syncs team memberships with the groups claim (S6).
	EnableSSOGroupClaims bool
	// DisableTeamServiceAccountCreation refuses new team service accounts
	// on every edge (GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION).
	DisableTeamServiceAccountCreation bool
	// SCIMDeleteRemoves makes SCIM DELETE remove users instead of
	// deactivating them (ROSTER_SCIM_DELETE=remove, C1).
	SCIMDeleteRemoves bool
	// Directory checks LDAP sign-ins; nil while LOCAL_LDAP_LOGIN is off.
	Directory Directory
	// LDAPGroupSync syncs team memberships with the directory's groups
	// at each LDAP sign-in (GORILLA_LDAP_GROUP_SYNC).
	LDAPGroupSync bool
	// LDAPGroupAllowList admits to LDAP sign-in only members of these
	// groups, by DN or name (LOCAL_LDAP_GROUP_ALLOW_LIST); everyone when empty.
	LDAPGroupAllowList []string
	// SkipAudienceValidation skips the aud check of identity federation's
	// JWT exchange (SKIP_AUDIENCE_VALIDATION); never the browser sign-in.
	SkipAudienceValidation bool
	// FederationClient fetches JWT issuers' discovery documents and keys;
	// nil takes one with a 10 second timeout.
	FederationClient *http.Client
}

// Service runs the use cases against one database.
type Service struct {
	db      *store.DB
	cfg     Config
	log     *slog.Logger
	limits  limits
	license licenseState
	seatState
	templates *mail.Templates
	webhooks  *webhook.Sender
	wake      chan struct{}        // wakes the mail worker after an invite commits
	keys      *federation.Verifier // JWT issuers' keys, cached
	// checkPassword is auth.CheckPassword; tests count its calls.
	checkPassword func(hash, password string) (bool, error)
}

// New returns a Service, or an error when the LICENSE setting holds two
// licenses for the instance or for one organization. With an instance
// license in force it recounts the instance's seat pool (recountSeats).
// The store is used as is: app is its only client and tests run it on
// real engines, so no interface stands in between.
func New(ctx context.Context, db *store.DB, cfg Config, log *slog.Logger) (*Service, error) {
	if cfg.SessionLength <= 0 {
		cfg.SessionLength = 720 * time.Hour
	}
	if cfg.Argon2 == (auth.Argon2Params{}) {
		cfg.Argon2 = auth.DefaultArgon2
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	cfg.MailSink = cfg.MailSink || cfg.Mailer != nil
	if cfg.Webhooks == nil {
		cfg.Webhooks = webhook.New(webhook.Options{})
	}
	lic, err := loadLicense(cfg.License, cfg.LicenseKey)
	if err != nil {
		return nil, err
	}
	s := &Service{db: db, cfg: cfg, log: log, license: lic,
		templates: mail.MustTemplates(), webhooks: cfg.Webhooks, wake: make(chan struct{}, 1), limits: defaultLimits,
		checkPassword: auth.CheckPassword, keys: federation.New(federation.Options{Client: cfg.FederationClient, Now: db.Now})}
	if err := s.recountSeats(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// DB returns the service's database, for health checks.
func (s *Service) DB() *store.DB { return s.db }

// orgID is the organization an actor acts in: the acting user's or service
// account's; the first organization for anonymous callers and the server's
// own command line.
func orgID(a roster.Actor) string {
	switch {
	case a.User != nil:
		return a.User.OrgID
	case a.ServiceAccount != nil:
		return a.ServiceAccount.OrgID
	}
	return roster.DefaultOrgID
}

// audit appends one entry for a change by actor on target in tx.
func audit(ctx context.Context, tx *store.Tx, a roster.Actor, action string, target *roster.User, details string) error {
	return auditAt(ctx, tx, a, action, where{user: target}, details)
}

// where names what an audited change touched.
type where struct {
	// org is the organization whose log the entry goes to, when it is not
	// the actor's: an instance admin's change of another organization.
	org                string
	user               *roster.User
	team, teamID       string
	project, projectID string
}

// teamWhere names team t.
func teamWhere(t *roster.Team) where { return where{team: t.Name, teamID: t.ID} }

// projectWhere names project p of team t.
func projectWhere(t *roster.Team, p *roster.Project) where {
	return where{team: t.Name, teamID: t.ID, project: p.Name, projectID: p.ID}
}

// about adds the user a change touched.
func (w where) about(u *roster.User) where {
	w.user = u
	return w
}

// auditAt appends one entry for a change by actor in tx.
func auditAt(ctx context.Context, tx *store.Tx, a roster.Actor, action string, w where, details string) error {
	e := &roster.AuditEntry{
		OrgID:        orgID(a),
		Action:       action,
		ActorUserID:  a.PrincipalID(),
		ActorEmail:   a.Email(),
		ActorIP:      a.IP,
		Via:          a.Via,
		Details:      details,
		EntityName:   w.team,
		EntityAsset:  w.teamID,
		ProjectName:  w.project,
		ProjectAsset: w.projectID,
		ResponseCode: a.ResponseCode,
	}
	if w.org != "" {
		e.OrgID = w.org
	}
	if w.user != nil {
		e.UserAsset, e.UserEmail = w.user.ID, w.user.Email
	}
	return tx.AppendAudit(ctx, e)
}

// Errors shared by several use cases.
var (
	errUnauthenticated = roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonUnauthenticated, "sign in or send an API key")
	errNotAdmin        = roster.ReasonErrorf(roster.EForbidden, roster.ReasonNotAdmin, "only organization admins may do this")
)

// isSystem reports whether the actor is the server's own command line,
// which is trusted because it already holds the database.
func isSystem(a roster.Actor) bool { return a.Via == roster.ViaCLI && a.User == nil }

// requireUser refuses anonymous and inactive actors, and service accounts.
func requireUser(a roster.Actor) error {
	if a.ServiceAccount != nil {
		return roster.ReasonErrorf(roster.EForbidden, roster.ReasonNotAUser, "service accounts cannot do this; use a user's API key")
	}
	if a.User == nil || a.User.Status != roster.StatusActive {
		return errUnauthenticated
	}
	return nil
}

// requirePrincipal refuses anonymous callers and inactive users, and lets
// active users and service accounts through.
func requirePrincipal(a roster.Actor) error {
	if a.ServiceAccount != nil {
		return nil
	}
	return requireUser(a)
}

// requireAdmin refuses everyone but active organization admins, the CLI,
// and organization service accounts calling through SCIM (A1).
func requireAdmin(a roster.Actor) error {
	if isSystem(a) || isSCIMServiceAccount(a) {
		return nil
	}
	if err := requireUser(a); err != nil {
		return err
	}
	if !a.IsOrgAdmin() {
		return errNotAdmin
	}
	return nil
}

// ensureNotLastAdmin refuses a change that would leave the organization
// without an active admin (O3). The caller holds the organization lock.
func ensureNotLastAdmin(ctx context.Context, tx *store.Tx, u *roster.User, what string) error {
	if !isActiveAdmin(u) {
		return nil
	}
	// The count holds only under the organization lock; callers take it
	// first (lock order), so this is a no-op but for the rule's sake.
	if err := tx.LockOrg(ctx, u.OrgID); err != nil {
		return err
	}
	n, err := tx.CountActiveAdmins(ctx, u.OrgID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonLastAdmin,
			"cannot %s %s: the organization must keep at least one active admin; make another user admin first", what, display(u))
	}
	return nil
}

// display names a user in messages: username, else email.
func display(u *roster.User) string {
	if u.Username != "" {
		return u.Username
	}
	return u.Email
}

// SessionLength is how long new sessions live.
func (s *Service) SessionLength() time.Duration { return s.cfg.SessionLength }
