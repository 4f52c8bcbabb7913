package app

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"roster"
	"roster/internal/store"
)

// RoleInput describes a custom role (R3).
type RoleInput struct {
	Name        string
	Description string
	Base        string   // member or viewer
	Permissions []string // extra permissions from the catalog
}

func (in RoleInput) role(org string) (*roster.CustomRole, error) {
	if len(in.Permissions) > len(roster.Catalog)*2 {
		return nil, roster.Errorf(roster.EInvalid, "too many permissions listed")
	}
	extra, err := roster.ParsePermList(in.Permissions)
	if err != nil {
		return nil, err
	}
	r := &roster.CustomRole{OrgID: org, Name: strings.TrimSpace(in.Name), Description: in.Description,
		Base: roster.TeamRole(strings.ToLower(strings.TrimSpace(in.Base))), Extra: extra}
	if r.Base == "read-only" {
		r.Base = roster.TeamViewer
	}
	if err := roster.ValidateCustomRole(r); err != nil {
		return nil, err
	}
	r.Extra &^= roster.BuiltinPerms(r.Base) // extras are what the base lacks
	return r, nil
}

// CreateCustomRole creates a custom role. Organization admins only.
func (s *Service) CreateCustomRole(ctx context.Context, a roster.Actor, in RoleInput) (*roster.CustomRole, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if err := s.RequireFeature(ctx, orgID(a), featureCustomRoles); err != nil {
		return nil, err
	}
	r, err := in.role(orgID(a))
	if err != nil {
		return nil, err
	}
	r.ID = roster.NewID("role")
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.CustomRole(ctx, r.OrgID, r.Name); err == nil {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonRoleNameTaken, "a custom role named %s already exists", r.Name)
		} else if !roster.IsNotFound(err) {
			return err
		}
		if err := tx.CreateCustomRole(ctx, r); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActRoleCreate, where{}, roleDetails(r))
	})
	if err != nil {
		return nil, fmt.Errorf("create custom role %s: %w", r.Name, err)
	}
	return r, nil
}

func roleDetails(r *roster.CustomRole) string {
	return fmt.Sprintf("%s (base %s, extra %s)", r.Name, r.Base, strings.Join(r.Extra.PermNames(), ","))
}

// ListCustomRoles lists the organization's custom roles to anyone signed in.
func (s *Service) ListCustomRoles(ctx context.Context, a roster.Actor) ([]*roster.CustomRole, error) {
	if err := requirePrincipal(a); err != nil {
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

// CustomRoleHolders counts the memberships holding each custom role, by
// role id, for organization admins: who an edit or a deletion reaches.
func (s *Service) CustomRoleHolders(ctx context.Context, a roster.Actor) (map[string]int, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var out map[string]int
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.CustomRoleHolders(ctx, orgID(a))
		return err
	})
	return out, err
}

// GetCustomRole returns one custom role by id or name.
func (s *Service) GetCustomRole(ctx context.Context, a roster.Actor, ref string) (*roster.CustomRole, error) {
	if err := requirePrincipal(a); err != nil {
		return nil, err
	}
	var r *roster.CustomRole
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		r, err = findRole(ctx, tx, orgID(a), ref)
		return err
	})
	return r, err
}

func findRole(ctx context.Context, tx *store.Tx, org, ref string) (*roster.CustomRole, error) {
	return findRoleWith(ctx, org, ref, tx.CustomRole)
}

// lockRole locks and loads a custom role for a read-modify-write, so the
// change is made to the role as it is under the lock (see store/tx.go).
func lockRole(ctx context.Context, tx *store.Tx, org, ref string) (*roster.CustomRole, error) {
	return findRoleWith(ctx, org, ref, tx.CustomRoleForUpdate)
}

func findRoleWith(ctx context.Context, org, ref string, load func(context.Context, string, string) (*roster.CustomRole, error)) (*roster.CustomRole, error) {
	if ref = roster.CleanRoleName(ref); ref == "" || utf8.RuneCountInString(ref) > roster.MaxRoleNameLen {
		return nil, roster.Errorf(roster.ENotFound, "no custom role %q", truncate(ref, 64))
	}
	r, err := load(ctx, org, ref)
	if roster.IsNotFound(err) {
		return nil, roster.Errorf(roster.ENotFound, "no custom role %q", ref)
	}
	return r, err
}

// UpdateCustomRole replaces a custom role's name, description, base and
// extras; every holder's permissions change at once (R3).
func (s *Service) UpdateCustomRole(ctx context.Context, a roster.Actor, ref string, in RoleInput) (*roster.CustomRole, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	next, err := in.role(orgID(a))
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := lockRole(ctx, tx, orgID(a), ref)
		if err != nil {
			return err
		}
		return updateRoleInTx(ctx, tx, a, r, next)
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}

// updateRoleInTx replaces role r with next, keeping its id.
func updateRoleInTx(ctx context.Context, tx *store.Tx, a roster.Actor, r, next *roster.CustomRole) error {
	if roster.RoleNameKey(next.Name) != roster.RoleNameKey(r.Name) {
		if _, err := tx.CustomRole(ctx, r.OrgID, next.Name); err == nil {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonRoleNameTaken, "a custom role named %s already exists", next.Name)
		} else if !roster.IsNotFound(err) {
			return err
		}
	}
	next.ID, next.CreatedAt = r.ID, r.CreatedAt
	if err := tx.UpdateCustomRole(ctx, next); err != nil {
		return err
	}
	return auditAt(ctx, tx, a, roster.ActRoleUpdate, where{}, roleDetails(next))
}

// DeleteCustomRole deletes a custom role; its holders fall back to its base
// role in the same transaction, and no membership is lost (R4).
func (s *Service) DeleteCustomRole(ctx context.Context, a roster.Actor, ref string) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		r, err := lockRole(ctx, tx, orgID(a), ref)
		if err != nil {
			return err
		}
		return deleteRoleInTx(ctx, tx, a, r)
	})
}

// deleteRoleInTx deletes role r, moving its holders to its base (R4).
func deleteRoleInTx(ctx context.Context, tx *store.Tx, a roster.Actor, r *roster.CustomRole) error {
	moved, err := tx.DeleteCustomRole(ctx, r)
	if err != nil {
		return err
	}
	return auditAt(ctx, tx, a, roster.ActRoleDelete, where{}, fmt.Sprintf("%s; %d holders moved to %s", r.Name, moved, r.Base))
}
