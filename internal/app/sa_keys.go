package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// serviceAccountForKeys loads a service account whose keys the actor
// manages: organization admins for organization service accounts, holders
// of team:manage_service_accounts for a team's (A1). Others learn nothing
// about ids they cannot manage.
func (s *Service) serviceAccountForKeys(ctx context.Context, tx *store.Tx, a roster.Actor, id string) (*roster.ServiceAccount, error) {
	if err := requireUser(a); err != nil && !isSystem(a) {
		return nil, err
	}
	noSA := roster.Errorf(roster.ENotFound, "no service account %q", truncate(id, 64))
	sa, err := tx.ServiceAccount(ctx, orgID(a), id)
	if roster.IsNotFound(err) {
		return nil, noSA
	} else if err != nil {
		return nil, err
	}
	if sa.IsOrgScoped() {
		if err := requireAdmin(a); err != nil {
			return nil, err
		}
		return sa, nil
	}
	v, err := s.loadTeam(ctx, tx, a, sa.TeamID)
	if roster.IsNotFound(err) {
		return nil, noSA
	} else if err != nil {
		return nil, err
	}
	if err := v.require(roster.PermTeamManageServiceAccounts); err != nil {
		if v.member == nil {
			return nil, noSA // outsiders do not learn which team owns the id
		}
		return nil, err
	}
	return sa, nil
}

// ListServiceAccountKeys lists a service account's keys, without secrets.
func (s *Service) ListServiceAccountKeys(ctx context.Context, a roster.Actor, saID string) ([]*roster.APIKey, error) {
	var keys []*roster.APIKey
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		sa, err := s.serviceAccountForKeys(ctx, tx, a, saID)
		if err != nil {
			return err
		}
		keys, err = tx.ListAPIKeys(ctx, sa.ID)
		return err
	})
	return keys, err
}

// CreateServiceAccountKey mints another key for a service account, so that
// a key can be replaced without downtime (A3). The organization setting
// that stops personal keys leaves these to their admins.
func (s *Service) CreateServiceAccountKey(ctx context.Context, a roster.Actor, saID, name string) (*NewKey, error) {
	if err := roster.ValidateKeyName(name); err != nil {
		return nil, err
	}
	secret, hash := auth.NewAPIKey()
	k := &roster.APIKey{ID: roster.NewID("key"), PrincipalID: saID, Name: name, Hint: secret[len(secret)-4:], Hash: hash}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		sa, err := s.serviceAccountForKeys(ctx, tx, a, saID)
		if err != nil {
			return err
		}
		if sa.Subject != "" {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonFederatedSubject,
				"service account %s is external: it signs in with JWTs whose sub is %q and has no API key", sa.Name, truncate(sa.Subject, 200))
		}
		n, err := tx.CountAPIKeys(ctx, sa.ID)
		if err != nil {
			return err
		}
		if n >= roster.MaxAPIKeysPerPrincipal {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonTooManyKeys,
				"service account %s already holds %d API keys, the most allowed; delete one first", sa.Name, n)
		}
		k.OrgID, k.PrincipalID = sa.OrgID, sa.ID
		if err := tx.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActServiceAccountCreateAPIKey, where{team: sa.TeamName}, saKeyDetails(sa, k))
	})
	if err != nil {
		return nil, fmt.Errorf("create api key of service account %s: %w", truncate(saID, 64), err)
	}
	return &NewKey{Key: k, Secret: secret}, nil
}

// RenameServiceAccountKey renames a service account's key; the secret and
// whatever uses it are untouched.
func (s *Service) RenameServiceAccountKey(ctx context.Context, a roster.Actor, saID, keyID, name string) (*roster.APIKey, error) {
	if err := roster.ValidateKeyName(name); err != nil {
		return nil, err
	}
	var k *roster.APIKey
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		sa, err := s.serviceAccountForKeys(ctx, tx, a, saID)
		if err != nil {
			return err
		}
		if k, err = renameKey(ctx, tx, sa.OrgID, sa.ID, keyID, name); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActAPIKeyRename, where{team: sa.TeamName}, saKeyDetails(sa, k))
	})
	return k, err
}

// DeleteServiceAccountKey deletes one of a service account's keys; it
// stops working at once.
func (s *Service) DeleteServiceAccountKey(ctx context.Context, a roster.Actor, saID, keyID string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		sa, err := s.serviceAccountForKeys(ctx, tx, a, saID)
		if err != nil {
			return err
		}
		k, err := tx.APIKeyByID(ctx, sa.OrgID, keyID)
		if err == nil && k.PrincipalID != sa.ID {
			err = roster.ErrNotFound
		}
		if err == nil {
			err = tx.DeleteAPIKey(ctx, sa.ID, keyID)
		}
		if roster.IsNotFound(err) {
			return roster.Errorf(roster.ENotFound, "service account %s has no API key %q", sa.Name, truncate(keyID, 64))
		} else if err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActServiceAccountDeleteAPIKey, where{team: sa.TeamName}, saKeyDetails(sa, k))
	})
}

// renameKey renames one of a principal's keys, in the principal's
// organization org, and returns it.
func renameKey(ctx context.Context, tx *store.Tx, org, principalID, keyID, name string) (*roster.APIKey, error) {
	if err := tx.RenameAPIKey(ctx, principalID, keyID, name); roster.IsNotFound(err) {
		return nil, roster.Errorf(roster.ENotFound, "no API key %q", truncate(keyID, 64))
	} else if err != nil {
		return nil, err
	}
	k, err := tx.APIKeyByID(ctx, org, keyID)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// RenameAPIKey renames one of the acting user's keys.
func (s *Service) RenameAPIKey(ctx context.Context, a roster.Actor, keyID, name string) (*roster.APIKey, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	if err := roster.ValidateKeyName(name); err != nil {
		return nil, err
	}
	var k *roster.APIKey
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if k, err = renameKey(ctx, tx, orgID(a), a.User.ID, keyID, name); err != nil {
			return err
		}
		return audit(ctx, tx, a, roster.ActAPIKeyRename, a.User, "key "+k.ID+" "+truncate(name, 64))
	})
	return k, err
}

func saKeyDetails(sa *roster.ServiceAccount, k *roster.APIKey) string {
	return "key " + k.ID + " " + truncate(k.Name, 64) + " of service account " + sa.Name + " (" + sa.ID + ")"
}
