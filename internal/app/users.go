package app

import (
	"context"
	"fmt"
	"time"

	"roster"
	"roster/internal/store"
)

// MaxPageSize bounds every list page.
const MaxPageSize = 200

// UserPage is one page of the user list.
type UserPage struct {
	Users      []*roster.User
	NextCursor string
	Invites    map[string]*InviteState // pending invites of the page's invited users, by user id
	// LockedUntil says, by user id, until when each locked user of the
	// page is refused sign-ins from clients without a known device.
	LockedUntil map[string]time.Time
}

// ListUsers searches and filters the organization's users (O12). Admins only.
func (s *Service) ListUsers(ctx context.Context, a roster.Actor, f store.UserFilter) (UserPage, error) {
	if err := requireAdmin(a); err != nil {
		return UserPage{}, err
	}
	if len(f.Query) > 256 {
		return UserPage{}, roster.Errorf(roster.EInvalid, "query must be at most 256 characters")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, MaxPageSize)
	var page UserPage
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if page.Users, page.NextCursor, err = tx.ListUsers(ctx, orgID(a), f); err != nil {
			return err
		}
		if page.Invites, err = inviteStates(ctx, tx, page.Users); err != nil {
			return err
		}
		page.LockedUntil, err = s.lockedUntil(ctx, tx, page.Users)
		return err
	})
	return page, err
}

// Viewer returns the signed-in user as the request's credential found them:
// the session or key check read the row in this request already, so no
// second read is needed (GET /api/v1/viewer on every SDK start, #12).
func (s *Service) Viewer(a roster.Actor) (*roster.User, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	u := *a.User
	return &u, nil
}

// GetUser returns a user by id or username: any user to an admin, and
// oneself to anyone signed in.
func (s *Service) GetUser(ctx context.Context, a roster.Actor, ref string) (*roster.User, error) {
	if err := requireUser(a); err != nil && !isSystem(a) {
		return nil, err
	}
	var u *roster.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = findUser(ctx, tx, orgID(a), ref)
		return err
	})
	if err != nil {
		// Non-admins learn nothing about other users, not even whether
		// one exists: a missing user is refused like any other.
		if roster.IsNotFound(err) && requireAdmin(a) != nil {
			return nil, errNotAdmin
		}
		return nil, err
	}
	if u.ID != a.UserID() && requireAdmin(a) != nil {
		return nil, errNotAdmin
	}
	return u, nil
}

// ViewUser returns one user as GetUser does, for a person opening their
// profile; opening someone else's is recorded (user:read), as W&B does.
func (s *Service) ViewUser(ctx context.Context, a roster.Actor, ref string) (*roster.User, error) {
	u, err := s.GetUser(ctx, a, ref)
	if err != nil {
		return nil, err
	}
	if err := s.recordUserRead(ctx, a, u); err != nil {
		return nil, err
	}
	return u, nil
}

// recordUserRead writes the user:read entry of a looking at another
// user's profile; one's own is not recorded.
func (s *Service) recordUserRead(ctx context.Context, a roster.Actor, u *roster.User) error {
	if u.ID == a.UserID() {
		return nil
	}
	if err := s.db.Tx(ctx, func(tx *store.Tx) error { return audit(ctx, tx, a, roster.ActUserRead, u, "") }); err != nil {
		return fmt.Errorf("record user read: %w", err)
	}
	return nil
}

// findUser looks a user up by id, then by username, then by email.
func findUser(ctx context.Context, tx *store.Tx, org, ref string) (*roster.User, error) {
	if ref == "" || len(ref) > 254 {
		return nil, roster.Errorf(roster.ENotFound, "no user %q", truncate(ref, 64))
	}
	u, err := tx.UserByID(ctx, org, ref)
	if roster.IsNotFound(err) {
		u, err = tx.UserByUsername(ctx, org, ref)
	}
	if roster.IsNotFound(err) {
		u, err = tx.UserByEmail(ctx, org, ref)
	}
	if roster.IsNotFound(err) {
		return nil, roster.Errorf(roster.ENotFound, "no user %q in this organization", truncate(ref, 64))
	}
	return u, err
}

