package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/store"
)

// People in several organizations (#18). A person's users rows in several
// organizations share an account: one password (store.SetAccountPassword),
// and a session of one row may move to another (SwitchOrganization). A
// row joins an account only by its person's consent: accepting an invite
// while signed in (AcceptInvite with JoinAccount), or an instance admin
// entering an organization (EnterOrganization). Nothing an organization's
// admin or SCIM does reaches the person's rows elsewhere.

var errNotAMember = roster.ReasonErrorf(roster.ENotFound, roster.ReasonNotAMember,
	"you are not a member of that organization; ask one of its admins for an invite")

var errSessionRequired = roster.ReasonErrorf(roster.EForbidden, roster.ReasonSessionRequired,
	"switching organizations needs a signed-in session; an API key belongs to one organization")

// Memberships lists the organizations the actor's account may act in, the
// one acting now marked Current. It names only the caller's own
// memberships.
func (s *Service) Memberships(ctx context.Context, a roster.Actor) ([]roster.OrgMembership, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	var out []roster.OrgMembership
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.AccountMemberships(ctx, a.User.Account())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	for i := range out {
		out[i].Current = out[i].UserID == a.User.ID
	}
	return out, nil
}

// Switched is a session opened for another of a person's memberships.
type Switched struct {
	User    *roster.User // the row the new session acts as
	Session string       // the new session's token, for the cookie
}

// SwitchOrganization ends the actor's session and opens one for their
// account's membership in the organization named orgRef (id or name).
// An organization they are not an active member of, or that does not
// exist or is not open, is refused with the same not_a_member answer.
func (s *Service) SwitchOrganization(ctx context.Context, a roster.Actor, orgRef string) (*Switched, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	if a.SessionID == "" {
		return nil, errSessionRequired
	}
	var out Switched
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		org, found, err := signInOrg(ctx, tx, orgRef)
		if err != nil || !found || orgRef == "" {
			return orNotAMember(err)
		}
		target, err := tx.AccountUserIn(ctx, a.User.Account(), org)
		if err != nil {
			return orNotAMember(err)
		}
		if target.Status != roster.StatusActive {
			return errNotAMember
		}
		if target.ID == a.User.ID {
			return roster.Errorf(roster.EConflict, "you are already acting in that organization")
		}
		return s.moveSession(ctx, tx, a, target, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("switch organization: %w", err)
	}
	return &out, nil
}

// orNotAMember keeps a database failure and turns an unknown
// organization or membership into not_a_member.
func orNotAMember(err error) error {
	if err == nil || roster.IsNotFound(err) {
		return errNotAMember
	}
	return err
}

// moveSession ends a's session and opens one for target, an active row of
// the same account, writing user:switch_organization to both
// organizations' logs, neither naming the other. A suspended target
// organization is refused (createSessionNoted).
func (s *Service) moveSession(ctx context.Context, tx *store.Tx, a roster.Actor, target *roster.User, out *Switched) error {
	if err := requireOpenOrg(ctx, tx, target.OrgID); err != nil {
		return errNotAMember
	}
	if err := tx.DeleteSession(ctx, a.SessionID); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, roster.ActUserSwitchOrg, a.User, "to another organization"); err != nil {
		return err
	}
	token, err := s.createSessionNoted(ctx, tx, a, target, roster.ActUserSwitchOrg, roster.SessionSwitch, "from another organization")
	if err != nil {
		return err
	}
	out.User, out.Session = target, token
	return nil
}

// EnterOrganization is an instance admin's explicit, audited switch into
// another organization (#18): their account gets an admin membership
// there (a seat, shown in its user list like any admin) unless it has
// one, and their session moves to it. organization:enter goes to the
// entered organization's log and, naming it, to the admin's own.
func (s *Service) EnterOrganization(ctx context.Context, a roster.Actor, orgRef string) (*Switched, error) {
	if err := requireInstanceAdmin(a); err != nil {
		return nil, err
	}
	if a.User == nil || a.SessionID == "" {
		return nil, errSessionRequired
	}
	var out Switched
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		o, err := tx.Organization(ctx, orgRef)
		if roster.IsNotFound(err) || err == nil && o.Status == roster.OrgDeleted {
			return errNoOrg(orgRef)
		} else if err != nil {
			return err
		}
		if o.Status != roster.OrgActive {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonOrgSuspended,
				"organization %s is suspended; resume it before entering it", o.Name)
		}
		if o.ID == a.User.OrgID {
			return roster.Errorf(roster.EConflict, "you are already acting in organization %s", o.Name)
		}
		target, err := tx.AccountUserIn(ctx, a.User.Account(), o.ID)
		switch {
		case roster.IsNotFound(err):
			if target, err = s.enterAsAdmin(ctx, tx, a, o); err != nil {
				return err
			}
		case err != nil:
			return err
		case target.Status != roster.StatusActive:
			return roster.Errorf(roster.EConflict,
				"your account in organization %s is %s; one of its admins can reactivate it", o.Name, target.Status)
		}
		if err := auditAt(ctx, tx, a, roster.ActOrgEnter, where{}, "entered organization "+o.Name); err != nil {
			return err
		}
		return s.moveSession(ctx, tx, a, target, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("enter organization %s: %w", truncate(orgRef, 64), err)
	}
	return &out, nil
}

// openAccount makes home, a row about to be joined by another, the first
// row of an account when it was an account of its own: the rows of an
// account carry its first row's id (migration 0020).
func openAccount(ctx context.Context, tx *store.Tx, home *roster.User) error {
	if home.AccountID != "" {
		return nil
	}
	home.AccountID = home.ID
	return tx.UpdateUser(ctx, home)
}

// enterAsAdmin creates the instance admin's admin membership of o, linked
// to their account, and links their own row to it when it was an account
// of its own.
func (s *Service) enterAsAdmin(ctx context.Context, tx *store.Tx, a roster.Actor, o *roster.Organization) (*roster.User, error) {
	home := *a.User
	if err := openAccount(ctx, tx, &home); err != nil {
		return nil, err
	}
	name, err := freeUsername(ctx, tx, o.ID, home.Username, "")
	if err != nil {
		return nil, err
	}
	u := &roster.User{ID: roster.NewID("u"), OrgID: o.ID, Username: name, Email: home.Email, Name: home.Name,
		Role: roster.OrgAdmin, Status: roster.StatusActive, PasswordHash: home.PasswordHash,
		EmailProven: home.EmailProven, AccountID: home.AccountID}
	if err := s.ReserveSeat(ctx, tx, o.ID); err != nil {
		return nil, err
	}
	if err := tx.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, auditAt(ctx, tx, roster.Actor{User: u, IP: a.IP, UserAgent: a.UserAgent}, roster.ActOrgEnter, where{user: u},
		"an instance admin entered the organization as an admin")
}
