package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"roster/internal/app"
	"roster/internal/auth/ldap"
	"roster/internal/auth/oidc"
	"roster/internal/config"
	"roster/internal/mail"
	"roster/internal/server"
	"roster/internal/store"
	"roster/internal/web"
)

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("applied migrations", "count", n, "db", store.RedactURL(cfg.DB))
	}
	return db, nil
}

func newService(db *store.DB, cfg config.Config, log *slog.Logger) (*app.Service, error) {
	ac := app.Config{PublicURL: cfg.PublicURL, SessionLength: cfg.SessionLength,
		License: cfg.License, LicenseKey: cfg.LicensePublicKey,
		AllowUserTeamCreation: cfg.AllowUserTeamCreation, DisableAdminTeamAccess: cfg.DisableAdminTeamAccess,
		DisableSSOProvisioning: cfg.DisableSSOProvisioning, UseIdentifierClaims: cfg.UseIdentifierClaims,
		SSOOrganization: cfg.SSOOrganization, SSOOrgDomains: cfg.SSOOrgDomains,
		EnableSSOGroupClaims: cfg.EnableSSOGroupClaims, SCIMDeleteRemoves: cfg.SCIMDelete == "remove",
		DisableTeamServiceAccountCreation: cfg.DisableTeamServiceAccountCreation,
		SkipAudienceValidation:            cfg.SkipAudienceValidation}
	if cfg.EmailSink != "" {
		sink, err := mail.ParseSink(cfg.EmailSink)
		if err != nil {
			return nil, err
		}
		ac.Mailer, ac.MailSinkURL, ac.MailFrom = mail.NewSMTP(sink, cfg.EmailFrom, mail.SMTPOptions{}), sink.String(), cfg.EmailFrom
	}
	if l := cfg.LDAP; l.Login {
		d, err := ldap.New(ldap.Options{Address: l.Address, BaseDN: l.BaseDN, BindDN: l.BindDN, BindPW: l.BindPW,
			StartTLS: l.StartTLS, Attrs: l.Attrs})
		if err != nil {
			return nil, err
		}
		ac.Directory, ac.LDAPGroupSync, ac.LDAPGroupAllowList = d, l.GroupSync, l.AllowList
	}
	return app.New(context.Background(), db, ac, log)
}

// newSSOClient returns the OpenID Connect client when SSO is configured, and
// starts discovery in the background: a provider that is down at start-up
// is logged, and sign-ins retry discovery later.
func newSSOClient(ctx context.Context, cfg config.Config, log *slog.Logger) *oidc.Client {
	if !cfg.SSOEnabled() {
		if cfg.OIDCIssuer != "" || cfg.OIDCClientID != "" {
			log.Warn("single sign-on is off: set both OIDC_ISSUER and OIDC_CLIENT_ID")
		}
		return nil
	}
	c := oidc.New(oidc.Config{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret,
		RedirectURL: cfg.PublicURL + "/oidc/callback", Scopes: cfg.OIDCScopes(), Groups: cfg.EnableSSOGroupClaims,
		Profile: oidc.Profile{TrustEmail: cfg.OIDCTrustEmail}})
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := c.Discover(ctx); err != nil {
			log.Warn("single sign-on: identity provider not reachable yet; sign-ins will retry", "issuer", cfg.OIDCIssuer, "err", err)
			return
		}
		log.Info("single sign-on ready", "issuer", cfg.OIDCIssuer, "scopes", strings.Join(c.Scopes(), " "))
	}()
	return c
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (ROSTER_ADDR)")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "database URL (ROSTER_DB)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	log := newLogger(cfg, stderr)
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := newService(db, cfg, log)
	if err != nil {
		return err
	}
	logLicense(log, svc, time.Now())
	logMail(log, cfg)
	applyLocalRestore(ctx, svc, cfg.LocalRestore, log, stderr)
	sso := web.SSO{Enabled: cfg.SSOEnabled(), Issuer: cfg.OIDCIssuer, Provisioning: !cfg.DisableSSOProvisioning}
	handler := server.New(svc, log, server.Options{MailSink: cfg.EmailSink != "", SecureCookie: cfg.SecureCookies(), SSO: sso,
		OIDC: newSSOClient(ctx, cfg, log), PublicURL: cfg.PublicURL, TrustedProxies: cfg.TrustedProxies})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("roster serving", "addr", ln.Addr().String(), "db", store.RedactURL(cfg.DB), "engine", db.Engine(), "version", Version)

	go svc.RunMaintenance(ctx, time.Hour)
	defer startMailWorker(ctx, svc)()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

