// Package fedtest runs a real JWT issuer on loopback for identity
// federation tests: a discovery document and a JWKS served over HTTP with
// a cache lifetime, JWTs signed through zitadel/oidc's signing (RS256 and
// ES256), keys that can be rotated, and a server that can be stopped.
package fedtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/crypto"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// Issuer is one JWT issuer.
type Issuer struct {
	URL string
	// MaxAge is the JWKS's Cache-Control max-age in seconds.
	MaxAge int

	tb  testing.TB
	srv *httptest.Server

	mu      sync.Mutex
	rsaKey  *rsa.PrivateKey
	rsaKid  string
	ecKey   *ecdsa.PrivateKey
	rotated int
	fetches int // JWKS requests served
}

// New starts an issuer on loopback; it stops when the test ends. It serves
// its discovery document only at /.well-known/openid-configuration, so the
// W&B path is tried first and the OpenID one after.
func New(tb testing.TB) *Issuer {
	tb.Helper()
	i := &Issuer{tb: tb, MaxAge: 300, rsaKid: "rsa-1"}
	i.rsaKey = mustRSA(tb)
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	i.ecKey = ec
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, &oidc.DiscoveryConfiguration{Issuer: i.URL, JwksURI: i.URL + "/keys"}, "")
	})
	mux.HandleFunc("GET /keys", i.jwks)
	i.srv = httptest.NewServer(mux)
	i.URL = i.srv.URL
	tb.Cleanup(i.srv.Close)
	return i
}

func mustRSA(tb testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func (i *Issuer) jwks(w http.ResponseWriter, r *http.Request) {
	i.mu.Lock()
	i.fetches++
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &i.rsaKey.PublicKey, KeyID: i.rsaKid, Algorithm: string(jose.RS256), Use: "sig"},
		{Key: &i.ecKey.PublicKey, KeyID: "ec-1", Algorithm: string(jose.ES256), Use: "sig"},
	}}
	maxAge := i.MaxAge
	i.mu.Unlock()
	writeJSON(w, set, fmt.Sprintf("public, max-age=%d", maxAge))
}

func writeJSON(w http.ResponseWriter, v any, cache string) {
	w.Header().Set("Content-Type", "application/json")
	if cache != "" {
		w.Header().Set("Cache-Control", cache)
	}
	json.NewEncoder(w).Encode(v)
}

// Fetches counts the JWKS requests served.
func (i *Issuer) Fetches() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.fetches
}

// Rotate replaces the RSA signing key with a new one under a new kid; the
// old key is no longer published.
func (i *Issuer) Rotate() {
	k := mustRSA(i.tb)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.rotated++
	i.rsaKey, i.rsaKid = k, fmt.Sprintf("rsa-%d", i.rotated+1)
}

// Stop shuts the issuer down: its discovery document and JWKS are gone.
func (i *Issuer) Stop() { i.srv.Close() }

// Claims returns the claims of a valid JWT for sub and aud issued at now,
// valid for 10 minutes, with a fresh jti.
func (i *Issuer) Claims(sub, aud string, now time.Time) map[string]any {
	return map[string]any{"iss": i.URL, "sub": sub, "aud": aud, "iat": now.Unix(), "nbf": now.Unix(),
		"exp": now.Add(10 * time.Minute).Unix(), "jti": rand.Text()}
}

// Sign signs claims with the current RSA key (RS256).
func (i *Issuer) Sign(claims map[string]any) string {
	i.mu.Lock()
	key := jose.JSONWebKey{Key: i.rsaKey, KeyID: i.rsaKid}
	i.mu.Unlock()
	return i.sign(jose.RS256, key, claims)
}

// SignES256 signs claims with the issuer's EC key.
func (i *Issuer) SignES256(claims map[string]any) string {
	return i.sign(jose.ES256, jose.JSONWebKey{Key: i.ecKey, KeyID: "ec-1"}, claims)
}

// SignWithForeignKey signs claims RS256 with a key the issuer never
// published, under the current kid: a forged signature.
func (i *Issuer) SignWithForeignKey(claims map[string]any) string {
	i.mu.Lock()
	kid := i.rsaKid
	i.mu.Unlock()
	return i.sign(jose.RS256, jose.JSONWebKey{Key: mustRSA(i.tb), KeyID: kid}, claims)
}

func (i *Issuer) sign(alg jose.SignatureAlgorithm, key jose.JSONWebKey, claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		i.tb.Fatal(err)
	}
	s, err := crypto.Sign(claims, signer)
	if err != nil {
		i.tb.Fatal(err)
	}
	return s
}

// Unsigned returns claims as a JWT with alg none.
func Unsigned(claims map[string]any) string {
	return encode(map[string]any{"alg": "none", "typ": "JWT"}, claims) + "."
}

// HMAC returns claims as a JWT signed HS256 with secret.
func HMAC(claims map[string]any, secret string) string {
	in := encode(map[string]any{"alg": "HS256", "typ": "JWT"}, claims)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func encode(header, claims map[string]any) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
}
