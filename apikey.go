package roster

import "time"

// MaxAPIKeysPerPrincipal bounds the keys one principal may hold (A3).
const MaxAPIKeysPerPrincipal = 100

// APIKey is a principal's API key. The secret itself is never stored.
type APIKey struct {
	ID          string
	OrgID       string
	PrincipalID string // a user id or a service account id
	Name        string
	Hint        string // the key's last four characters, to tell keys apart
	Hash        []byte
	CreatedAt   time.Time
	LastUsedAt  time.Time // zero when never used
	// OrgStatus is the status of the key's organization, read with the key
	// where it authenticates a request (store.Tx.APIKeyUser); empty
	// elsewhere.
	OrgStatus OrgStatus
}

// ValidateKeyName checks an API key's name.
func ValidateKeyName(s string) error {
	if n := len([]rune(s)); n == 0 || n > MaxNameLen {
		return Errorf(EInvalid, "key name must be 1 to %d characters", MaxNameLen)
	}
	return ValidateText("key name", s, MaxNameLen)
}

// Session is a signed-in browser or API session, stored server-side.
type Session struct {
	ID        string
	UserID    string
	TokenHash []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	IP        string
	// Method is how the session was opened: SessionPassword or SessionSSO.
	Method string
	// UserAgent is the browser or client that opened it, cut to
	// MaxUserAgentLen.
	UserAgent string
	// LastSeenAt is when the session last authenticated a request, to the
	// minute; zero until then.
	LastSeenAt time.Time
	// OrgStatus is the status of the user's organization, read with the
	// session where it authenticates a request (store.Tx.SessionUser);
	// empty elsewhere.
	OrgStatus OrgStatus
}

// How a session was opened.
const (
	SessionPassword = "password"
	SessionSSO      = "sso"
	SessionSwitch   = "switch" // moved from the person's membership in another organization
)

// MaxUserAgentLen bounds the user agent kept with a session.
const MaxUserAgentLen = 200