func cmdMigrate(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migration(s); schema version %d\n", n, v)
	return nil
}

func cmdConfig(getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	for _, kv := range cfg.Masked() {
		fmt.Fprintf(stdout, "%s=%s\n", kv[0], kv[1])
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(stdout, "# warning: %s\n", w)
	}
	if err != nil {
		return err
	}
	return nil
}

func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 {
		return usageError{"backup takes one argument: the file to write"}
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(cfg.DB, "sqlite:") {
		return errors.New("backup copies SQLite databases; back PostgreSQL up with pg_dump")
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", args[0])
	return nil
}

// startMailWorker runs the outbox worker until the returned function is
// called, which waits for the attempt in flight so that it finishes before
// the database closes; unsent mail stays in the outbox for the next start.
func startMailWorker(ctx context.Context, svc *app.Service) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.RunMailWorker(ctx, app.MailWorkerOptions{})
	}()
	return func() { cancel(); <-done }
}

// logMail reports where mail goes at start-up.
func logMail(log *slog.Logger, cfg config.Config) {
	if cfg.EmailSink == "" {
		log.Warn("no mail sink (GORILLA_EMAIL_SINK): mails are logged and invite links shown to admins")
		return
	}
	log.Info("mail goes out through the outbox", "sink", store.RedactURL(cfg.EmailSink), "from", cfg.EmailFrom)
}

// logLicense reports the license at start-up; a bad one is ignored (O14).
func logLicense(log *slog.Logger, svc *app.Service, now time.Time) {
	all := svc.LicenseStatuses(now)
	if len(all) == 0 {
		log.Info("no license: no seat limit, every feature on")
		return
	}
	for i, st := range all {
		var attrs []any
		if len(all) > 1 {
			attrs = append(attrs, "document", i+1)
		}
		switch st.Status {
		case app.LicenseValid:
			if !st.License.ForInstance() {
				attrs = append(attrs, "organization", st.License.Organization)
			}
			log.Info("license valid", append(attrs, "licensee", st.License.Licensee, "seats", st.License.Seats,
				"features", st.License.Features, "expires", st.License.Expires)...)
		case app.LicenseExpired, app.LicenseInvalid:
			if len(all) == 1 {
				log.Error("license ignored: running without seat limit or feature restrictions", "status", st.Status, "reason", st.Reason)
				continue
			}
			log.Error("license ignored: what it would govern falls back to the instance license", append(attrs, "status", st.Status, "reason", st.Reason)...)
		}
	}
}

// applyLocalRestore opens or closes the break-glass admin of LOCAL_RESTORE
// at start-up. The temporary password is written once to standard error,
// as a plain line outside the structured log, and never stored in clear.
// A failure is logged and the server still starts.
func applyLocalRestore(ctx context.Context, svc *app.Service, on bool, log *slog.Logger, stderr io.Writer) {
	res, err := svc.ApplyLocalRestore(ctx, cliActor, on)
	switch {
	case err != nil:
		log.Error("LOCAL_RESTORE could not be applied", "err", err)
	case on:
		log.Warn("LOCAL_RESTORE=true: break-glass admin enabled; unset LOCAL_RESTORE and restart once access is restored",
			"username", res.User.Username)
		fmt.Fprintf(stderr, "LOCAL_RESTORE=true: sign in at /sign-in as %s with the temporary password %s "+
			"(shown only now; a restart with LOCAL_RESTORE=true makes a new one, and a restart without it deactivates %s)\n",
			res.User.Username, res.Password, res.User.Username)
	case res.Disabled:
		log.Info("LOCAL_RESTORE unset: break-glass admin deactivated", "username", res.User.Username)
	case res.Kept != "":
		log.Warn("LOCAL_RESTORE unset, but the break-glass admin stays active: "+res.Kept, "username", res.User.Username)
	}
}
