package app

import (
	"context"
	"fmt"
	"time"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// SignupOpen reports whether first-user sign-up is still open (O1, O2).
func (s *Service) SignupOpen(ctx context.Context) (bool, error) {
	var n int
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountUsers(ctx)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	return n == 0, nil
}

// UserTeams maps users to the names of their teams, for the user list.
// Admins only.
func (s *Service) UserTeams(ctx context.Context, a roster.Actor, userIDs []string) (map[string][]string, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if len(userIDs) > MaxPageSize {
		return nil, roster.Errorf(roster.EInvalid, "ask for at most %d users at once", MaxPageSize)
	}
	var out map[string][]string
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.UserTeamNames(ctx, orgID(a), userIDs)
		return err
	})
	return out, err
}

// InviteDetails is what the invite acceptance page shows before the
// person chooses a username and password.
type InviteDetails struct {
	Email     string
	Role      roster.OrgRole
	ExpiresAt time.Time
	// Org is the display name of the inviting organization, as the
	// invite mail names it.
	Org string
}

// InviteByToken describes a usable invite; anyone holding its link may ask.
func (s *Service) InviteByToken(ctx context.Context, token string) (*InviteDetails, error) {
	if token == "" || len(token) > 128 {
		return nil, errInviteInvalid
	}
	var d *InviteDetails
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		inv, err := tx.InviteByTokenHash(ctx, auth.HashToken(token))
		if roster.IsNotFound(err) || err == nil && !inv.Usable(tx.Now()) {
			return errInviteInvalid
		}
		if err != nil {
			return err
		}
		org, err := tx.OrgName(ctx, inv.OrgID)
		if err != nil {
			return err
		}
		d = &InviteDetails{Email: inv.Email, Role: inv.Role, ExpiresAt: inv.ExpiresAt, Org: org}
		return nil
	})
	return d, err
}

// OrgName returns the id and name of the caller's organization; any
// active user or service account may read them.
func (s *Service) OrgName(ctx context.Context, a roster.Actor) (id, name string, err error) {
	if err := requirePrincipal(a); err != nil {
		return "", "", err
	}
	id = orgID(a)
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		name, err = tx.OrgName(ctx, id)
		return err
	})
	return id, name, err
}

// CallerOrgID is the id of the organization the actor acts in: its user's
// or service account's, the first organization for the command line.
func (s *Service) CallerOrgID(a roster.Actor) string { return orgID(a) }