// adminChange runs fn on the user named by ref inside a transaction that
// holds the organization lock, after checking the actor is an admin.
func (s *Service) adminChange(ctx context.Context, a roster.Actor, ref string, fn func(tx *store.Tx, u *roster.User) error) (*roster.User, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var u *roster.User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = lockUser(ctx, tx, a, ref); err != nil {
			return err
		}
		return fn(tx, u)
	})
	return u, err
}

// lockUser takes the organization lock that every user write holds (the
// lock order is in store/tx.go) and finds the user ref names under it.
func lockUser(ctx context.Context, tx *store.Tx, a roster.Actor, ref string) (*roster.User, error) {
	if err := tx.LockOrg(ctx, orgID(a)); err != nil {
		return nil, err
	}
	return findUser(ctx, tx, orgID(a), ref)
}

// ChangeRole changes a user's organization role (O10).
func (s *Service) ChangeRole(ctx context.Context, a roster.Actor, ref string, role roster.OrgRole) (*roster.User, error) {
	return s.adminChange(ctx, a, ref, func(tx *store.Tx, u *roster.User) error {
		return s.setOrgRole(ctx, tx, a, u, role, "")
	})
}

// Deactivate stops a user from signing in and ends their sessions and keys
// at once; memberships stay (O11).
func (s *Service) Deactivate(ctx context.Context, a roster.Actor, ref string) (*roster.User, error) {
	return s.adminChange(ctx, a, ref, func(tx *store.Tx, u *roster.User) error {
		return s.setUserActive(ctx, tx, a, u, false, "")
	})
}

// Reactivate lets a deactivated user sign in again; it needs a free seat.
func (s *Service) Reactivate(ctx context.Context, a roster.Actor, ref string) (*roster.User, error) {
	return s.adminChange(ctx, a, ref, func(tx *store.Tx, u *roster.User) error {
		return s.setUserActive(ctx, tx, a, u, true, "")
	})
}

// setOrgRole is the one transition of a user's organization role, for
// every edge (O5, O10, C4): organization admins only, never leaving the
// organization without an active admin (O3), audited. The caller holds the
// organization lock; u is updated in place.
func (s *Service) setOrgRole(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, role roster.OrgRole, detail string) error {
	if u.Role == role {
		return nil
	}
	if err := requireAdmin(a); err != nil {
		return err
	}
	if _, err := roster.ParseOrgRole(string(role)); err != nil {
		return err
	}
	if role != roster.OrgAdmin {
		if err := ensureNotLastAdmin(ctx, tx, u, "demote"); err != nil {
			return err
		}
	}
	old := u.Role
	u.Role = role
	if err := tx.UpdateUser(ctx, u); err != nil {
		return err
	}
	return audit(ctx, tx, a, roster.ActOrgUpdateMember, u, withDetail(fmt.Sprintf("role %s -> %s", old, role), detail))
}

// setUserActive is the one transition between active and deactivated, for
// every edge (O11, C1): organization admins only; deactivating keeps an
// active admin (O3) and ends the user's sessions at once, while keys stay
// and stop working because every request checks the owner's status;
// reactivating needs a free seat (O13). Invited users are left as they
// are: they become active by accepting. The caller holds the organization
// lock; u is updated in place.
func (s *Service) setUserActive(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, active bool, detail string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	action := roster.ActUserReactivate
	switch {
	case u.Status == roster.StatusInvited && !active:
		return roster.Errorf(roster.EConflict, "%s has not accepted the invite yet; revoke the invite instead", display(u))
	case u.Status == roster.StatusInvited, active == (u.Status == roster.StatusActive):
		return nil
	case active:
		if err := s.ReserveSeat(ctx, tx, u.OrgID); err != nil {
			return err
		}
		u.Status = roster.StatusActive
	default:
		if err := ensureNotLastAdmin(ctx, tx, u, "deactivate"); err != nil {
			return err
		}
		u.Status, action = roster.StatusDeactivated, roster.ActUserDeactivate
		if err := s.freeSeat(ctx, tx, u.OrgID); err != nil {
			return err
		}
	}
	if err := tx.UpdateUser(ctx, u); err != nil {
		return err
	}
	if !active {
		if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
	}
	return audit(ctx, tx, a, action, u, detail)
}

