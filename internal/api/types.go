package api

import (
	"time"

	"roster"
	"roster/internal/app"
)

// User is a user as the API shows it.
type User struct {
	ID           string     `json:"id"`
	Username     string     `json:"username"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Role         string     `json:"role" enum:"admin,member,viewer"`
	Status       string     `json:"status" enum:"invited,active,deactivated"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	LastActiveAt *time.Time `json:"last_active_at"`
	// Invite is the pending invite of an invited user, shown to admins.
	Invite *InviteStatus `json:"invite,omitempty"`
	// LockedUntil is set while repeated failed sign-ins lock the account
	// for clients without a known device (D5); an admin may unlock it.
	LockedUntil *time.Time `json:"locked_until,omitempty"`
}

// InviteStatus is a pending invite and how far its mail got (E2).
// Delivery is manual when no mail sink is configured and an organization
// admin was shown the link, awaiting_admin when nobody was (H2).
type InviteStatus struct {
	ExpiresAt     time.Time  `json:"expires_at"`
	Delivery      string     `json:"delivery" enum:"queued,sent,failed,canceled,manual,awaiting_admin"`
	DeliveryError string     `json:"delivery_error,omitempty"`
	Attempts      int        `json:"delivery_attempts"`
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	SentAt        *time.Time `json:"sent_at"`
}

func inviteStatusJSON(st *app.InviteState) *InviteStatus {
	if st == nil {
		return nil
	}
	return &InviteStatus{ExpiresAt: st.ExpiresAt, Delivery: st.Delivery, DeliveryError: st.DeliveryError,
		Attempts: st.Attempts, NextAttemptAt: timePtr(st.NextAttemptAt), SentAt: timePtr(st.SentAt)}
}

// timePtr is nil for the zero time, for nullable JSON times.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func userJSON(u *roster.User) User {
	out := User{ID: u.ID, Username: u.Username, Email: u.Email, Name: u.Name, Role: string(u.Role),
		Status: string(u.Status), CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if !u.LastActiveAt.IsZero() {
		t := u.LastActiveAt
		out.LastActiveAt = &t
	}
	return out
}

// UserList is a page of users.
type UserList struct {
	Users      []User `json:"users"`
	NextCursor string `json:"next_cursor"`
}

// Viewer is the calling principal.
type Viewer struct {
	Kind           string          `json:"kind" enum:"user,service_account"`
	User           *User           `json:"user,omitempty"`
	ServiceAccount *ServiceAccount `json:"service_account,omitempty"`
	Via            string          `json:"auth" enum:"session,api_key,access_token"`
}

// SignupRequest is the first user's sign-up.
type SignupRequest struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name,omitempty"`
}

// LoginRequest signs in with a username or email and a password.
type LoginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
	// Method is local (the default: the Roster password) or ldap (the
	// password is checked by the LDAP directory, LOCAL_LDAP_LOGIN).
	Method string `json:"method,omitempty" enum:"local,ldap"`
	// Organization names the organization to sign in to, by name or id;
	// omitted, the instance's first. Usernames and emails are unique per
	// organization.
	Organization string `json:"organization,omitempty"`
}

// LoginResponse is the signed-in user; the session travels in a cookie.
type LoginResponse struct {
	User      User      `json:"user"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PasswordRequest changes the caller's password.
type PasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// APIKey is a key without its secret.
type APIKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Hint       string     `json:"hint"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

func apiKeyJSON(k *roster.APIKey) APIKey {
	out := APIKey{ID: k.ID, Name: k.Name, Hint: k.Hint, CreatedAt: k.CreatedAt}
	if !k.LastUsedAt.IsZero() {
		t := k.LastUsedAt
		out.LastUsedAt = &t
	}
	return out
}

// APIKeyList lists keys.
type APIKeyList struct {
	APIKeys []APIKey `json:"api_keys"`
}

// NewAPIKeyRequest names a new key.
type NewAPIKeyRequest struct {
	Name string `json:"name"`
}

// NewAPIKey is a created key with its secret, shown this once.
type NewAPIKey struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Key       string    `json:"key"`
	CreatedAt time.Time `json:"created_at"`
}

// InviteRequest invites a user to the organization.
type InviteRequest struct {
	Email string `json:"email"`
	Role  string `json:"role,omitempty" enum:"admin,member,viewer"`
}

// InvitedUser is an invited user; InviteURL is set while no mail sink is
// configured, for the admin to pass on by hand.
type InvitedUser struct {
	User
	InviteExpiresAt time.Time `json:"invite_expires_at"`
	InviteURL       string    `json:"invite_url,omitempty"`
}

func invitedJSON(res *app.InviteResult, showURL bool) InvitedUser {
	out := InvitedUser{User: userJSON(res.User), InviteExpiresAt: res.Invite.ExpiresAt}
	out.Invite = inviteStatusJSON(res.State)
	if showURL {
		out.InviteURL = res.URL
	}
	return out
}

// UpdateUserRequest changes a user: role (admins) or name (oneself).
type UpdateUserRequest struct {
	Role *string `json:"role,omitempty" enum:"admin,member,viewer"`
	Name *string `json:"name,omitempty"`
}

// AcceptInviteRequest accepts an invite with a chosen username and password.
type AcceptInviteRequest struct {
	Token    string `json:"token"`
	Username string `json:"username"`
	Password string `json:"password"`
	Name     string `json:"name,omitempty"`
	// JoinAccount accepts with the account the caller is signed in with in
	// another organization (#18): no password; username and name default
	// to the caller's.
	JoinAccount bool `json:"join_account,omitempty"`
}

// AuditEntry is one audit log line (L2).
type AuditEntry struct {
	Timestamp   string `json:"timestamp"`
	Action      string `json:"action"`
	ActorUserID string `json:"actor_user_id"`
	ActorEmail  string `json:"actor_email,omitempty"`
	ActorIP     string `json:"actor_ip,omitempty"`
	UserAsset   string `json:"user_asset,omitempty"`
	UserEmail   string `json:"user_email,omitempty"`
	EntityName  string `json:"entity_name,omitempty"`
	EntityAsset string `json:"entity_asset,omitempty"` // the team id
	ProjectName string `json:"project_name,omitempty"`
	// ProjectAsset is the project id.
	ProjectAsset string `json:"project_asset,omitempty"`
	Interface    string `json:"interface" enum:"ui,api,scim,sso,ldap,cli,graphql"`
	Details      string `json:"details,omitempty"`
	// ResponseCode is the HTTP status of the API request that made the
	// change; absent on entries of other interfaces.
	ResponseCode int `json:"response_code,omitempty"`
}

func auditJSON(e *roster.AuditEntry) AuditEntry {
	return AuditEntry{Timestamp: e.Timestamp.Format(time.RFC3339Nano), Action: e.Action, ActorUserID: e.ActorUserID,
		ActorEmail: e.ActorEmail, ActorIP: e.ActorIP, UserAsset: e.UserAsset, UserEmail: e.UserEmail,
		EntityName: e.EntityName, EntityAsset: e.EntityAsset, ProjectName: e.ProjectName, ProjectAsset: e.ProjectAsset,
		Interface: string(e.Via), Details: e.Details, ResponseCode: e.ResponseCode}
}

// AuditPage is a page of the audit log (I2).
type AuditPage struct {
	AuditLogs      []AuditEntry `json:"audit_logs"`
	RangeStartTime string       `json:"range_start_time"`
	RangeEndTime   string       `json:"range_end_time"`
	Count          int          `json:"count"`
	NextCursor     string       `json:"next_cursor"`
}
