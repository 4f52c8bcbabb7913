package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// DirectoryUser is a user as the identity provider's directory sees it
// (C1): the Roster user, the profile the provider keeps on it, and its
// team memberships.
type DirectoryUser struct {
	User    *roster.User
	Profile *roster.SCIMProfile // nil until SCIM first touches the user
	Teams   []*store.TeamMembership
	// namesFree: a create found its userName and email owned by nobody
	// earlier in this transaction (adoptionCandidate), so applying it
	// need not look again.
	namesFree bool
}

// UserName is the SCIM userName: as sent, else the username, else (for a
// pending invite) the email.
func (v *DirectoryUser) UserName() string {
	switch {
	case v.Profile != nil:
		return v.Profile.UserName
	case v.User.Username != "":
		return v.User.Username
	}
	return v.User.Email
}

// UserNames are the userNames the user answers to in filters: the SCIM
// userName; a user SCIM never touched (made by sign-up, invite or SSO)
// answers to their username and their email, so that identity providers
// find and adopt them (README).
func (v *DirectoryUser) UserNames() []string {
	if v.Profile != nil {
		return []string{v.Profile.UserName}
	}
	var out []string
	for _, n := range []string{v.User.Username, v.User.Email} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// ExternalID is the identity provider's id for the user, or "".
func (v *DirectoryUser) ExternalID() string {
	if v.Profile == nil {
		return ""
	}
	return v.Profile.ExternalID
}

// DerivedName is the name shown for a user the identity provider sent no
// name parts for: split from the display name, else the username, else
// the email's local part (README).
func (v *DirectoryUser) DerivedName() (given, family, formatted string) {
	name := strings.TrimSpace(v.User.Name)
	if name == "" {
		name = v.User.Username
	}
	if name == "" {
		name, _, _ = strings.Cut(v.User.Email, "@")
	}
	given, family = roster.SplitName(name)
	return given, family, name
}

// Attributes are the other attributes the identity provider sent.
func (v *DirectoryUser) Attributes() map[string]any {
	if v.Profile == nil {
		return nil
	}
	return v.Profile.Attributes
}

// SCIMUserInput is the state SCIM asks a user to be in.
type SCIMUserInput struct {
	UserName   string
	ExternalID string
	Emails     []roster.SCIMEmail
	Names      roster.SCIMNames
	Active     *bool          // nil keeps the status (active on create)
	OrgRole    roster.OrgRole // "" keeps the role (member on create)
	TeamRoles  []TeamJoin     // nil keeps the memberships
	Attributes map[string]any // everything else, kept as sent
}

// SCIMWrite qualifies a SCIM change.
type SCIMWrite struct {
	Check    func(*DirectoryUser) error // the edge's precondition on the locked current state; nil for none
	Password string                     // a new password, write-only; "" leaves it
}

// loadSCIMUsers completes users with their profiles and memberships.
func loadSCIMUsers(ctx context.Context, tx *store.Tx, users []*roster.User) ([]*DirectoryUser, error) {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	profiles, err := tx.SCIMProfiles(ctx, ids)
	if err != nil {
		return nil, err
	}
	teams, err := tx.UserMemberships(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*DirectoryUser, len(users))
	for i, u := range users {
		out[i] = &DirectoryUser{User: u, Profile: profiles[u.ID], Teams: teams[u.ID]}
	}
	return out, nil
}

// loadSCIMUser loads one user of organization org by id for SCIM; another
// organization's user is not found, as an unknown id is.
func loadSCIMUser(ctx context.Context, tx *store.Tx, org, id string) (*DirectoryUser, error) {
	users, err := tx.UsersByIDs(ctx, org, []string{id})
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, roster.Errorf(roster.ENotFound, "no user %q", truncate(id, 64))
	}
	views, err := loadSCIMUsers(ctx, tx, users)
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

// GetSCIMUser returns one user for SCIM.
func (s *Service) GetSCIMUser(ctx context.Context, a roster.Actor, id string) (*DirectoryUser, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	var v *DirectoryUser
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		v, err = loadSCIMUser(ctx, tx, orgID(a), id)
		return err
	})
	return v, err
}

