package app

import (
	"context"

	"roster"
)

// isSCIMServiceAccount reports whether the actor is an organization service
// account calling through SCIM, which A1 lets act as an admin there.
func isSCIMServiceAccount(a roster.Actor) bool {
	return a.Via == roster.ViaSCIM && a.ServiceAccount != nil && a.ServiceAccount.IsOrgScoped()
}

var errNotSCIM = roster.ReasonErrorf(roster.EForbidden, roster.ReasonNotSCIMCaller,
	"only organization admins and organization service accounts may use SCIM")

// requireSCIM admits the callers of SCIM (section 9): active organization
// admins and organization service accounts, when the license allows SCIM.
func (s *Service) requireSCIM(ctx context.Context, a roster.Actor) error {
	if a.ServiceAccount != nil && !a.ServiceAccount.IsOrgScoped() {
		return errNotSCIM
	}
	if a.User == nil && a.ServiceAccount == nil {
		return errUnauthenticated
	}
	if err := requireAdmin(a); err != nil {
		if roster.ErrorCode(err) == roster.EForbidden {
			return errNotSCIM
		}
		return err
	}
	return s.RequireFeature(ctx, orgID(a), featureSCIM)
}

// holds runs an edge's precondition on the current state of a resource,
// which the caller has locked, before anything changes; nil always holds.
func holds[T any](check func(T) error, cur T) error {
	if check == nil {
		return nil
	}
	return check(cur)
}

// AuthorizeSCIM refuses callers who may not use SCIM, for edge endpoints
// that call no other use case (discovery).
func (s *Service) AuthorizeSCIM(ctx context.Context, a roster.Actor) error {
	return s.requireSCIM(ctx, a)
}
