package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/store"
)

// UserDetails is what an organization admin sees of one user on its page:
// teams and roles, API keys (never their secrets), open sessions, how the user signs in
// and whether SCIM manages them.
type UserDetails struct {
	User  *roster.User
	Teams []*store.TeamMembership
	// Keys are the user's API keys, newest first, without their hashes.
	Keys []*roster.APIKey
	// Sessions are the user's open sessions, most recently used first.
	Sessions    []*roster.Session
	HasPassword bool
	SSO         []store.SSOIdentity
	// LDAP says the instance accepts directory passwords (LOCAL_LDAP_LOGIN),
	// which this user may sign in with too.
	LDAP bool
	// SCIM is the user's SCIM record when an identity provider manages
	// them, otherwise nil.
	SCIM *roster.SCIMProfile
}

// UserDetail returns one user's details; organization admins only, and
// others learn nothing, not even whether the user exists. The read is
// recorded (user:read), as opening a user through the API is.
func (s *Service) UserDetail(ctx context.Context, a roster.Actor, ref string) (*UserDetails, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	d := &UserDetails{LDAP: s.LDAPEnabled()}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := findUser(ctx, tx, orgID(a), ref)
		if err != nil {
			return err
		}
		d.User, d.HasPassword = u, u.PasswordHash != ""
		teams, err := tx.UserMemberships(ctx, []string{u.ID})
		if err != nil {
			return err
		}
		d.Teams = teams[u.ID]
		if d.Keys, err = tx.ListAPIKeys(ctx, u.ID); err != nil {
			return err
		}
		for _, k := range d.Keys {
			k.Hash = nil
		}
		if d.Sessions, err = tx.UserSessions(ctx, u.ID); err != nil {
			return err
		}
		if d.SSO, err = tx.UserSSOIdentities(ctx, u.ID); err != nil {
			return err
		}
		profiles, err := tx.SCIMProfiles(ctx, []string{u.ID})
		d.SCIM = profiles[u.ID]
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", truncate(ref, 64), err)
	}
	if err := s.recordUserRead(ctx, a, d.User); err != nil {
		return nil, err
	}
	d.User.PasswordHash = ""
	return d, nil
}
