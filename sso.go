package roster

import (
	"regexp"
	"strings"
	"time"
)

// SSOClaims is what an identity provider vouched for in a verified ID
// token (S2-S6).
type SSOClaims struct {
	Issuer            string
	Subject           string
	Email             string
	EmailVerified     bool
	Name              string
	PreferredUsername string
	Groups            []string // team names, display names, or idp groups (ids, paths) mapped to teams (S6)
	// GroupsOverage tells that the provider had more groups than fit in
	// the token (Entra's _claim_names/_claim_sources, or hasgroups) and
	// sent none: the list is unknown, not empty.
	GroupsOverage bool
	// EmailSource names the claim the email came from: email, userinfo,
	// preferred_username or upn.
	EmailSource string
}

// Bounds on claims, so a provider cannot make Roster store unbounded data.
const (
	MaxClaimLen    = 255
	MaxGroupClaims = 500
)

// SSOLoginTTL is how long a started SSO sign-in may take to come back.
const SSOLoginTTL = 10 * time.Minute

// SSOLogin is one sign-in started at the identity provider. It binds the
// state, the nonce and the PKCE verifier to the browser that started it;
// only hashes of those secrets are stored, and it works once (S2).
type SSOLogin struct {
	StateHash   []byte
	BrowserHash []byte // hash of the secret in the browser's cookie
	NonceHash   []byte
	ReturnTo    string // local path to land on after signing in
	Org         string // the organization asked for, by name or id; "" for none
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time // zero until the callback consumed it
}

var nonUsernameRun = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// UsernameFrom derives a P4 username from a claim such as an email's local
// part or a preferred username: every run of other characters becomes '-'.
// The caller makes it unique. It returns "" when nothing usable is left.
func UsernameFrom(s string) string {
	n := strings.Trim(nonUsernameRun.ReplaceAllString(s, "-"), "-")
	if len(n) > 56 {
		n = strings.TrimRight(n[:56], "-")
	}
	return n
}

// DirectoryEntry is the person an LDAP directory vouched for by accepting
// their password: the entry's DN and the attributes LOCAL_LDAP_ATTRIBUTES
// maps.
type DirectoryEntry struct {
	DN       string
	Username string
	Email    string
	Name     string
	// Groups holds the group attribute's values, and for each value that
	// is a DN also its first RDN's value (cn=ml,ou=groups,... gives ml).
	Groups []string
}

// LDAPIssuer is the issuer under which directory identities are linked to
// users, beside the OIDC issuers; the subject is the entry's DN.
const LDAPIssuer = "ldap"
