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
	"roster/internal/config"
	"roster/internal/server"
	"roster/internal/store"
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

func newService(db *store.DB, cfg config.Config, log *slog.Logger) *app.Service {
	return app.New(db, app.Config{PublicURL: cfg.PublicURL, SessionLength: cfg.SessionLength, MailSink: cfg.EmailSink != "",
		AllowUserTeamCreation: cfg.AllowUserTeamCreation, DisableAdminTeamAccess: cfg.DisableAdminTeamAccess,
		SCIMDeleteRemoves: cfg.SCIMDelete == "remove"}, log)
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
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := newService(db, cfg, log)
	handler := server.New(svc, log, server.Options{MailSink: cfg.EmailSink != "", SecureCookie: cfg.SecureCookies(),
		PublicURL: cfg.PublicURL})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	log.Info("roster serving", "addr", ln.Addr().String(), "db", store.RedactURL(cfg.DB), "engine", db.Engine(), "version", Version)

	go svc.RunMaintenance(ctx, time.Hour)
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
