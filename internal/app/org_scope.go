package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// ActsIn checks that the organization ref names (its id or name) is the
// one the actor acts in, for REST paths that name their organization
// (/api/v1/orgs/{org}/...). Any other organization, whether it exists or
// not, is "not found" alike, so a path tells nobody which organizations
// there are. Anonymous callers are asked to sign in first.
func (s *Service) ActsIn(ctx context.Context, a roster.Actor, ref string) error {
	if a.User == nil && a.ServiceAccount == nil {
		return errUnauthenticated
	}
	var o *roster.Organization
	err := s.db.ReadNow(ctx, func(tx *store.Tx) error {
		var err error
		o, err = tx.Organization(ctx, ref)
		return err
	})
	if err != nil && !roster.IsNotFound(err) {
		return err
	}
	if err != nil || o.ID != orgID(a) {
		return errNoOrg(ref)
	}
	return nil
}
