// Package oidc is Roster's OpenID Connect client (S2): discovery from the
// issuer, the authorization code flow with PKCE (S256), and verification of
// the ID token's signature, issuer, audience, expiry and nonce.
package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"roster"
)

// Config describes Roster's client at one identity provider.
type Config struct {
	Issuer       string   // OIDC_ISSUER
	ClientID     string   // OIDC_CLIENT_ID
	ClientSecret string   // OIDC_CLIENT_SECRET; empty for a public client
	RedirectURL  string   // Roster's /oidc/callback, as registered at the provider
	Scopes       []string // GORILLA_OIDC_CUSTOM_SCOPES, added to openid, email and profile
	Groups       bool     // also ask for the groups scope (S6)
	Profile      Profile  // how identity is read from the provider's claims
	// HTTPClient talks to the provider; one with a 10 second timeout when nil.
	HTTPClient *http.Client
	// RetryAfter is how long a failed discovery is remembered before the
	// next sign-in tries again; 5 seconds when zero.
	RetryAfter time.Duration
	// ProbeTimeout bounds one health check of the provider (3 s when
	// zero), ProbeWait how long a page waits for one (1 s), and ProbeTTL
	// how long a result is reused (30 s).
	ProbeTimeout, ProbeWait, ProbeTTL time.Duration
}

// Client signs people in at one identity provider. Discovery happens on
// first use and is retried after a failure, so a provider that is down
// when Roster starts does not stop Roster.
type Client struct {
	cfg  Config
	http *http.Client

	mu      sync.Mutex
	ready   *discovered // nil until discovery succeeds
	failed  error       // the last discovery failure
	retryAt time.Time   // when to try discovery again after a failure

	pmu     sync.Mutex
	health  Health        // the last health check's result
	probing chan struct{} // closed when the running check ends; nil when none runs
}

// discovered is what discovery yields.
type discovered struct {
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
	provider *gooidc.Provider
}

// New returns a client; it does not contact the provider.
func New(cfg Config) *Client {
	c := &Client{cfg: cfg, http: cfg.HTTPClient}
	if c.http == nil {
		c.http = &http.Client{Timeout: 10 * time.Second}
	}
	if c.cfg.RetryAfter == 0 {
		c.cfg.RetryAfter = 5 * time.Second
	}
	return c
}

// Issuer is the provider's issuer URL.
func (c *Client) Issuer() string { return c.cfg.Issuer }

// Scopes lists the scopes a sign-in asks for.
func (c *Client) Scopes() []string {
	scopes := []string{gooidc.ScopeOpenID, "email", "profile"}
	if c.cfg.Groups && asksGroupsScope(c.cfg.Issuer) {
		scopes = append(scopes, "groups")
	}
	for _, s := range c.cfg.Scopes {
		if s != "" && !contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	return scopes
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// errUnavailable is how a provider that cannot be reached is reported.
func errUnavailable(err error) error {
	return &roster.Error{Code: roster.EInternal, Reason: roster.ReasonSSOUnavailable,
		Message: "the identity provider cannot be reached right now; try again in a minute", Err: err}
}

// Discover fetches the provider's metadata unless it is already known.
// Serve calls it at start-up to log a misconfiguration early.
func (c *Client) Discover(ctx context.Context) error {
	_, err := c.discover(ctx)
	return err
}

func (c *Client) discover(ctx context.Context) (*discovered, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ready != nil {
		return c.ready, nil
	}
	if c.failed != nil && time.Now().Before(c.retryAt) {
		return nil, c.failed
	}
	// The provider keeps this context to fetch signing keys later; only its
	// HTTP client matters, not its deadline.
	p, err := gooidc.NewProvider(gooidc.ClientContext(context.WithoutCancel(ctx), c.http), c.cfg.Issuer)
	if err != nil {
		c.failed, c.retryAt = errUnavailable(fmt.Errorf("discover %s: %w", c.cfg.Issuer, err)), time.Now().Add(c.cfg.RetryAfter)
		return nil, c.failed
	}
	c.ready = &discovered{
		oauth: oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: p.Endpoint(),
			RedirectURL: c.cfg.RedirectURL, Scopes: c.Scopes()},
		verifier: p.Verifier(&gooidc.Config{ClientID: c.cfg.ClientID}),
		provider: p,
	}
	c.failed = nil
	return c.ready, nil
}

// AuthCodeURL is where the browser goes to start attempt at the provider:
// with its state, its nonce and the S256 challenge of its PKCE verifier.
func (c *Client) AuthCodeURL(ctx context.Context, at Attempt) (string, error) {
	d, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	return d.oauth.AuthCodeURL(at.State, gooidc.Nonce(at.Nonce), oauth2.S256ChallengeOption(PKCEVerifier(at.Browser))), nil
}

// Exchange redeems the callback's code with the PKCE verifier derived from
// the browser's secret, verifies the ID token against nonceHash and returns
// its claims.
func (c *Client) Exchange(ctx context.Context, code, browser string, nonceHash []byte) (roster.SSOClaims, error) {
	d, err := c.discover(ctx)
	if err != nil {
		return roster.SSOClaims{}, err
	}
	tok, err := d.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, c.http), code, oauth2.VerifierOption(PKCEVerifier(browser)))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return roster.SSOClaims{}, &roster.Error{Code: roster.EInvalid, Reason: roster.ReasonSSOExchangeFailed,
				Message: fmt.Sprintf("the identity provider refused to complete the sign-in (%s); start signing in again",
					truncate(re.ErrorCode, 64)), Err: err}
		}
		return roster.SSOClaims{}, errUnavailable(fmt.Errorf("exchange code: %w", err))
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return roster.SSOClaims{}, &roster.Error{Code: roster.EUnauthenticated, Reason: roster.ReasonSSOTokenInvalid,
			Message: "the identity provider sent no ID token; ask your administrator to check that the openid scope is allowed"}
	}
	idt, id, err := c.verify(ctx, d, raw, nonceHash)
	if err != nil {
		return roster.SSOClaims{}, err
	}
	var info claimSet
	if needsUserinfo(id) {
		if info, err = c.userinfo(ctx, d, tok, idt.Subject); err != nil {
			return roster.SSOClaims{}, err
		}
	}
	return c.cfg.Profile.Identity(idt.Issuer, idt.Subject, id, info), nil
}

