package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/store"
)

// CreateAdmin creates an active organization admin from the server's
// command line, to recover a locked-out instance (O4).
func (s *Service) CreateAdmin(ctx context.Context, a roster.Actor, username, email, password string) (*roster.User, error) {
	if !isSystem(a) {
		return nil, errNotAdmin
	}
	u, err := s.newLocalUser(username, email, password, "")
	if err != nil {
		return nil, err
	}
	// The operator at the server's command line vouches for the address,
	// and restores access to the instance, not just to its first
	// organization.
	u.Role, u.EmailProven, u.InstanceAdmin = roster.OrgAdmin, true, true
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.LockOrg(ctx, u.OrgID); err != nil {
			return err
		}
		if err := ensureUnique(ctx, tx, u); err != nil {
			return err
		}
		if err := s.ReserveSeat(ctx, tx, u.OrgID); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return audit(ctx, tx, a, roster.ActUserCreate, u, "admin created from the command line")
	})
	if err != nil {
		return nil, fmt.Errorf("create admin: %w", err)
	}
	return u, nil
}

// ensureUnique refuses a username or email another user already has.
func ensureUnique(ctx context.Context, tx *store.Tx, u *roster.User) error {
	if _, err := tx.UserByUsername(ctx, u.OrgID, u.Username); err == nil {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonUsernameTaken, "username %s is already taken", u.Username)
	} else if !roster.IsNotFound(err) {
		return err
	}
	if _, err := tx.UserByEmail(ctx, u.OrgID, u.Email); err == nil {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonEmailTaken, "a user with email %s already exists", u.Email)
	} else if !roster.IsNotFound(err) {
		return err
	}
	return nil
}

// ResetPassword sets a user's password from the command line and ends their
// sessions (O4). A deactivated admin is reactivated only by Reactivate.
func (s *Service) ResetPassword(ctx context.Context, a roster.Actor, ref, password string) (*roster.User, error) {
	if !isSystem(a) {
		return nil, errNotAdmin
	}
	var u *roster.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = findUser(ctx, tx, orgID(a), ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	if u.Username == "" {
		return nil, roster.Errorf(roster.EConflict, "%s has not accepted the invite yet; resend it instead", display(u))
	}
	return u, s.setPassword(ctx, a, u.ID, password, "", roster.ActUserResetPassword)
}

// CreateAPIKeyFor mints a key for a user from the command line, to
// bootstrap automation.
func (s *Service) CreateAPIKeyFor(ctx context.Context, a roster.Actor, ref, name string) (*NewKey, error) {
	if !isSystem(a) {
		return nil, errNotAdmin
	}
	var u *roster.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		u, err = findUser(ctx, tx, orgID(a), ref)
		return err
	})
	if err != nil {
		return nil, err
	}
	if u.Status != roster.StatusActive {
		return nil, roster.Errorf(roster.EConflict, "%s is not active", display(u))
	}
	return s.createUserKey(ctx, a, u, name)
}
