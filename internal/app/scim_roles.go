package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// SCIMRole is a custom role as SCIM shows it (C3), with its version.
type SCIMRole struct {
	Role    *roster.CustomRole
	Version string
}

func scimRole(r *roster.CustomRole) *SCIMRole {
	return &SCIMRole{Role: r, Version: versionOf([]any{r.ID, r.Name, r.Description, r.Base, r.Extra})}
}

// ListSCIMRoles lists the organization's custom roles for SCIM.
func (s *Service) ListSCIMRoles(ctx context.Context, a roster.Actor) ([]*SCIMRole, error) {
	if err := s.requireSCIM(a); err != nil {
		return nil, err
	}
	var out []*SCIMRole
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		roles, err := tx.ListCustomRoles(ctx, orgID(a))
		for _, r := range roles {
			out = append(out, scimRole(r))
		}
		return err
	})
	return out, err
}

// GetSCIMRole returns one custom role for SCIM.
func (s *Service) GetSCIMRole(ctx context.Context, a roster.Actor, id string) (*SCIMRole, error) {
	if err := s.requireSCIM(a); err != nil {
		return nil, err
	}
	var out *SCIMRole
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		r, err := findRole(ctx, tx, orgID(a), id)
		if err == nil {
			out = scimRole(r)
		}
		return err
	})
	return out, err
}

// CreateSCIMRole creates a custom role through SCIM (R3).
func (s *Service) CreateSCIMRole(ctx context.Context, a roster.Actor, in RoleInput) (*SCIMRole, error) {
	if err := s.requireSCIM(a); err != nil {
		return nil, err
	}
	r, err := s.CreateCustomRole(ctx, a, in)
	if err != nil {
		return nil, err
	}
	return scimRole(r), nil
}

// ModifySCIMRole replaces a custom role with what fn derives from it (PUT
// and PATCH) in one transaction; holders change at once (R3).
func (s *Service) ModifySCIMRole(ctx context.Context, a roster.Actor, id string, ifMatch []string, fn func(*roster.CustomRole) (RoleInput, error)) (*SCIMRole, error) {
	if err := s.requireSCIM(a); err != nil {
		return nil, err
	}
	var out *SCIMRole
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := lockRole(ctx, tx, orgID(a), id)
		if err != nil {
			return err
		}
		if err := checkVersion(ifMatch, scimRole(r).Version); err != nil {
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
		out = scimRole(next)
		return nil
	})
	return out, err
}

// DeleteSCIMRole deletes a custom role; holders move to its base (R4).
func (s *Service) DeleteSCIMRole(ctx context.Context, a roster.Actor, id string, ifMatch []string) error {
	if err := s.requireSCIM(a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := lockRole(ctx, tx, orgID(a), id)
		if err != nil {
			return err
		}
		if err := checkVersion(ifMatch, scimRole(r).Version); err != nil {
			return err
		}
		return deleteRoleInTx(ctx, tx, a, r)
	})
}
