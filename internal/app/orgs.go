package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"roster"
	"roster/internal/store"
)

// Instance administration (#18): instance admins list, create, rename,
// suspend, resume and delete organizations. Each change is audited in the
// log of the organization it changes, and in the acting admin's own when
// that is another one.

var errNotInstanceAdmin = roster.ReasonErrorf(roster.EForbidden, roster.ReasonNotInstanceAdmin,
	"only instance admins may manage organizations")

// requireInstanceAdmin refuses callers who are not active instance admins;
// the server's own command line is one.
func requireInstanceAdmin(a roster.Actor) error {
	if isSystem(a) {
		return nil
	}
	if a.ServiceAccount != nil {
		return errNotInstanceAdmin
	}
	if err := requireUser(a); err != nil {
		return err
	}
	if !a.User.InstanceAdmin {
		return errNotInstanceAdmin
	}
	return nil
}

// IsInstanceAdmin reports whether the actor may manage organizations, for
// the edges that show or hide the instance pages.
func IsInstanceAdmin(a roster.Actor) bool { return requireInstanceAdmin(a) == nil }

// OrgInput is a new organization, or the changes to one (empty fields stay
// as they are).
type OrgInput struct {
	Name        string // the username rule (P4), unique per instance case-insensitively
	DisplayName string // free text, at most 128 characters; defaults to the name
	// AdminEmail, on create, invites this address as the organization's
	// first admin.
	AdminEmail string
}

// OrgCreated is a new organization and the invite of its first admin.
type OrgCreated struct {
	Org    *roster.Organization
	Invite *InviteResult // nil when no admin was named
}

// errNoOrg answers every reference to an organization that does not exist
// or was deleted.
func errNoOrg(ref string) error {
	return roster.Errorf(roster.ENotFound, "no organization %q", truncate(ref, 64))
}

// ListOrganizations returns every organization with its use.
func (s *Service) ListOrganizations(ctx context.Context, a roster.Actor) ([]*roster.OrgSummary, error) {
	if err := requireInstanceAdmin(a); err != nil {
		return nil, err
	}
	var out []*roster.OrgSummary
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = tx.ListOrganizations(ctx); err != nil {
			return err
		}
		for _, o := range out {
			s.withLicense(tx, o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	return out, nil
}

// Organization returns the organization ref names (its id or name), with
// its use.
func (s *Service) Organization(ctx context.Context, a roster.Actor, ref string) (*roster.OrgSummary, error) {
	if err := requireInstanceAdmin(a); err != nil {
		return nil, err
	}
	var o *roster.OrgSummary
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = tx.OrganizationSummary(ctx, ref); err != nil {
			return err
		}
		s.withLicense(tx, o)
		return nil
	})
	if roster.IsNotFound(err) {
		return nil, errNoOrg(ref)
	}
	if err != nil {
		return nil, fmt.Errorf("organization %s: %w", truncate(ref, 64), err)
	}
	return o, nil
}

// withLicense fills in the seat limit of o's governing license and its scope.
func (s *Service) withLicense(tx *store.Tx, o *roster.OrgSummary) {
	st := s.governing(roster.Fold(o.Name), tx.Now())
	o.License = st.Scope
	if st.Status == LicenseValid {
		o.SeatLimit = st.License.Seats
	}
}

// checkOrgNames validates an organization's name and display name.
func checkOrgNames(name, display string) error {
	if err := roster.ValidateUsername(name); err != nil {
		return roster.Errorf(roster.EInvalid, "organization name %q: use 1 to 64 letters, digits, '-' or '_'", truncate(name, 64))
	}
	if strings.HasPrefix(roster.Fold(name), "org_") {
		// Organizations are found by id or name alike; ids start so.
		return roster.Errorf(roster.EInvalid, "organization name %q: names starting with org_ are kept for organization ids", name)
	}
	return roster.ValidateText("display_name", display, roster.MaxNameLen)
}

// CreateOrganization creates an active organization; with AdminEmail, its
// first admin is invited in the same transaction.
func (s *Service) CreateOrganization(ctx context.Context, a roster.Actor, in OrgInput) (*OrgCreated, error) {
	if err := requireInstanceAdmin(a); err != nil {
		return nil, err
	}
	name, display := strings.TrimSpace(in.Name), strings.TrimSpace(in.DisplayName)
	if display == "" {
		display = name
	}
	if err := checkOrgNames(name, display); err != nil {
		return nil, err
	}
	var email string
	if in.AdminEmail != "" {
		var err error
		if email, err = roster.NormalizeEmail(in.AdminEmail); err != nil {
			return nil, err
		}
	}
	res := &OrgCreated{Org: &roster.Organization{ID: roster.NewID("org"), Name: name, DisplayName: display}}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateOrganization(ctx, res.Org); err != nil {
			return orgNameConflict(err, name)
		}
		if err := s.auditOrg(ctx, tx, a, roster.ActOrgCreate, res.Org, "created "+name); err != nil {
			return err
		}
		if email == "" {
			return nil
		}
		res.Invite = &InviteResult{}
		return s.inviteInTx(ctx, tx, a, res.Org.ID, email, roster.OrgAdmin, res.Invite)
	})
	if err != nil {
		return nil, fmt.Errorf("create organization %s: %w", name, err)
	}
	if res.Invite != nil {
		s.afterInvite(res.Invite)
	}
	return res, nil
}

