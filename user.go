package roster

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// OrgRole is a user's role in the organization (O5).
type OrgRole string

// Organization roles.
const (
	OrgAdmin  OrgRole = "admin"
	OrgMember OrgRole = "member"
	OrgViewer OrgRole = "viewer"
)

// ParseOrgRole validates an organization role given as input.
func ParseOrgRole(s string) (OrgRole, error) {
	switch r := OrgRole(strings.ToLower(strings.TrimSpace(s))); r {
	case OrgAdmin, OrgMember, OrgViewer:
		return r, nil
	}
	return "", ReasonErrorf(EInvalid, ReasonInvalidRole, "role %q is not one of admin, member, viewer", s)
}

// UserStatus is where a user stands in the organization (P3).
type UserStatus string

// User statuses. Removed users keep their row so their runs stay attributed
// (O9), but no interface lists or finds them.
const (
	StatusInvited     UserStatus = "invited"
	StatusActive      UserStatus = "active"
	StatusDeactivated UserStatus = "deactivated"
	StatusRemoved     UserStatus = "removed"
)

// ParseUserStatus validates a status filter given as input.
func ParseUserStatus(s string) (UserStatus, error) {
	switch st := UserStatus(strings.ToLower(strings.TrimSpace(s))); st {
	case StatusInvited, StatusActive, StatusDeactivated:
		return st, nil
	}
	return "", Errorf(EInvalid, "status %q is not one of invited, active, deactivated", s)
}

// HoldsSeat reports whether a user in this status takes a license seat (O13).
func (s UserStatus) HoldsSeat() bool { return s == StatusInvited || s == StatusActive }

// User is a person in the organization.
type User struct {
	ID           string
	OrgID        string
	Username     string // empty while the invite is pending
	Email        string
	Name         string
	Role         OrgRole
	Status       UserStatus
	PasswordHash string // argon2id PHC string; empty for invited and SSO-only users
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastActiveAt time.Time // zero when never active
	// EmailProven says the account belongs to whoever owns Email: set by an
	// accepted invite link, SCIM, SSO or the command line; any email change
	// except through SCIM clears it. SSO links only proven accounts.
	EmailProven bool
	// InstanceAdmin lets the user manage the instance's organizations
	// (#18): the first sign-up is one, as are the admins an instance had
	// before it held several organizations.
	InstanceAdmin bool
	// AccountID names the account this row shares with the person's rows
	// in other organizations (#18): one password for all of them. Empty
	// for a row that is an account of its own.
	AccountID string
}

// Account is the id of the account u belongs to: its AccountID, or its
// own id when it shares none.
func (u *User) Account() string {
	if u.AccountID != "" {
		return u.AccountID
	}
	return u.ID
}

// MaxNameLen bounds display names.
const MaxNameLen = 128

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidateUsername checks the P4 username rule.
func ValidateUsername(s string) error {
	if !usernameRE.MatchString(s) {
		return ReasonErrorf(EInvalid, ReasonInvalidUsername,
			"username must be 1 to 64 characters of letters, digits, '_' or '-'")
	}
	return nil
}

// NormalizeEmail validates an address and returns it trimmed, as given
// (P4); compare addresses with CanonicalEmail. The part before @ must be
// ASCII, which refuses look-alikes such as the Kelvin sign for "k", and the
// domain must be a valid (internationalized) domain name.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > 254 {
		return "", ReasonErrorf(EInvalid, ReasonInvalidEmail, "email must be a valid address of at most 254 characters")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") && !strings.HasSuffix(s, "@localhost") {
		return "", ReasonErrorf(EInvalid, ReasonInvalidEmail, "%q is not a valid email address", s)
	}
	if err := checkEmailParts(s); err != nil {
		return "", err
	}
	return s, nil
}

// ValidateName checks a person's display name: at most MaxNameLen
// characters on one line, without control characters.
func ValidateName(s string) error { return ValidateText("name", s, MaxNameLen) }

// Fold is the case-insensitive key of usernames, team, project and role
// names and team display names. Emails are compared by CanonicalEmail.
func Fold(s string) string { return strings.ToLower(s) }

// MinPasswordLen and MaxPasswordLen bound passwords (S1).
const (
	MinPasswordLen = 8
	MaxPasswordLen = 256
)

// ValidatePassword checks the S1 password rule.
func ValidatePassword(p string) error {
	if n := len([]rune(p)); n < MinPasswordLen || len(p) > MaxPasswordLen {
		return ReasonErrorf(EInvalid, ReasonInvalidPassword,
			"password must be between %d and %d characters", MinPasswordLen, MaxPasswordLen)
	}
	return nil
}
