package license

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// GenerateKey returns a new key pair as standard base64: the 32-byte public
// key and the 32-byte private seed.
func GenerateKey() (public, private string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("generate key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(priv.Seed()), nil
}

// ParsePublicKey decodes a base64 public key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := decode(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errBadPublicKey
	}
	return ed25519.PublicKey(b), nil
}

// ParsePrivateKey decodes a base64 private key: a 32-byte seed or a 64-byte
// Ed25519 private key.
func ParsePrivateKey(s string) (ed25519.PrivateKey, error) {
	b, err := decode(s)
	switch {
	case err != nil:
	case len(b) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	case len(b) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(b), nil
	}
	return nil, errors.New("private key must be 32 or 64 bytes of standard base64, as `roster license keygen` prints")
}

// KeyID names a public key in license documents, so that a license signed
// by another key is told apart from one changed after signing.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return base64.RawURLEncoding.EncodeToString(h[:8])
}

// decode accepts standard or URL-safe base64, padded or not.
func decode(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(s)
}
