package roster

import "time"

// InviteTTL is how long an invite link stays valid (O8).
const InviteTTL = 7 * 24 * time.Hour

// Invite is a pending invitation of a user to the organization.
type Invite struct {
	ID         string
	OrgID      string
	UserID     string
	Email      string
	Role       OrgRole
	InviterID  string
	TokenHash  []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time // zero until accepted
	RevokedAt  time.Time // zero unless revoked or replaced by a resend
	// AwaitingAdmin marks an invite that has no usable link: someone who
	// is not an organization admin made it without a mail sink, and only
	// an organization admin's resend creates the link (H2).
	AwaitingAdmin bool
}

// Usable reports whether the invite can still be accepted at now.
func (i *Invite) Usable(now time.Time) bool {
	return i.AcceptedAt.IsZero() && i.RevokedAt.IsZero() && now.Before(i.ExpiresAt)
}
