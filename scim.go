package roster

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SCIMProfile is what an identity provider keeps on a user through SCIM
// (C1): the userName and externalId as sent and every other attribute it
// sent, keyed by the attribute's canonical name (extensions by schema URN).
type SCIMProfile struct {
	UserID     string
	OrgID      string
	UserName   string
	ExternalID string
	Attributes map[string]any
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// SCIMGroup is what an identity provider keeps on a team through SCIM (C2).
type SCIMGroup struct {
	TeamID     string
	OrgID      string
	ExternalID string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// MaxSCIMUserName bounds a SCIM userName.
const MaxSCIMUserName = 254

// ValidateSCIMUserName checks a userName sent by an identity provider.
func ValidateSCIMUserName(s string) error {
	if strings.TrimSpace(s) == "" || len(s) > MaxSCIMUserName || strings.ContainsAny(s, "\x00\r\n") || !utf8.ValidString(s) {
		return ReasonErrorf(EInvalid, ReasonInvalidUsername, "userName must be 1 to %d characters on one line", MaxSCIMUserName)
	}
	return nil
}

// UsernameFromSCIM derives a username (P4) from a SCIM userName: the name
// itself when it follows the rule, else the part before '@' with every run
// of other characters replaced by '-'. The caller makes it unique.
func UsernameFromSCIM(userName string) string {
	if ValidateUsername(userName) == nil {
		return userName
	}
	base := userName
	if at := strings.LastIndexByte(base, '@'); at > 0 {
		base = base[:at]
	}
	if n := UsernameFrom(base); n != "" {
		return n
	}
	return "user"
}

// WithSuffix returns name with a numeric suffix for the nth try at a
// unique name (n >= 2), keeping it within 64 characters.
func WithSuffix(name string, n int) string {
	if n < 2 {
		return name
	}
	suffix := "-" + strconv.Itoa(n)
	if len(name)+len(suffix) > 64 {
		name = name[:64-len(suffix)]
	}
	return name + suffix
}

// SCIMEmail is one of the email addresses an identity provider sent.
type SCIMEmail struct {
	Value   string
	Type    string
	Primary bool
}

// PickEmail chooses the address Roster uses for a SCIM user (C1): the
// primary one, else the first of type work, else the first, else the
// userName when it is an email address.
func PickEmail(emails []SCIMEmail, userName string) string {
	for _, e := range emails {
		if e.Primary && e.Value != "" {
			return e.Value
		}
	}
	for _, e := range emails {
		if strings.EqualFold(e.Type, "work") && e.Value != "" {
			return e.Value
		}
	}
	for _, e := range emails {
		if e.Value != "" {
			return e.Value
		}
	}
	if _, err := NormalizeEmail(userName); err == nil {
		return userName
	}
	return ""
}

// SCIMNames are the name parts an identity provider sent.
type SCIMNames struct {
	Display   string // displayName
	Formatted string // name.formatted
	Given     string // name.givenName
	Family    string // name.familyName
}

// SplitName derives given and family names from a display name: the
// first word and the rest; a single word is both, since identity
// providers such as Okta require both (README).
func SplitName(name string) (given, family string) {
	words := strings.Fields(name)
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return words[0], words[0]
	}
	return words[0], strings.Join(words[1:], " ")
}

// Pick chooses a user's display name: displayName, else the formatted
// name, else given and family names, else fallback.
func (n SCIMNames) Pick(fallback string) string {
	for _, s := range []string{n.Display, n.Formatted, strings.TrimSpace(n.Given + " " + n.Family)} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return fallback
}
