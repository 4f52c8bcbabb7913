package oidc_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"roster"
	"roster/internal/auth/oidc"
)

// provider is a small discovery and JWKS server that signs ID tokens with
// its own key: the real verifier of Roster's client runs against it.
type provider struct {
	*httptest.Server
	key  *rsa.PrivateKey
	down atomic.Bool // answer 503 to everything
}

func newProvider(t *testing.T) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{key: key}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]any{"issuer": p.URL, "authorization_endpoint": p.URL + "/auth",
				"token_endpoint": p.URL + "/token", "jwks_uri": p.URL + "/keys",
				"id_token_signing_alg_values_supported": []string{"RS256"}})
		case "/keys":
			json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k1", "use": "sig",
				"alg": "RS256", "n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes())}}})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(p.Close)
	return p
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// sign makes an RS256 JWT of claims with key, under the key id k1.
func sign(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	input := b64(header) + "." + b64(payload)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

func TestVerifyIDToken(t *testing.T) {
	p := newProvider(t)
	c := oidc.New(oidc.Config{Issuer: p.URL, ClientID: "roster", RedirectURL: "http://roster.test/oidc/callback"})
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	now := time.Now()
	valid := func() map[string]any {
		return map[string]any{"iss": p.URL, "sub": "user-1", "aud": "roster", "iat": now.Unix(),
			"exp": now.Add(time.Hour).Unix(), "nonce": "n-1", "email": "ada@example.com", "email_verified": "true",
			"name": "Ada", "preferred_username": "ada.l", "groups": []any{"ml", 7, "vision"}}
	}
	with := func(k string, v any) map[string]any { m := valid(); m[k] = v; return m }
	nonce := oidc.Hash("n-1")

	cl, err := c.VerifyIDToken(t.Context(), sign(t, p.key, valid()), nonce)
	if err != nil {
		t.Fatalf("a valid token was refused: %v", err)
	}
	want := roster.SSOClaims{Issuer: p.URL, Subject: "user-1", Email: "ada@example.com", EmailVerified: true,
		Name: "Ada", PreferredUsername: "ada.l", Groups: []string{"ml", "vision"}}
	if cl.Issuer != want.Issuer || cl.Subject != want.Subject || cl.Email != want.Email || !cl.EmailVerified ||
		cl.Name != want.Name || cl.PreferredUsername != want.PreferredUsername || strings.Join(cl.Groups, ",") != "ml,vision" {
		t.Fatalf("claims %+v, want %+v", cl, want)
	}

	for _, tc := range []struct {
		name   string
		token  string
		reason string
	}{
		{"wrong audience", sign(t, p.key, with("aud", "someone-else")), "sso_token_invalid"},
		{"bad signature", sign(t, other, valid()), "sso_token_invalid"},
		{"tampered payload", tamper(sign(t, p.key, valid())), "sso_token_invalid"},
		{"expired", sign(t, p.key, with("exp", now.Add(-time.Minute).Unix())), "sso_token_invalid"},
		{"wrong issuer", sign(t, p.key, with("iss", "https://evil.example")), "sso_token_invalid"},
		{"other nonce", sign(t, p.key, with("nonce", "n-2")), "sso_nonce_mismatch"},
		{"no nonce", sign(t, p.key, with("nonce", "")), "sso_nonce_mismatch"},
		{"not a JWT", "garbage", "sso_token_invalid"},
	} {
		_, err := c.VerifyIDToken(t.Context(), tc.token, nonce)
		if err == nil || roster.ErrorReason(err) != tc.reason || roster.ErrorCode(err) != roster.EUnauthenticated {
			t.Errorf("%s: %v, want refusal %s", tc.name, err, tc.reason)
		}
	}
}

// tamper changes the payload of a signed JWT, keeping its signature.
func tamper(jwt string) string {
	parts := strings.Split(jwt, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	parts[1] = b64([]byte(strings.Replace(string(payload), "ada@example.com", "eve@example.com", 1)))
	return strings.Join(parts, ".")
}

func TestAuthCodeURLAsksForPKCEAndScopes(t *testing.T) {
	p := newProvider(t)
	c := oidc.New(oidc.Config{Issuer: p.URL, ClientID: "roster", RedirectURL: "http://roster.test/oidc/callback",
		Scopes: []string{"offline_access", "email"}, Groups: true})
	at := oidc.NewAttempt()
	raw, err := c.AuthCodeURL(t.Context(), at)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	q := u.Query()
	sum := sha256.Sum256([]byte(oidc.PKCEVerifier(at.Browser)))
	for k, want := range map[string]string{
		"state": at.State, "nonce": at.Nonce, "client_id": "roster", "response_type": "code",
		"redirect_uri": "http://roster.test/oidc/callback", "code_challenge_method": "S256",
		"code_challenge": b64(sum[:]), "scope": "openid email profile groups offline_access",
	} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, q.Get(k), want)
		}
	}
	if v := oidc.PKCEVerifier(at.Browser); len(v) != 43 {
		t.Errorf("PKCE verifier %q is not 43 characters", v)
	}
}

func TestDiscoveryFailureIsRetried(t *testing.T) {
	p := newProvider(t)
	p.down.Store(true)
	c := oidc.New(oidc.Config{Issuer: p.URL, ClientID: "roster", RetryAfter: time.Millisecond})
	if err := c.Discover(t.Context()); roster.ErrorReason(err) != "sso_unavailable" {
		t.Fatalf("discovery of a provider that is down: %v", err)
	}
	p.down.Store(false)
	time.Sleep(2 * time.Millisecond)
	if err := c.Discover(t.Context()); err != nil {
		t.Fatalf("discovery was not retried: %v", err)
	}
}