// userinfo asks the provider's userinfo endpoint for the claims the ID
// token lacks; nil when the provider has no such endpoint. An answer about
// another subject is refused (OpenID Connect Core 5.3.2).
func (c *Client) userinfo(ctx context.Context, d *discovered, tok *oauth2.Token, subject string) (claimSet, error) {
	if d.provider.UserInfoEndpoint() == "" {
		return nil, nil
	}
	ui, err := d.provider.UserInfo(gooidc.ClientContext(ctx, c.http), oauth2.StaticTokenSource(tok))
	if err != nil {
		return nil, errUnavailable(fmt.Errorf("userinfo: %w", err))
	}
	if ui.Subject != subject {
		return nil, &roster.Error{Code: roster.EUnauthenticated, Reason: roster.ReasonSSOTokenInvalid,
			Message: errTokenInvalid, Err: errors.New("userinfo answer is about another subject than the id token")}
	}
	var info claimSet
	if err := ui.Claims(&info); err != nil {
		return nil, errClaims(fmt.Errorf("decode userinfo claims: %w", err))
	}
	return info, nil
}

// VerifyIDToken checks a raw ID token's signature, issuer, audience, expiry
// and nonce, and returns its claims.
func (c *Client) VerifyIDToken(ctx context.Context, raw string, nonceHash []byte) (roster.SSOClaims, error) {
	d, err := c.discover(ctx)
	if err != nil {
		return roster.SSOClaims{}, err
	}
	idt, id, err := c.verify(ctx, d, raw, nonceHash)
	if err != nil {
		return roster.SSOClaims{}, err
	}
	return c.cfg.Profile.Identity(idt.Issuer, idt.Subject, id, nil), nil
}

var errTokenInvalid = "the identity provider's answer could not be verified; start signing in again"

// verify checks a raw ID token and returns it with its claims.
func (c *Client) verify(ctx context.Context, d *discovered, raw string, nonceHash []byte) (*gooidc.IDToken, claimSet, error) {
	idt, err := d.verifier.Verify(gooidc.ClientContext(ctx, c.http), raw)
	if err != nil {
		return nil, nil, &roster.Error{Code: roster.EUnauthenticated, Reason: roster.ReasonSSOTokenInvalid,
			Message: errTokenInvalid, Err: fmt.Errorf("verify id token: %w", err)}
	}
	if idt.Nonce == "" || !equalHash(Hash(idt.Nonce), nonceHash) {
		return nil, nil, &roster.Error{Code: roster.EUnauthenticated, Reason: roster.ReasonSSONonceMismatch,
			Message: errTokenInvalid, Err: errors.New("id token nonce does not match the sign-in attempt")}
	}
	var id claimSet
	if err := idt.Claims(&id); err != nil {
		return nil, nil, errClaims(fmt.Errorf("decode id token claims: %w", err))
	}
	return idt, id, nil
}

// errClaims reports claims that are not a JSON object.
func errClaims(err error) error {
	return &roster.Error{Code: roster.EInvalid, Reason: roster.ReasonSSOClaimsInvalid,
		Message: "the identity provider's ID token has malformed claims; ask your administrator to check the SSO setup", Err: err}
}

func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
