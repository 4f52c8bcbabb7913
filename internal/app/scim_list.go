package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// UserRange selects users in creation order: those after the cursor (from
// the first when nil), skipping Skip of them, at most Limit.
type UserRange struct {
	After *store.UserCursor
	Skip  int
	Limit int
}

// UserCursorAt is the position of u in the creation order of users.
func UserCursorAt(u *roster.User) *store.UserCursor {
	return &store.UserCursor{CreatedAt: u.CreatedAt.UnixMicro(), ID: u.ID}
}

// ListSCIMUsers returns the users in r with their profiles and teams (C1);
// service accounts are not SCIM users (A2).
func (s *Service) ListSCIMUsers(ctx context.Context, a roster.Actor, r UserRange) ([]*DirectoryUser, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	if r.Limit <= 0 {
		return nil, nil
	}
	var out []*DirectoryUser
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		users, err := tx.ScanUsers(ctx, orgID(a), r.After, max(r.Skip, 0), r.Limit)
		if err != nil {
			return err
		}
		out, err = loadSCIMUsers(ctx, tx, users)
		return err
	})
	return out, err
}

// CountSCIMUsers counts the users ListSCIMUsers goes through.
func (s *Service) CountSCIMUsers(ctx context.Context, a roster.Actor) (int, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return 0, err
	}
	var n int
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountOrgUsers(ctx, orgID(a))
		return err
	})
	return n, err
}

// FindSCIMUsers returns, in creation order, the users an indexed look-up
// of keys finds, with their profiles and teams.
func (s *Service) FindSCIMUsers(ctx context.Context, a roster.Actor, keys store.SCIMUserKeys) ([]*DirectoryUser, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	var out []*DirectoryUser
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		ids, err := tx.SCIMUserIDs(ctx, orgID(a), keys)
		if err != nil {
			return err
		}
		users, err := tx.UsersByIDs(ctx, orgID(a), ids)
		if err != nil {
			return err
		}
		out, err = loadSCIMUsers(ctx, tx, users)
		return err
	})
	return out, err
}
