package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// NewKey is a freshly minted API key; Secret is shown once and never stored.
type NewKey struct {
	Key    *roster.APIKey
	Secret string
}

// CreateAPIKey mints a key for the acting user (A3).
func (s *Service) CreateAPIKey(ctx context.Context, a roster.Actor, name string) (*NewKey, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	return s.createUserKey(ctx, a, a.User, name)
}

func (s *Service) createUserKey(ctx context.Context, a roster.Actor, owner *roster.User, name string) (*NewKey, error) {
	if err := roster.ValidateKeyName(name); err != nil {
		return nil, err
	}
	secret, hash := auth.NewAPIKey()
	k := &roster.APIKey{ID: roster.NewID("key"), OrgID: owner.OrgID, PrincipalID: owner.ID, Name: name,
		Hint: secret[len(secret)-4:], Hash: hash}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		// The server's own command line restores access; the setting
		// governs every other edge.
		if off, err := tx.KeyCreationDisabled(ctx, owner.OrgID); err != nil {
			return err
		} else if off && !isSystem(a) {
			return errKeyCreationDisabled()
		}
		n, err := tx.CountAPIKeys(ctx, owner.ID)
		if err != nil {
			return err
		}
		if n >= roster.MaxAPIKeysPerPrincipal {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonTooManyKeys,
				"%s already holds %d API keys, the most allowed; delete one first", display(owner), n)
		}
		if err := tx.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return audit(ctx, tx, a, roster.ActUserCreateAPIKey, owner, "key "+k.ID+" "+truncate(name, 64))
	})
	if err != nil {
		return nil, fmt.Errorf("create api key: %w", err)
	}
	return &NewKey{Key: k, Secret: secret}, nil
}

// ListAPIKeys lists the acting user's keys, without secrets.
func (s *Service) ListAPIKeys(ctx context.Context, a roster.Actor) ([]*roster.APIKey, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	var keys []*roster.APIKey
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		keys, err = tx.ListAPIKeys(ctx, a.UserID())
		return err
	})
	return keys, err
}

// DeleteAPIKey deletes one of the acting user's keys.
func (s *Service) DeleteAPIKey(ctx context.Context, a roster.Actor, id string) error {
	if err := requireUser(a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteAPIKey(ctx, a.UserID(), id); err != nil {
			if roster.IsNotFound(err) {
				return roster.Errorf(roster.ENotFound, "you have no API key %q", truncate(id, 64))
			}
			return err
		}
		return audit(ctx, tx, a, roster.ActUserDeleteAPIKey, a.User, "key "+id)
	})
}

// ChangePassword replaces the actor's password after checking the current
// one, and ends every other session of theirs (S1).
func (s *Service) ChangePassword(ctx context.Context, a roster.Actor, current, next string) error {
	if err := requireUser(a); err != nil {
		return err
	}
	ok, err := auth.CheckPassword(a.User.PasswordHash, current)
	if err != nil {
		return fmt.Errorf("check password: %w", err)
	}
	if !ok {
		return roster.ReasonErrorf(roster.EForbidden, roster.ReasonBadCredentials, "the current password is wrong")
	}
	return s.setPassword(ctx, a, a.User.ID, next, a.SessionID, roster.ActUserChangePassword)
}

// setPassword hashes and stores a password and ends the user's sessions
// except keepSession.
func (s *Service) setPassword(ctx context.Context, a roster.Actor, userID, password, keepSession, action string) error {
	if err := roster.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password, s.cfg.Argon2)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		// Users change under the organization lock (see adminChange), so
		// the new hash cannot write back a status changed meanwhile.
		if err := tx.LockOrg(ctx, orgID(a)); err != nil {
			return err
		}
		u, err := tx.UserByID(ctx, orgID(a), userID)
		if err != nil {
			return err
		}
		// One password for every organization the person's account is
		// in (#18), and a changed one signs them out everywhere else.
		if err := tx.SetAccountPassword(ctx, u.Account(), hash); err != nil {
			return err
		}
		if err := tx.DeleteAccountSessions(ctx, u.Account(), keepSession); err != nil {
			return err
		}
		return audit(ctx, tx, a, action, u, "")
	})
}