// orgNameConflict names the taken organization name in a conflict.
func orgNameConflict(err error, name string) error {
	var re *roster.Error
	if errors.As(err, &re) && re.Code == roster.EConflict {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonOrgNameTaken,
			"organization name %s is already taken; choose another", name)
	}
	return err
}

// OrgChange is what one PATCH of an organization changes; nil fields stay
// as they are.
type OrgChange struct {
	Name        *string
	DisplayName *string // "" sets it back to the name
	// Status is active (resume) or suspended (suspend); deleting is
	// DeleteOrganization.
	Status *roster.OrgStatus
}

// UpdateOrganization renames an organization, or changes its display name.
func (s *Service) UpdateOrganization(ctx context.Context, a roster.Actor, ref string, in OrgInput) (*roster.Organization, error) {
	var c OrgChange
	if name := strings.TrimSpace(in.Name); name != "" {
		c.Name = &name
	}
	if display := strings.TrimSpace(in.DisplayName); display != "" {
		c.DisplayName = &display
	}
	return s.ChangeOrganization(ctx, a, ref, c)
}

// SuspendOrganization makes an organization refuse its members' sign-ins
// and keys until it is resumed; the first organization cannot be.
func (s *Service) SuspendOrganization(ctx context.Context, a roster.Actor, ref string) (*roster.Organization, error) {
	st := roster.OrgSuspended
	return s.ChangeOrganization(ctx, a, ref, OrgChange{Status: &st})
}

// ResumeOrganization lets a suspended organization's members in again.
func (s *Service) ResumeOrganization(ctx context.Context, a roster.Actor, ref string) (*roster.Organization, error) {
	st := roster.OrgActive
	return s.ChangeOrganization(ctx, a, ref, OrgChange{Status: &st})
}

// ChangeOrganization applies every change of c in one transaction, each
// kind audited once (organization:rename for the names,
// organization:suspend or organization:resume for the status). A change
// to what the organization already is writes nothing.
func (s *Service) ChangeOrganization(ctx context.Context, a roster.Actor, ref string, c OrgChange) (*roster.Organization, error) {
	if c.Status != nil && *c.Status != roster.OrgActive && *c.Status != roster.OrgSuspended {
		return nil, roster.Errorf(roster.EInvalid, "status %q: use active or suspended; delete an organization with DELETE",
			truncate(string(*c.Status), 32))
	}
	return s.changeOrg(ctx, a, ref, func(o *roster.Organization) ([]orgEvent, error) {
		var out []orgEvent
		ev, err := renameOrg(o, c)
		if err != nil {
			return nil, err
		}
		if ev != nil {
			out = append(out, *ev)
		}
		if c.Status != nil && *c.Status != o.Status {
			ev, err := setOrgStatus(o, *c.Status)
			if err != nil {
				return nil, err
			}
			out = append(out, ev)
		}
		return out, nil
	})
}

// renameOrg applies c's names to o; nil when they are o's already.
func renameOrg(o *roster.Organization, c OrgChange) (*orgEvent, error) {
	name, display := o.Name, o.DisplayName
	if c.Name != nil {
		name = strings.TrimSpace(*c.Name)
	}
	if c.DisplayName != nil {
		if display = strings.TrimSpace(*c.DisplayName); display == "" {
			display = name
		}
	}
	if err := checkOrgNames(name, display); err != nil {
		return nil, err
	}
	if name == o.Name && display == o.DisplayName {
		return nil, nil
	}
	detail := fmt.Sprintf("name %s -> %s, display name %q -> %q", o.Name, name, o.DisplayName, display)
	o.Name, o.DisplayName = name, display
	return &orgEvent{roster.ActOrgRename, detail}, nil
}

// DeleteOrganization deletes an organization: its name is free again and
// it answers as if it never existed, while its rows, the audit log above
// all (L3), are kept. The first organization cannot be deleted.
func (s *Service) DeleteOrganization(ctx context.Context, a roster.Actor, ref string) error {
	_, err := s.changeOrg(ctx, a, ref, func(o *roster.Organization) ([]orgEvent, error) {
		ev, err := setOrgStatus(o, roster.OrgDeleted)
		return []orgEvent{ev}, err
	})
	return err
}

// orgEvent is one audited change of an organization.
type orgEvent struct{ action, detail string }