// scimPassword validates and hashes a password sent through SCIM, before
// any transaction starts; "" stays "".
func (s *Service) scimPassword(p string) (string, error) {
	if p == "" {
		return "", nil
	}
	if err := roster.ValidatePassword(p); err != nil {
		return "", err
	}
	hash, err := auth.HashPassword(p, s.cfg.Argon2)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// CreateSCIMUser provisions an active user without an invite, taking a
// seat (C1, O13); active false creates it deactivated, without a seat.
func (s *Service) CreateSCIMUser(ctx context.Context, a roster.Actor, in SCIMUserInput, w SCIMWrite) (*DirectoryUser, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	hash, err := s.scimPassword(w.Password)
	if err != nil {
		return nil, err
	}
	var out *DirectoryUser
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		// The seat is taken at commit and unique indexes keep names
		// apart (store.Tx): no organization lock unless several teams.
		if err := lockForTeams(ctx, tx, orgID(a), len(in.TeamRoles)); err != nil {
			return err
		}
		cur, namesFree, err := adoptionCandidate(ctx, tx, orgID(a), in)
		if err != nil {
			return err
		}
		if cur != nil {
			// Adopting changes an existing user, which happens under the
			// organization lock (adminChange): take it, nothing else is
			// locked yet, and look again under it.
			if err := tx.LockOrg(ctx, orgID(a)); err != nil {
				return err
			}
			if cur, namesFree, err = adoptionCandidate(ctx, tx, orgID(a), in); err != nil {
				return err
			}
		}
		adopting := cur != nil
		if !adopting {
			u := &roster.User{ID: roster.NewID("u"), OrgID: orgID(a), Role: roster.OrgMember, Status: roster.StatusActive}
			cur = &DirectoryUser{User: u, namesFree: namesFree}
		}
		if out, err = s.applySCIMUser(ctx, tx, a, cur, in, hash); err == nil && (len(in.TeamRoles) > 0 || adopting) {
			out, err = loadSCIMUser(ctx, tx, orgID(a), cur.User.ID) // the memberships or the profile changed
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("provision user %s: %w", truncate(in.UserName, 64), err)
	}
	return out, nil
}

// adoptionCandidate finds the user a SCIM create names who existed before
// SCIM (sign-up, invite, SSO): the one user its userName or Roster email
// matches, when SCIM does not manage them yet. Adopting them is safe: a
// SCIM caller may already change every user of the organization through
// PUT and PATCH (section 9). A userName and an email that name two users
// conflict; a user SCIM already manages is left to the usual uniqueness
// checks (409); nil means a new user.
func adoptionCandidate(ctx context.Context, tx *store.Tx, org string, in SCIMUserInput) (cur *DirectoryUser, namesFree bool, err error) {
	var ids []string
	owner, err := tx.SCIMUserNameOwner(ctx, org, in.UserName)
	if err != nil {
		return nil, false, err
	}
	if owner != "" {
		ids = append(ids, owner)
	}
	emailFree := false
	if email, err := roster.NormalizeEmail(roster.PickEmail(in.Emails, in.UserName)); err == nil {
		u, err := tx.UserByEmail(ctx, org, email)
		switch {
		case err == nil && u.OrgID == org && u.Status != roster.StatusRemoved && !slices.Contains(ids, u.ID):
			ids = append(ids, u.ID)
		case roster.IsNotFound(err):
			emailFree = true
		case err != nil:
			return nil, false, err
		}
	}
	switch {
	case len(ids) == 0:
		return nil, owner == "" && emailFree, nil
	case len(ids) > 1:
		return nil, false, roster.ReasonErrorf(roster.EConflict, roster.ReasonUsernameTaken,
			"userName %s and email %s belong to two different users", truncate(in.UserName, 64), roster.PickEmail(in.Emails, in.UserName))
	}
	cur, err = loadSCIMUser(ctx, tx, org, ids[0])
	switch {
	case roster.IsNotFound(err):
		return nil, false, nil // removed: the uniqueness checks answer
	case err != nil || cur.Profile != nil:
		return nil, false, err
	}
	return cur, false, nil
}

// ModifySCIMUser changes a user to the state fn derives from its current
// one (PUT and PATCH), all in one transaction (C5, C7).
func (s *Service) ModifySCIMUser(ctx context.Context, a roster.Actor, id string, w SCIMWrite, fn func(*DirectoryUser) (SCIMUserInput, error)) (*DirectoryUser, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	hash, err := s.scimPassword(w.Password)
	if err != nil {
		return nil, err
	}
	var out *DirectoryUser
	orgLock := false // set when a run finds a rule at stake: the next takes the lock first
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		read := func() (*DirectoryUser, SCIMUserInput, error) {
			cur, err := loadSCIMUser(ctx, tx, orgID(a), id)
			if err != nil {
				return nil, SCIMUserInput{}, err
			}
			if err := holds(w.Check, cur); err != nil {
				return nil, SCIMUserInput{}, err
			}
			in, err := fn(cur)
			return cur, in, err
		}
		if err := lockSCIMUser(ctx, tx, orgID(a), id, orgLock); err != nil {
			return err
		}
		cur, in, err := read()
		if err != nil {
			return err
		}
		if !orgLock && needsOrgLock(cur, in) {
			orgLock = true
			return store.ErrUserChanged // run again, the organization lock first (lock order)
		}
		if _, err := s.applySCIMUser(ctx, tx, a, cur, in, hash); err != nil {
			return err
		}
		out, err = loadSCIMUser(ctx, tx, orgID(a), id)
		return err
	})
	return out, err
}

