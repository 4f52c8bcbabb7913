// Package license signs and verifies Roster licenses (O14): a JSON payload
// and its Ed25519 signature, each base64url-encoded, joined by a dot on one
// line of text.
package license

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Feature names a licensed capability.
type Feature string

// Features a license may enable (O14).
const (
	CustomRoles     Feature = "custom_roles"
	ViewerTeamRole  Feature = "viewer_team_role"
	ServiceAccounts Feature = "service_accounts"
	SCIM            Feature = "scim"
	SSO             Feature = "sso"
)

// Label names the feature for people, as messages show it.
func (f Feature) Label() string {
	switch f {
	case CustomRoles:
		return "custom roles"
	case ViewerTeamRole:
		return "the Read-only team role"
	case ServiceAccounts:
		return "service accounts"
	case SCIM:
		return "SCIM provisioning"
	case SSO:
		return "single sign-on"
	}
	return string(f)
}

// AllFeatures lists every feature, in a stable order.
func AllFeatures() []Feature {
	return []Feature{CustomRoles, ViewerTeamRole, ServiceAccounts, SCIM, SSO}
}

// ParseFeature validates a feature name given as input.
func ParseFeature(s string) (Feature, error) {
	f := Feature(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(AllFeatures(), f) {
		return "", fmt.Errorf("unknown feature %q; known features are %s", s, featureList())
	}
	return f, nil
}

func featureList() string {
	var names []string
	for _, f := range AllFeatures() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// DateLayout is how expiry dates are written.
const DateLayout = "2006-01-02"

// License is a verified license's content.
type License struct {
	Version  int       `json:"v"`
	KeyID    string    `json:"kid"`
	Licensee string    `json:"licensee"`
	Seats    int       `json:"seats"`
	Features []Feature `json:"features"`
	Expires  string    `json:"expires"` // last valid day, YYYY-MM-DD (UTC)
	IssuedAt time.Time `json:"issued_at"`
	// Organization is the name of the organization the license is for
	// (organizations.name, compared case-insensitively); empty for the
	// instance: every organization without a license of its own. Older
	// documents have none and are instance licenses.
	Organization string `json:"organization,omitempty"`
}

// ForInstance reports whether the license is the instance's, not one
// organization's.
func (l *License) ForInstance() bool { return l.Organization == "" }

// Scope names what the license is for in people's words: "the instance"
// or "organization NAME".
func (l *License) Scope() string {
	if l.ForInstance() {
		return "the instance"
	}
	return "organization " + l.Organization
}

// ExpiresAt is the first instant the license no longer holds: the start of
// the day after its last valid day, in UTC.
func (l *License) ExpiresAt() time.Time {
	d, err := time.Parse(DateLayout, l.Expires)
	if err != nil {
		return time.Time{}
	}
	return d.AddDate(0, 0, 1)
}

// Expired reports whether the license has run out at now.
func (l *License) Expired(now time.Time) bool { return !now.Before(l.ExpiresAt()) }

// Has reports whether the license enables f.
func (l *License) Has(f Feature) bool { return slices.Contains(l.Features, f) }

// Errors Verify returns; check them with errors.Is.
var (
	ErrMalformed    = errors.New("license is not a Roster license document (want payload.signature, base64url)")
	ErrNoPublicKey  = errors.New("no public key to verify the license: set ROSTER_LICENSE_PUBLIC_KEY")
	ErrWrongKey     = errors.New("license was signed by a different key than ROSTER_LICENSE_PUBLIC_KEY")
	ErrTampered     = errors.New("license signature does not match its content: it was changed after signing")
	ErrExpired      = errors.New("license has expired")
	errBadPublicKey = errors.New("public key must be 32 bytes of standard base64")
)

// Issue signs l with key and returns the one-line document. KeyID and
// Version are filled in.
func Issue(l License, key ed25519.PrivateKey) (string, error) {
	if strings.TrimSpace(l.Licensee) == "" {
		return "", errors.New("licensee must not be empty")
	}
	if !utf8.ValidString(l.Licensee) {
		// JSON would sign U+FFFD in place of the bad bytes: another name.
		return "", errors.New("licensee must be valid UTF-8")
	}
	if l.Seats < 1 {
		return "", errors.New("seats must be at least 1")
	}
	if l.Organization != strings.TrimSpace(l.Organization) || !utf8.ValidString(l.Organization) ||
		strings.ContainsAny(l.Organization, " \t\r\n,") {
		return "", fmt.Errorf("organization %q must be an organization's name, without spaces or commas", l.Organization)
	}
	if _, err := time.Parse(DateLayout, l.Expires); err != nil {
		return "", fmt.Errorf("expiry %q must be a date YYYY-MM-DD", l.Expires)
	}
	for _, f := range l.Features {
		if _, err := ParseFeature(string(f)); err != nil {
			return "", err
		}
	}
	if l.Features == nil {
		l.Features = []Feature{}
	}
	l.Version = 1
	l.KeyID = KeyID(key.Public().(ed25519.PublicKey))
	l.IssuedAt = l.IssuedAt.UTC().Truncate(time.Second)
	payload, err := json.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("encode license: %w", err)
	}
	body := base64.RawURLEncoding.EncodeToString(payload)
	sig := ed25519.Sign(key, []byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// Verify checks doc's signature against pub and its expiry against now. An
// expired license is returned along with ErrExpired so callers can show it.
func Verify(doc string, pub ed25519.PublicKey, now time.Time) (*License, error) {
	l, err := Parse(doc, pub)
	if err != nil {
		return nil, err
	}
	if l.Expired(now) {
		return l, fmt.Errorf("%w on %s", ErrExpired, l.Expires)
	}
	return l, nil
}

// Parse checks doc's signature against pub and decodes it, without
// looking at the expiry.
func Parse(doc string, pub ed25519.PublicKey) (*License, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, ErrNoPublicKey
	}
	body, sigText, ok := strings.Cut(strings.TrimSpace(doc), ".")
	if !ok || len(doc) > 64<<10 {
		return nil, ErrMalformed
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(body)
	sig, err2 := base64.RawURLEncoding.DecodeString(sigText)
	var l License
	if err1 != nil || err2 != nil || json.Unmarshal(payload, &l) != nil {
		return nil, ErrMalformed
	}
	if l.KeyID != KeyID(pub) {
		return nil, ErrWrongKey
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, []byte(body), sig) {
		return nil, ErrTampered
	}
	if l.Version != 1 {
		return nil, fmt.Errorf("license format version %d is not supported by this roster", l.Version)
	}
	if _, err := time.Parse(DateLayout, l.Expires); err != nil || l.Seats < 1 {
		return nil, ErrMalformed
	}
	return &l, nil
}

// Split cuts a LICENSE setting into its documents: one or more, separated
// by whitespace or commas (neither occurs inside a document).
func Split(docs string) []string {
	return strings.FieldsFunc(docs, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
}
