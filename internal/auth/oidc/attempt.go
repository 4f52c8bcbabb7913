package oidc

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// Attempt holds the secrets of one sign-in. State goes to the provider and
// comes back in the callback; Nonce goes into the ID token; Browser stays
// in a cookie of the browser that started the sign-in and is the source of
// the PKCE verifier, so the server keeps none of them in clear.
type Attempt struct {
	State   string
	Nonce   string
	Browser string
}

// NewAttempt draws fresh secrets, 256 bits each.
func NewAttempt() Attempt {
	return Attempt{State: random(), Nonce: random(), Browser: random()}
}

func random() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// PKCEVerifier derives the PKCE code verifier (RFC 7636: 43 characters of
// the unreserved set) from a browser secret.
func PKCEVerifier(browser string) string {
	h := sha256.Sum256([]byte("roster pkce\x00" + browser))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// Hash is the stored form of an attempt's secret.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func equalHash(a, b []byte) bool { return len(a) > 0 && subtle.ConstantTimeCompare(a, b) == 1 }