// setOrgStatus moves o to status to; the first organization stays active.
func setOrgStatus(o *roster.Organization, to roster.OrgStatus) (orgEvent, error) {
	if o.ID == roster.DefaultOrgID && to != roster.OrgActive {
		return orgEvent{}, roster.ReasonErrorf(roster.EConflict, roster.ReasonDefaultOrg,
			"the instance's first organization cannot be suspended or deleted: every path without an organization means it")
	}
	action := map[roster.OrgStatus]string{roster.OrgActive: roster.ActOrgResume,
		roster.OrgSuspended: roster.ActOrgSuspend, roster.OrgDeleted: roster.ActOrgDelete}[to]
	ev := orgEvent{action, fmt.Sprintf("status %s -> %s", o.Status, to)}
	o.Status = to
	return ev, nil
}

// changeOrg applies change to the organization ref names under its lock
// and audits each event it returns; without events nothing is written.
func (s *Service) changeOrg(ctx context.Context, a roster.Actor, ref string,
	change func(o *roster.Organization) ([]orgEvent, error)) (*roster.Organization, error) {
	if err := requireInstanceAdmin(a); err != nil {
		return nil, err
	}
	var o *roster.Organization
	var before roster.Organization
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if o, err = tx.Organization(ctx, ref); roster.IsNotFound(err) {
			return errNoOrg(ref)
		} else if err != nil {
			return err
		}
		if err := tx.LockOrg(ctx, o.ID); err != nil {
			return err
		}
		if o, err = tx.Organization(ctx, o.ID); err != nil {
			return err
		}
		before = *o
		events, err := change(o)
		if err != nil || len(events) == 0 {
			return err
		}
		if err := tx.UpdateOrganization(ctx, o); err != nil {
			return orgNameConflict(err, o.Name)
		}
		for _, ev := range events {
			if err := s.auditOrg(ctx, tx, a, ev.action, o, ev.detail); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("change organization %s: %w", truncate(ref, 64), err)
	}
	if roster.Fold(o.Name) != roster.Fold(before.Name) || (o.Status == roster.OrgDeleted) != (before.Status == roster.OrgDeleted) {
		s.orgChanged(ctx, o.ID) // which license governs it, and the pool
	}
	return o, nil
}

// auditOrg records an instance admin's change of organization o in o's
// log, and in the admin's own organization's when that is another one.
func (s *Service) auditOrg(ctx context.Context, tx *store.Tx, a roster.Actor, action string, o *roster.Organization, detail string) error {
	detail = "organization " + o.ID + " (" + o.Name + "): " + detail
	if err := auditAt(ctx, tx, a, action, where{org: o.ID}, detail); err != nil {
		return err
	}
	if orgID(a) == o.ID {
		return nil
	}
	return auditAt(ctx, tx, a, action, where{}, detail)
}

// signInOrg resolves the organization a sign-in names (empty: the first);
// found is false for one that does not exist or was deleted.
func signInOrg(ctx context.Context, tx *store.Tx, ref string) (id string, found bool, err error) {
	if ref == "" {
		return roster.DefaultOrgID, true, nil
	}
	o, err := tx.Organization(ctx, ref)
	if roster.IsNotFound(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return o.ID, true, nil
}

// requireOpenOrg refuses a sign-in or a key of a member of a suspended
// organization, and of a deleted one as if the member did not exist.
func requireOpenOrg(ctx context.Context, tx *store.Tx, org string) error {
	st, err := tx.OrgStatus(ctx, org)
	if err != nil {
		return err
	}
	return orgRefusal(st)
}

// orgRefusal is requireOpenOrg's answer for an organization in status st.
func orgRefusal(st roster.OrgStatus) error {
	switch st {
	case roster.OrgSuspended:
		return roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonOrgSuspended,
			"your organization is suspended; ask your instance admin to resume it")
	case roster.OrgDeleted:
		return errUnauthenticated
	}
	return nil
}

// SetInstanceAdmin makes the user ref names (id, username or email) in the
// first organization an instance admin, or no longer one. Only the
// server's command line may, which is an instance admin itself, so even
// revoking the last one leaves a way back. Instance admins are people of
// the first organization, which cannot be suspended or deleted under them.
func (s *Service) SetInstanceAdmin(ctx context.Context, a roster.Actor, ref string, grant bool) (*roster.User, error) {
	if !isSystem(a) {
		return nil, roster.ReasonErrorf(roster.EForbidden, roster.ReasonNotInstanceAdmin,
			"instance admins are granted and revoked with roster admin instance-admin on the server")
	}
	var u *roster.User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = findUser(ctx, tx, roster.DefaultOrgID, ref); err != nil {
			return err
		}
		if u.InstanceAdmin == grant {
			return nil
		}
		if grant && u.Status != roster.StatusActive {
			return roster.Errorf(roster.EConflict, "%s is %s; only active users can be instance admins", display(u), u.Status)
		}
		u.InstanceAdmin = grant
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		action, detail := roster.ActUserGrantInstanceAdmin, "made an instance admin"
		if !grant {
			action, detail = roster.ActUserRevokeInstanceAdmin, "no longer an instance admin"
		}
		return auditAt(ctx, tx, a, action, where{user: u}, detail)
	})
	if err != nil {
		return nil, fmt.Errorf("instance admin %s: %w", truncate(ref, 64), err)
	}
	return u, nil
}
