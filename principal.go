package roster

import (
	"crypto/rand"
	"time"
)

// DefaultOrgID is the instance's first organization, the one a fresh
// instance starts with and every path without an organization means (P1).
const DefaultOrgID = "org_default"

// OrgStatus is an organization's state (#18).
type OrgStatus string

// Organization statuses. A suspended organization refuses its members'
// sign-ins and keys; a deleted one answers as if it never existed.
const (
	OrgActive    OrgStatus = "active"
	OrgSuspended OrgStatus = "suspended"
	OrgDeleted   OrgStatus = "deleted"
)

// Organization is the top scope below the instance.
type Organization struct {
	ID          string
	Name        string // follows the username rule, unique per instance case-insensitively
	DisplayName string
	Status      OrgStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// OrgSummary is an organization as instance admins list it, with its use.
type OrgSummary struct {
	Organization
	Users     int // users who are not removed
	SeatsUsed int // invited and active users (O13)
	Teams     int
	// SeatLimit is the seat limit of the license governing the
	// organization, 0 when unlimited; under the instance license it is
	// shared with every organization that license governs.
	SeatLimit int
	// License is what governs it: "instance" (the instance license, or
	// none) or "organization" (a license naming it).
	License string
}

// PrincipalKind tells users from service accounts (P2).
type PrincipalKind string

// Principal kinds.
const (
	KindUser           PrincipalKind = "user"
	KindServiceAccount PrincipalKind = "service_account"
)

// Interface names the edge a change came through (L2).
type Interface string

// Interfaces.
const (
	ViaUI   Interface = "ui"
	ViaAPI  Interface = "api"
	ViaSCIM Interface = "scim"
	ViaSSO  Interface = "sso"
	// ViaLDAP is the sign-in checked by a bind at an LDAP directory.
	ViaLDAP Interface = "ldap"
	ViaCLI  Interface = "cli"
	// ViaGraphQL is the W&B-compatible GraphQL edge the wandb SDK calls.
	ViaGraphQL Interface = "graphql"
)

// Actor is who asks for a use case, through which interface, from where.
// A nil User means an anonymous caller (sign-up, sign-in, invite accept) or
// the server's own command line.
type Actor struct {
	User           *User
	ServiceAccount *ServiceAccount // set instead of User for service account keys
	SessionID      string          // set when authenticated by a session
	APIKeyID       string          // set when authenticated by an API key
	AccessTokenID  string          // set when authenticated by an access token exchanged for a JWT
	IP             string
	UserAgent      string // the client's User-Agent header, as sent
	Via            Interface
	// ResponseCode is the status a REST request is answered with when it
	// succeeds, recorded in its audit entries; 0 off the REST API.
	ResponseCode int
}

// IsOrgAdmin reports whether the actor is an active organization admin.
func (a Actor) IsOrgAdmin() bool {
	return a.User != nil && a.User.Status == StatusActive && a.User.Role == OrgAdmin
}

// UserID returns the acting user's id, or "" when anonymous.
func (a Actor) UserID() string {
	if a.User == nil {
		return ""
	}
	return a.User.ID
}

// PrincipalID returns the acting user's or service account's id.
func (a Actor) PrincipalID() string {
	if a.ServiceAccount != nil {
		return a.ServiceAccount.ID
	}
	return a.UserID()
}

// Email returns the acting user's email, or "".
func (a Actor) Email() string {
	if a.User == nil {
		return ""
	}
	return a.User.Email
}

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// NewID returns a random identifier with a readable type prefix, such as
// "u_k3j9...". 20 random characters give about 103 bits.
func NewID(prefix string) string {
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	out := make([]byte, 0, len(prefix)+1+len(b))
	out = append(out, prefix...)
	out = append(out, '_')
	for _, c := range b {
		out = append(out, idAlphabet[int(c)%len(idAlphabet)])
	}
	return string(out)
}

// OrgMembership is one organization a person's account belongs to (#18):
// the users row that acts there, with its role.
type OrgMembership struct {
	UserID  string
	Org     Organization
	Role    OrgRole
	Current bool // the row the caller acts as
}
