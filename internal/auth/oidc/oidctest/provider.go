// Package oidctest runs a real OpenID provider on loopback for tests,
// built on zitadel/oidc's certified op package, whose ID token and
// userinfo claims each test sets: the shapes of Microsoft Entra ID, Okta,
// Google and Keycloak go through the real authorization code flow with
// PKCE (S256 is required; a request without it is refused).
package oidctest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Person is whom the provider signs in, and what it says about them.
type Person struct {
	Subject  string         // the sub claim
	IDToken  map[string]any // ID token claims besides iss, sub, aud, exp, iat, nonce
	Userinfo map[string]any // the userinfo endpoint's claims besides sub
}

// Provider is one OpenID provider with one confidential client.
type Provider struct {
	Issuer       string
	ClientID     string
	ClientSecret string

	srv   *httptest.Server
	op    *op.Provider
	store *storage.Storage

	mu        sync.Mutex
	redirects []string
	people    map[string]Person
	next      string // subject of the person the next sign-in is
	pkce      int    // authorization requests seen, all with S256
}

// New starts a provider on loopback; it stops when the test ends. Allow
// registers the client's redirect URI, SignInAs whom it signs in.
func New(tb testing.TB) *Provider {
	tb.Helper()
	p := &Provider{ClientID: "roster", ClientSecret: "roster-test-secret", people: map[string]Person{}}
	p.srv = httptest.NewUnstartedServer(nil)
	p.Issuer = "http://" + p.srv.Listener.Addr().String()
	p.store = storage.NewStorageWithClients(users{p}, map[string]*storage.Client{})
	key := sha256.Sum256([]byte("oidctest " + p.Issuer))
	prov, err := op.NewProvider(&op.Config{CryptoKey: key, CodeMethodS256: true, AuthMethodPost: true},
		&claimStore{Storage: p.store, p: p}, op.StaticIssuer(p.Issuer), op.WithAllowInsecure())
	if err != nil {
		tb.Fatalf("start the test OpenID provider: %v", err)
	}
	p.op = prov
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", p.login)
	mux.Handle("/", prov)
	p.srv.Config.Handler = mux
	p.srv.Start()
	tb.Cleanup(p.srv.Close)
	return p
}

// Stop shuts the provider down, as an outage would: its port then refuses
// connections.
func (p *Provider) Stop() { p.srv.Close() }

// Allow registers uri as the client's redirect URI.
func (p *Provider) Allow(uri string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirects = append(p.redirects, uri)
}

// SignInAs makes the provider sign in who at the following sign-ins.
func (p *Provider) SignInAs(who Person) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.people[who.Subject] = who
	p.next = who.Subject
}

// PKCERequests counts the authorization requests that came with an S256
// code challenge (the only ones the provider accepts).
func (p *Provider) PKCERequests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pkce
}

// login is the provider's sign-in page: it signs in the chosen person at
// once and sends the browser back to the authorization endpoint.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	p.mu.Lock()
	who := p.next
	p.mu.Unlock()
	if err := p.store.CheckUsernamePassword(who, password, id); err != nil {
		http.Error(w, "oidctest: "+err.Error(), http.StatusBadRequest)
		return
	}
	back := p.op.AuthorizationEndpoint().Absolute(p.Issuer) + "/callback?id=" + url.QueryEscape(id)
	http.Redirect(w, r, back, http.StatusFound)
}

const password = "oidctest"

func (p *Provider) person(subject string) (Person, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	who, ok := p.people[subject]
	return who, ok
}

// users is the example storage's view of the people.
type users struct{ p *Provider }

func (u users) GetUserByID(id string) *storage.User {
	if _, ok := u.p.person(id); !ok {
		return nil
	}
	return &storage.User{ID: id, Username: id, Password: password}
}

func (u users) GetUserByUsername(name string) *storage.User { return u.GetUserByID(name) }

func (u users) ExampleClientID() string { return "oidctest-service" }

// claimStore is the example in-memory storage with the client and the
// claims replaced by the test's.
type claimStore struct {
	*storage.Storage
	p *Provider
}

func (s *claimStore) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if id != s.p.ClientID {
		return nil, fmt.Errorf("oidctest: no client %q", id)
	}
	return client{s.p}, nil
}

func (s *claimStore) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	if id != s.p.ClientID || secret != s.p.ClientSecret {
		return fmt.Errorf("oidctest: wrong client credentials")
	}
	return nil
}

// CreateAuthRequest refuses requests without an S256 PKCE challenge.
func (s *claimStore) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, userID string) (op.AuthRequest, error) {
	if req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("oidctest requires PKCE with S256")
	}
	s.p.mu.Lock()
	s.p.pkce++
	s.p.mu.Unlock()
	return s.Storage.CreateAuthRequest(ctx, req, userID)
}

// SetUserinfoFromRequest fills the ID token with the person's claims.
func (s *claimStore) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, _ []string) error {
	who, ok := s.p.person(req.GetSubject())
	if !ok {
		return fmt.Errorf("oidctest: nobody is %q", req.GetSubject())
	}
	*info = oidc.UserInfo{Subject: who.Subject}
	for k, v := range who.IDToken {
		info.AppendClaims(k, v)
	}
	return nil
}

// SetUserinfoFromToken answers the userinfo endpoint with the person's
// userinfo claims, once the example storage has checked the token.
func (s *claimStore) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	who, _ := s.p.person(subject)
	*info = oidc.UserInfo{Subject: subject}
	for k, v := range who.Userinfo {
		info.AppendClaims(k, v)
	}
	return nil
}

// client is Roster, a confidential web client using the code flow.
type client struct{ p *Provider }

func (c client) GetID() string { return c.p.ClientID }
func (c client) RedirectURIs() []string {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	return append([]string(nil), c.p.redirects...)
}
func (client) PostLogoutRedirectURIs() []string     { return nil }
func (client) ApplicationType() op.ApplicationType  { return op.ApplicationTypeWeb }
func (client) AuthMethod() oidc.AuthMethod          { return oidc.AuthMethodBasic }
func (client) ResponseTypes() []oidc.ResponseType   { return []oidc.ResponseType{oidc.ResponseTypeCode} }
func (client) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (client) LoginURL(id string) string            { return "/login?authRequestID=" + url.QueryEscape(id) }
func (client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (client) IDTokenLifetime() time.Duration       { return time.Hour }
func (client) DevMode() bool                        { return true } // http redirect URIs on loopback
func (client) IsScopeAllowed(string) bool           { return true }
func (client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (client) ClockSkew() time.Duration             { return 0 }
func (client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