// needsOrgLock reports whether a SCIM change of an existing user decides
// an organization-wide rule, and so takes the organization lock: the last
// admin (O3) when the user is an active admin now, or several teams'
// locks (lock order, store/tx.go). Other changes need only the user's row
// lock (lockSCIMUser): unique indexes keep names apart, the seat counter
// counts seats, and a holder of the organization lock that read the user
// before and writes them back after meets store.Tx.UpdateUser's check and
// runs again on the fresh row.
func needsOrgLock(cur *DirectoryUser, in SCIMUserInput) bool {
	return isActiveAdmin(cur.User) || len(in.TeamRoles) > 1
}

// lockSCIMUser takes the locks a SCIM change of user id starts with: the
// organization's when org (a rule is at stake), then the user row's, so
// that a change of the same user, and its precondition (If-Match), waits
// for the one before it (C5).
func lockSCIMUser(ctx context.Context, tx *store.Tx, org, id string, orgLock bool) error {
	if orgLock {
		if err := tx.LockOrg(ctx, org); err != nil {
			return err
		}
	}
	return tx.LockUser(ctx, id)
}

// isActiveAdmin reports whether u counts toward the last-admin rule (O3).
func isActiveAdmin(u *roster.User) bool {
	return u.Role == roster.OrgAdmin && u.Status == roster.StatusActive
}

// DeleteSCIMUser deactivates a user (C1), or removes them when the server
// is configured so (O9); a pending invite is revoked either way.
func (s *Service) DeleteSCIMUser(ctx context.Context, a roster.Actor, id string, check func(*DirectoryUser) error) error {
	if err := s.requireSCIM(ctx, a); err != nil {
		return err
	}
	orgLock := s.cfg.SCIMDeleteRemoves // set when a run finds a rule at stake, as in ModifySCIMUser
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := lockSCIMUser(ctx, tx, orgID(a), id, orgLock); err != nil {
			return err
		}
		cur, err := loadSCIMUser(ctx, tx, orgID(a), id)
		if err != nil {
			return err
		}
		// Deactivating a user who is not an active admin decides no
		// organization-wide rule; removing one (an invited user's
		// delete revokes, which removes) drops memberships in several
		// teams, which only the organization lock's holder may.
		if !orgLock && (cur.User.Status == roster.StatusInvited || isActiveAdmin(cur.User)) {
			orgLock = true
			return store.ErrUserChanged // run again, the organization lock first
		}
		if err := holds(check, cur); err != nil {
			return err
		}
		u := cur.User
		switch {
		case u.Status == roster.StatusInvited:
			return s.removeSCIMUser(ctx, tx, a, u, roster.ActUserRevokeInvite)
		case s.cfg.SCIMDeleteRemoves:
			return s.removeSCIMUser(ctx, tx, a, u, roster.ActUserDelete)
		}
		return s.setUserActive(ctx, tx, a, u, false, "through SCIM")
	})
}

// removeSCIMUser removes a user (O9) and forgets their SCIM profile, so
// their userName is free again.
func (s *Service) removeSCIMUser(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, action string) error {
	if err := tx.DeleteSCIMProfile(ctx, u.ID); err != nil {
		return err
	}
	return s.removeUser(ctx, tx, a, u, action)
}
