// Command dex runs the Dex OpenID Connect provider (github.com/dexidp/dex,
// pinned in this module's go.mod) for Roster's SSO tests, on in-memory
// storage.
//
// Dex's own cmd/dex does not build from the module proxy: at the pinned
// commit it needs a github.com/dexidp/dex/api/v2 version that the proxy
// does not serve, only for its gRPC admin API. This main wires Dex's
// server package the way cmd/dex does, without that API, and reads the
// subset of Dex's configuration file that the tests use (YAML or JSON):
// issuer, storage (memory), web.http, oauth2.skipApprovalScreen,
// expiry.idTokens, enablePasswordDB, staticClients, staticPasswords and
// connectors. Run it as `dex serve CONFIG`, like Dex.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	gosundheit "github.com/AppsFlyer/go-sundheit"
	"github.com/dexidp/dex/server"
	"github.com/dexidp/dex/server/connectors"
	"github.com/dexidp/dex/server/signer"
	"github.com/dexidp/dex/server/tokens"
	"github.com/dexidp/dex/storage"
	"github.com/dexidp/dex/storage/memory"
	"github.com/ghodss/yaml"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"
)

// config is the part of Dex's configuration file this command honours.
type config struct {
	Issuer  string `json:"issuer"`
	Storage struct {
		Type string `json:"type"`
	} `json:"storage"`
	Web struct {
		HTTP string `json:"http"`
	} `json:"web"`
	OAuth2 struct {
		SkipApprovalScreen bool `json:"skipApprovalScreen"`
	} `json:"oauth2"`
	Expiry struct {
		IDTokens string `json:"idTokens"`
	} `json:"expiry"`
	Logger struct {
		Level string `json:"level"`
	} `json:"logger"`
	EnablePasswordDB bool             `json:"enablePasswordDB"`
	StaticClients    []storage.Client `json:"staticClients"`
	StaticPasswords  []password       `json:"staticPasswords"`
	Connectors       []connector      `json:"connectors"`
}

// password is a static password entry with its bcrypt hash as a string.
type password struct {
	Email             string   `json:"email"`
	Hash              string   `json:"hash"`
	Username          string   `json:"username"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferredUsername"`
	EmailVerified     *bool    `json:"emailVerified"`
	UserID            string   `json:"userID"`
	Groups            []string `json:"groups"`
}

// connector is a static connector; its config stays raw for Dex to parse.
type connector struct {
	Type   string          `json:"type"`
	ID     string          `json:"id"`
	Name   string          `json:"name"`
	Config json.RawMessage `json:"config"`
}

func main() {
	if len(os.Args) != 3 || os.Args[1] != "serve" {
		fmt.Fprintln(os.Stderr, "usage: dex serve CONFIG")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "dex:", err)
		os.Exit(1)
	}
}

// load reads and checks the configuration file.
func load(path string) (*config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	data, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	var c config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if c.Issuer == "" || c.Web.HTTP == "" {
		return nil, errors.New("issuer and web.http are required")
	}
	if c.Storage.Type != "memory" {
		return nil, fmt.Errorf("storage type %q: only memory is built in", c.Storage.Type)
	}
	return &c, nil
}

// openStorage builds Dex's storage with the static clients, passwords and
// connectors, as cmd/dex does.
func openStorage(c *config, log *slog.Logger) (storage.Storage, error) {
	s := memory.New(log)
	if len(c.StaticClients) > 0 {
		s = storage.WithStaticClients(s, c.StaticClients)
	}
	var pw []storage.Password
	for _, p := range c.StaticPasswords {
		if _, err := bcrypt.Cost([]byte(p.Hash)); err != nil {
			return nil, fmt.Errorf("static password %s: %w", p.Email, err)
		}
		pw = append(pw, storage.Password{Email: p.Email, Hash: []byte(p.Hash), Username: p.Username, Name: p.Name,
			PreferredUsername: p.PreferredUsername, EmailVerified: p.EmailVerified, UserID: p.UserID, Groups: p.Groups})
	}
	if len(pw) > 0 {
		s = storage.WithStaticPasswords(s, pw, log)
	}
	var conns []storage.Connector
	for _, k := range c.Connectors {
		cfg := k.Config
		if len(cfg) == 0 {
			cfg = json.RawMessage("{}")
		}
		conns = append(conns, storage.Connector{ID: k.ID, Type: k.Type, Name: k.Name, Config: cfg})
	}
	if c.EnablePasswordDB {
		conns = append(conns, storage.Connector{ID: connectors.LocalConnector, Type: connectors.LocalConnector, Name: "Email"})
	}
	return storage.WithStaticConnectors(s, conns), nil
}

// serve runs Dex until ctx ends.
func serve(ctx context.Context, path string) error {
	c, err := load(path)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Logger.Level)); c.Logger.Level != "" && err != nil {
		return fmt.Errorf("logger.level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	s, err := openStorage(c, log)
	if err != nil {
		return err
	}
	defer s.Close()
	idTokens := 24 * time.Hour
	if c.Expiry.IDTokens != "" {
		if idTokens, err = time.ParseDuration(c.Expiry.IDTokens); err != nil {
			return fmt.Errorf("expiry.idTokens: %w", err)
		}
	}
	now := func() time.Time { return time.Now().UTC() }
	sig, err := (&signer.LocalConfig{KeysRotationPeriod: "6h"}).Open(ctx, s, idTokens, now, log)
	if err != nil {
		return fmt.Errorf("open signer: %w", err)
	}
	refresh, err := tokens.NewRefreshTokenPolicy(log, false, "", "", "")
	if err != nil {
		return err
	}
	srv, err := server.NewServer(ctx, server.Config{
		Issuer: c.Issuer, Storage: s, SkipApprovalScreen: c.OAuth2.SkipApprovalScreen, Logger: log, Now: now,
		PrometheusRegistry: prometheus.NewRegistry(), HealthChecker: gosundheit.New(), Signer: sig,
		IDTokensValidFor: idTokens, RefreshTokenPolicy: refresh,
	})
	if err != nil {
		return fmt.Errorf("start server: %w", err)
	}
	ln, err := net.Listen("tcp", c.Web.HTTP)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	log.Info("listening", "address", ln.Addr().String(), "issuer", c.Issuer)
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
