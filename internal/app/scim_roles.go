package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// ListSCIMRoles lists the organization's custom roles for SCIM.
func (s *Service) ListSCIMRoles(ctx context.Context, a roster.Actor) ([]*roster.CustomRole, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	var out []*roster.CustomRole
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListCustomRoles(ctx, orgID(a))
		return err
	})
	return out, err
}

// GetSCIMRole returns one custom role for SCIM.
func (s *Service) GetSCIMRole(ctx context.Context, a roster.Actor, id string) (*roster.CustomRole, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	var out *roster.CustomRole
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = findRole(ctx, tx, orgID(a), id)
		return err
	})
	return out, err
}

// CreateSCIMRole creates a custom role through SCIM (R3).
func (s *Service) CreateSCIMRole(ctx context.Context, a roster.Actor, in RoleInput) (*roster.CustomRole, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	return s.CreateCustomRole(ctx, a, in)
}

// ModifySCIMRole replaces a custom role with what fn derives from it (PUT
// and PATCH) in one transaction; holders change at once (R3).
func (s *Service) ModifySCIMRole(ctx context.Context, a roster.Actor, id string, check func(*roster.CustomRole) error, fn func(*roster.CustomRole) (RoleInput, error)) (*roster.CustomRole, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	var out *roster.CustomRole
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := lockRole(ctx, tx, orgID(a), id)
		if err != nil {
			return err
		}
		if err := holds(check, r); err != nil {
			return err
		}
		in, err := fn(r)
		if err != nil {
			return err
		}
		next, err := in.role(r.OrgID)
		if err != nil {
			return err
		}
		if err := updateRoleInTx(ctx, tx, a, r, next); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

// DeleteSCIMRole deletes a custom role; holders move to its base (R4).
func (s *Service) DeleteSCIMRole(ctx context.Context, a roster.Actor, id string, check func(*roster.CustomRole) error) error {
	if err := s.requireSCIM(ctx, a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := lockRole(ctx, tx, orgID(a), id)
		if err != nil {
			return err
		}
		if err := holds(check, r); err != nil {
			return err
		}
		return deleteRoleInTx(ctx, tx, a, r)
	})
}
