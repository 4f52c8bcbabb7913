// Package federation verifies the JWTs of registered issuers for identity
// federation (RFC 7523): it finds an issuer's JWKS through its discovery
// document, caches the keys for their HTTP cache lifetime, fetches them
// again when a JWT names an unknown key, and keeps using cached keys while
// the issuer is down until they expire. It decides nothing about who may
// sign in; internal/app does.
package federation

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Errors of a refused JWT; each is wrapped with the detail of what failed.
var (
	ErrMalformed   = errors.New("malformed JWT")
	ErrAlgorithm   = errors.New("refused signing algorithm")
	ErrSignature   = errors.New("signature not verified")
	ErrUnreachable = errors.New("issuer keys unavailable")
)

// Algorithms are the asymmetric signing algorithms accepted; none and the
// HMAC family are refused, since a shared secret cannot come from a public
// JWKS.
var Algorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// MaxJWTLen bounds an assertion's size.
const MaxJWTLen = 16 << 10

// Token is a parsed, not yet verified JWT.
type Token struct {
	jwt    *jwt.JSONWebToken
	Alg    string
	KeyID  string
	Issuer string // unverified until Verify
}

// Claims are a verified JWT's registered claims; absent times are zero.
type Claims struct {
	Issuer    string
	Subject   string
	Audience  []string
	Expiry    time.Time
	NotBefore time.Time
	IssuedAt  time.Time
	ID        string
}

// Parse reads a compact JWS without verifying it, refusing alg none and
// HMAC with ErrAlgorithm.
func Parse(raw string) (*Token, error) {
	if len(raw) > MaxJWTLen {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxJWTLen)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: want three dot-separated parts (a compact JWS), got %d", ErrMalformed, len(parts))
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err != nil || json.Unmarshal(hb, &h) != nil {
		return nil, fmt.Errorf("%w: the header is not base64url JSON", ErrMalformed)
	}
	switch {
	case h.Alg == "":
		return nil, fmt.Errorf("%w: the header names no alg", ErrMalformed)
	case strings.EqualFold(h.Alg, "none"):
		return nil, fmt.Errorf("%w: alg none (an unsigned JWT) is refused", ErrAlgorithm)
	case strings.HasPrefix(strings.ToUpper(h.Alg), "HS"):
		return nil, fmt.Errorf("%w: alg %s (HMAC, a shared secret) is refused; sign with a key published in the issuer's JWKS (RS256, ES256)", ErrAlgorithm, h.Alg)
	}
	known := false
	for _, a := range Algorithms {
		known = known || string(a) == h.Alg
	}
	if !known {
		return nil, fmt.Errorf("%w: alg %q is not supported; use RS256, ES256 or another of %v", ErrAlgorithm, trunc(h.Alg), Algorithms)
	}
	tok, err := jwt.ParseSigned(raw, Algorithms)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var iss struct {
		Iss string `json:"iss"`
	}
	if err := tok.UnsafeClaimsWithoutVerification(&iss); err != nil {
		return nil, fmt.Errorf("%w: the claims are not JSON: %v", ErrMalformed, err)
	}
	return &Token{jwt: tok, Alg: h.Alg, KeyID: h.Kid, Issuer: iss.Iss}, nil
}

// verifyWith checks the signature with one key and returns the claims.
func (t *Token) verifyWith(k jose.JSONWebKey) (*Claims, error) {
	var c jwt.Claims
	if err := t.jwt.Claims(k.Key, &c); err != nil {
		return nil, err
	}
	out := &Claims{Issuer: c.Issuer, Subject: c.Subject, Audience: c.Audience, ID: c.ID}
	if c.Expiry != nil {
		out.Expiry = c.Expiry.Time()
	}
	if c.NotBefore != nil {
		out.NotBefore = c.NotBefore.Time()
	}
	if c.IssuedAt != nil {
		out.IssuedAt = c.IssuedAt.Time()
	}
	return out, nil
}

// usable reports whether key k may verify a JWT signed with alg.
func usable(k jose.JSONWebKey, alg string) bool {
	if k.Use != "" && k.Use != "sig" {
		return false
	}
	return k.Algorithm == "" || k.Algorithm == alg
}

func trunc(s string) string {
	if len(s) > 64 {
		return s[:64]
	}
	return s
}
