package app

import (
	"context"
	"crypto/rand"
	"fmt"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// LocalRestoreUsername is the break-glass admin's username (LOCAL_RESTORE).
const LocalRestoreUsername = "local-restore"

// localRestoreEmail is its address, in a domain that never receives mail.
const localRestoreEmail = "local-restore@roster.invalid"

// LocalRestore is what start-up did about the break-glass admin.
type LocalRestore struct {
	User     *roster.User
	Password string // set only when LOCAL_RESTORE is on: shown once, never stored
	Disabled bool   // LOCAL_RESTORE off: the admin was deactivated now
	Kept     string // LOCAL_RESTORE off: why the admin stays active
}

// newRestorePassword returns a random 24-character password.
func newRestorePassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 24)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// ApplyLocalRestore runs at server start-up (the server's own command
// line only). With LOCAL_RESTORE on it makes, or re-enables, the
// break-glass organization admin "local-restore" with a fresh temporary
// password (the previous one and its sessions end) for an instance whose
// SSO is broken. With it off it deactivates that admin, unless it is the
// only active admin (O3). Each change is audited.
func (s *Service) ApplyLocalRestore(ctx context.Context, a roster.Actor, on bool) (*LocalRestore, error) {
	if !isSystem(a) {
		return nil, errNotAdmin
	}
	out := &LocalRestore{}
	var hash string
	if on {
		out.Password = newRestorePassword()
		h, err := auth.HashPassword(out.Password, s.cfg.Argon2)
		if err != nil {
			return nil, err
		}
		hash = h
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.LockOrg(ctx, orgID(a)); err != nil {
			return err
		}
		u, err := tx.LocalRestoreUser(ctx, orgID(a))
		if roster.IsNotFound(err) {
			u, err = nil, nil
		}
		if err != nil {
			return err
		}
		if !on {
			return s.closeLocalRestore(ctx, tx, a, u, out)
		}
		out.User, err = s.openLocalRestore(ctx, tx, a, u, hash)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("LOCAL_RESTORE: %w", err)
	}
	return out, nil
}

// openLocalRestore creates or re-enables the break-glass admin with hash.
func (s *Service) openLocalRestore(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, hash string) (*roster.User, error) {
	if u == nil {
		u = &roster.User{ID: roster.NewID("u"), OrgID: orgID(a), Username: LocalRestoreUsername, Email: localRestoreEmail,
			Name: "Local restore (LOCAL_RESTORE)", Role: roster.OrgAdmin, Status: roster.StatusActive, EmailProven: true}
		if err := ensureUnique(ctx, tx, u); err != nil {
			return nil, fmt.Errorf("cannot make the break-glass admin: %w", err)
		}
		if err := s.ReserveSeat(ctx, tx, u.OrgID); err != nil {
			return nil, err
		}
		u.PasswordHash = hash
		if err := tx.CreateUser(ctx, u); err != nil {
			return nil, err
		}
		if err := tx.MarkLocalRestore(ctx, u.ID); err != nil {
			return nil, err
		}
		return u, audit(ctx, tx, a, roster.ActUserLocalRestore, u, "LOCAL_RESTORE=true: break-glass admin created with a temporary password")
	}
	if u.Status != roster.StatusActive {
		if err := s.ReserveSeat(ctx, tx, u.OrgID); err != nil {
			return nil, err
		}
	}
	u.Status, u.Role, u.PasswordHash = roster.StatusActive, roster.OrgAdmin, hash
	if err := tx.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
		return nil, err
	}
	return u, audit(ctx, tx, a, roster.ActUserLocalRestore, u, "LOCAL_RESTORE=true: break-glass admin enabled with a new temporary password")
}

// closeLocalRestore deactivates the break-glass admin once LOCAL_RESTORE
// is unset, keeping it only when it is the last active admin (O3).
func (s *Service) closeLocalRestore(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, out *LocalRestore) error {
	if u == nil || u.Status != roster.StatusActive {
		return nil
	}
	out.User = u
	if err := ensureNotLastAdmin(ctx, tx, u, "deactivate"); err != nil {
		out.Kept = roster.ErrorMessage(err)
		return nil
	}
	out.Disabled = true
	return s.setUserActive(ctx, tx, a, u, false, "LOCAL_RESTORE unset: break-glass admin deactivated")
}