// RemoveUser takes a user out of the organization (O9): their sessions,
// keys and invites end and their seat frees, while the row stays so that
// what they created keeps its author.
func (s *Service) RemoveUser(ctx context.Context, a roster.Actor, ref string) error {
	_, err := s.adminChange(ctx, a, ref, func(tx *store.Tx, u *roster.User) error {
		return s.removeUser(ctx, tx, a, u, roster.ActUserDelete)
	})
	return err
}

// removeUser is the one transition out of the organization (O9), for every
// edge: it keeps an active admin (O3), ends the user's sessions, keys,
// memberships and invites, and frees the seat. The caller has checked who
// may remove and holds the organization lock.
func (s *Service) removeUser(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, action string) error {
	if err := ensureNotLastAdmin(ctx, tx, u, "remove"); err != nil {
		return err
	}
	if u.Status.HoldsSeat() {
		if err := s.freeSeat(ctx, tx, u.OrgID); err != nil {
			return err
		}
	}
	u.Status = roster.StatusRemoved
	if err := tx.UpdateUser(ctx, u); err != nil {
		return err
	}
	if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return err
	}
	if err := tx.DeletePrincipalAPIKeys(ctx, u.ID); err != nil {
		return err
	}
	if err := tx.DeletePrincipalAccessTokens(ctx, u.ID); err != nil {
		return err
	}
	if err := tx.RemoveAllMemberships(ctx, u.ID); err != nil {
		return err
	}
	if err := tx.CancelInviteMail(ctx, u.ID); err != nil {
		return err
	}
	if err := tx.RevokeInvites(ctx, u.ID); err != nil {
		return err
	}
	return audit(ctx, tx, a, action, u, "")
}

// UserChange is a change of a user through REST: the organization role
// (admins) and the display name (the user alone); nil leaves a field.
type UserChange struct {
	Role *roster.OrgRole
	Name *string
}

// UpdateUser changes a user's role, name or both in one transaction, so
// that a refused part leaves the other unchanged (D4).
func (s *Service) UpdateUser(ctx context.Context, a roster.Actor, ref string, in UserChange) (*roster.User, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	if in.Role == nil && in.Name == nil {
		return nil, roster.Errorf(roster.EInvalid, "send role or name to change")
	}
	if in.Name != nil {
		if err := roster.ValidateName(*in.Name); err != nil {
			return nil, err
		}
	}
	if in.Role != nil {
		if err := requireAdmin(a); err != nil {
			return nil, err
		}
	}
	var u *roster.User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = lockUser(ctx, tx, a, ref)
		if roster.IsNotFound(err) && requireAdmin(a) != nil {
			return errNotAdmin // non-admins learn nothing of other users
		}
		if err != nil {
			return err
		}
		if u.ID != a.UserID() && requireAdmin(a) != nil {
			return errNotAdmin
		}
		if in.Name != nil && u.ID != a.UserID() {
			return roster.Errorf(roster.EForbidden, "only %s may change their own name", display(u))
		}
		if in.Role != nil {
			if err := s.setOrgRole(ctx, tx, a, u, *in.Role, ""); err != nil {
				return err
			}
		}
		if in.Name == nil {
			return nil
		}
		u.Name = *in.Name
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return audit(ctx, tx, a, roster.ActUserUpdate, u, "name")
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UpdateProfile changes the actor's own display name.
func (s *Service) UpdateProfile(ctx context.Context, a roster.Actor, name string) (*roster.User, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	if err := roster.ValidateName(name); err != nil {
		return nil, err
	}
	var u *roster.User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		// Users change under the organization lock (see adminChange), so
		// the rename cannot write back a role or status changed meanwhile.
		if err := tx.LockOrg(ctx, orgID(a)); err != nil {
			return err
		}
		var err error
		if u, err = tx.UserByID(ctx, orgID(a), a.UserID()); err != nil {
			return err
		}
		u.Name = name
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return audit(ctx, tx, a, roster.ActUserUpdate, u, "name")
	})
	return u, err
}
