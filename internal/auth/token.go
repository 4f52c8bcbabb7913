package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
)

// KeyPrefix starts every Roster API key so secret scanners can match them.
const KeyPrefix = "roster"

// keySecretLen is the number of random characters after the prefix (A3
// asks for at least 40).
const keySecretLen = 48

const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewAPIKey mints a key shaped "roster-<48 of [A-Za-z0-9]>" and returns it
// with the SHA-256 hash that is stored. Keys carry about 285 bits of
// entropy, so a fast hash is safe and lets a lookup use an index.
func NewAPIKey() (key string, hash []byte) {
	key = KeyPrefix + "-" + randomString(keySecretLen)
	return key, HashToken(key)
}

// LooksLikeAPIKey reports whether s has the shape of a Roster key.
func LooksLikeAPIKey(s string) bool {
	rest, ok := strings.CutPrefix(s, KeyPrefix+"-")
	if !ok || len(rest) < 40 || len(rest) > 128 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// NewToken returns a random opaque token (sessions, invites) and its hash.
func NewToken() (token string, hash []byte) {
	token = randomString(43)
	return token, HashToken(token)
}

// HashToken is the stored form of a high-entropy secret.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// EqualHash compares two hashes in constant time.
func EqualHash(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

// randomString draws n characters of keyAlphabet without modulo bias.
func randomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		for _, b := range buf {
			if int(b) < 256-256%len(keyAlphabet) && len(out) < n {
				out = append(out, keyAlphabet[int(b)%len(keyAlphabet)])
			}
		}
	}
	return string(out)
}

// AccessTokenPrefix starts every access token exchanged for a JWT: it has
// the shape of an API key, so clients send it wherever they send keys,
// and minted keys never contain its underscore.
const AccessTokenPrefix = KeyPrefix + "-at_"

// NewAccessToken mints an access token and returns it with its stored hash.
func NewAccessToken() (token string, hash []byte) {
	token = AccessTokenPrefix + randomString(keySecretLen)
	return token, HashToken(token)
}

// IsAccessToken reports whether s has the shape of an access token.
func IsAccessToken(s string) bool {
	return strings.HasPrefix(s, AccessTokenPrefix) && LooksLikeAPIKey(s)
}
