package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"roster"
	"roster/internal/store"
)

// scimChange is what applying a SCIM input changes, for audit entries.
type scimChange struct {
	fields   []string // profile fields that changed
	password bool
	adopted  bool // SCIM takes over a user made by sign-up, invite or SSO
}

// applySCIMUser brings cur to the state in asks for (C7): the profile is
// SCIM's own, while the organization role, the status and the team roles
// go through the transitions every interface uses, with their rules
// (O3, O13, T5, T7) and audit entries. A user with no CreatedAt is
// created. It returns the user as stored, with the profile when written.
func (s *Service) applySCIMUser(ctx context.Context, tx *store.Tx, a roster.Actor, cur *DirectoryUser, in SCIMUserInput, hash string) (*DirectoryUser, error) {
	creating := cur.User.CreatedAt.IsZero()
	next := *cur.User
	u := &next
	ch := scimChange{adopted: !creating && cur.Profile == nil}
	p, err := s.scimIdentity(ctx, tx, cur, u, in, &ch)
	if err != nil {
		return nil, err
	}
	if hash != "" {
		if err := mayChangePassword(a, cur.User, in.OrgRole); err != nil {
			return nil, err
		}
		if err := notSharedPassword(ctx, tx, cur.User); err != nil {
			return nil, err
		}
		u.PasswordHash, ch.password = hash, true
	}
	if creating {
		err = s.createSCIMUser(ctx, tx, a, u, in)
	} else {
		err = s.updateSCIMUser(ctx, tx, a, cur.User, u, in, ch)
	}
	if err != nil {
		return nil, err
	}
	if creating || len(ch.fields) > 0 {
		if err := tx.PutSCIMProfile(ctx, p, emailValues(in.Emails)); err != nil {
			return nil, err
		}
	}
	out := &DirectoryUser{User: u, Profile: p, Teams: cur.Teams}
	if in.TeamRoles == nil {
		return out, nil
	}
	out.Teams = nil // changed: the caller reloads
	return out, s.syncSCIMTeams(ctx, tx, a, u, cur.Teams, in.TeamRoles)
}

// mayChangePassword refuses a service account setting the password of an
// organization admin, who could then be signed in as by whoever holds the
// service account's key: through SCIM, only a human admin may (README).
func mayChangePassword(a roster.Actor, u *roster.User, role roster.OrgRole) error {
	if a.ServiceAccount == nil || u.Role != roster.OrgAdmin && role != roster.OrgAdmin {
		return nil
	}
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonPasswordOfAdmin,
		"a service account may not set the password of an organization admin; the admin sets it in their profile, or an operator with roster admin reset-password")
}

// notSharedPassword refuses to set, for one organization, the password of
// a person whose account also acts in another (#18): that organization's
// directory would otherwise sign in as them there.
func notSharedPassword(ctx context.Context, tx *store.Tx, u *roster.User) error {
	if u.AccountID == "" || u.CreatedAt.IsZero() {
		return nil
	}
	shared, err := tx.AccountShared(ctx, u.Account(), u.OrgID)
	if err != nil || !shared {
		return err
	}
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonSharedAccountPassword,
		"this person signs in with an account they also use in another organization; only they can change its password, in their profile")
}

// createSCIMUser stores a provisioned user: active and holding a seat, or
// deactivated when active is false (C1, O13).
func (s *Service) createSCIMUser(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, in SCIMUserInput) error {
	if in.OrgRole != "" {
		u.Role = in.OrgRole
	}
	if in.Active != nil && !*in.Active {
		u.Status = roster.StatusDeactivated
	}
	if u.Status.HoldsSeat() {
		if err := s.ReserveSeat(ctx, tx, u.OrgID); err != nil {
			return err
		}
	}
	u.EmailProven = true // the identity provider vouches for the address
	if err := tx.CreateUser(ctx, u); err != nil {
		return err
	}
	return audit(ctx, tx, a, roster.ActUserCreate, u, fmt.Sprintf("provisioned through SCIM as %s, %s", u.Role, u.Status))
}

// updateSCIMUser writes the profile and password of u, then its role and
// status through their transitions.
func (s *Service) updateSCIMUser(ctx context.Context, tx *store.Tx, a roster.Actor, old, u *roster.User, in SCIMUserInput, ch scimChange) error {
	if *u != *old {
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
	}
	if len(ch.fields) > 0 {
		detail := strings.Join(ch.fields, ", ")
		if ch.adopted {
			detail = fmt.Sprintf("adopted through SCIM as userName %s: %s", truncate(in.UserName, 64), detail)
		}
		if err := audit(ctx, tx, a, roster.ActUserUpdate, u, detail); err != nil {
			return err
		}
	}
	if ch.password {
		if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, roster.ActUserResetPassword, u, "password set through SCIM"); err != nil {
			return err
		}
	}
	if in.OrgRole != "" {
		if err := s.setOrgRole(ctx, tx, a, u, in.OrgRole, "through SCIM"); err != nil {
			return err
		}
	}
	// Invited users show inactive until they accept, which activates
	// them; deleting one revokes the invite.
	if in.Active != nil && u.Status != roster.StatusInvited {
		return s.setUserActive(ctx, tx, a, u, *in.Active, "through SCIM")
	}
	return nil
}

// scimIdentity applies userName, username, email, name, externalId and the
// other attributes to u and returns the profile to store.
func (s *Service) scimIdentity(ctx context.Context, tx *store.Tx, cur *DirectoryUser, u *roster.User, in SCIMUserInput, ch *scimChange) (*roster.SCIMProfile, error) {
	creating := cur.User.CreatedAt.IsZero()
	if err := roster.ValidateSCIMUserName(in.UserName); err != nil {
		return nil, err
	}
	oldName := cur.UserName()
	if !cur.namesFree && (creating || !roster.SameEmail(in.UserName, oldName)) { // userNames are keyed like emails
		owner, err := tx.SCIMUserNameOwner(ctx, u.OrgID, in.UserName)
		if err != nil {
			return nil, err
		}
		if owner != "" && owner != u.ID {
			return nil, roster.ReasonErrorf(roster.EConflict, roster.ReasonUsernameTaken, "a user with userName %s already exists", in.UserName)
		}
	}
	// The username follows the userName of users SCIM made; users it
	// adopts keep the username they sign in with.
	base := roster.UsernameFromSCIM(in.UserName)
	if u.Status != roster.StatusInvited && (u.Username == "" || cur.Profile != nil && base != roster.UsernameFromSCIM(oldName)) {
		name, err := freeUsername(ctx, tx, u.OrgID, base, u.ID)
		if err != nil {
			return nil, err
		}
		u.Username = name
	}
	if err := s.scimEmail(ctx, tx, u, in, creating, cur.namesFree); err != nil {
		return nil, err
	}
	fallback := u.Name
	if fallback == "" {
		fallback = u.Username
	}
	// Tolerant in what SCIM accepts: control characters become spaces.
	if u.Name = strings.TrimSpace(roster.CleanText(in.Names.Pick(fallback))); len([]rune(u.Name)) > roster.MaxNameLen {
		u.Name = string([]rune(u.Name)[:roster.MaxNameLen])
	}
	p := &roster.SCIMProfile{UserID: u.ID, OrgID: u.OrgID, UserName: in.UserName, ExternalID: in.ExternalID, Attributes: in.Attributes}
	if cur.Profile != nil {
		// As read: the write checks no one changed it since.
		p.CreatedAt, p.UpdatedAt = cur.Profile.CreatedAt, cur.Profile.UpdatedAt
	}
	ch.fields = profileChanges(cur, u, p)
	return p, nil
}

// scimEmail sets the address Roster uses from the emails sent (C1);
// known: the caller already found it owned by nobody in this transaction.
func (s *Service) scimEmail(ctx context.Context, tx *store.Tx, u *roster.User, in SCIMUserInput, creating, known bool) error {
	email := roster.PickEmail(in.Emails, in.UserName)
	if email == "" {
		if creating {
			return roster.ReasonErrorf(roster.EInvalid, roster.ReasonEmailRequired, "a user needs an email address: send emails, or a userName that is an email address")
		}
		return nil
	}
	email, err := roster.NormalizeEmail(email)
	if err != nil {
		return err
	}
	if !known && !roster.SameEmail(email, u.Email) {
		other, err := tx.UserByEmail(ctx, u.OrgID, email)
		if err == nil && other.ID != u.ID {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonEmailTaken, "a user with email %s already exists", email)
		}
		if err != nil && !roster.IsNotFound(err) {
			return err
		}
	}
	u.Email = email
	return nil
}

// profileChanges names what differs between the current state and the next.
func profileChanges(cur *DirectoryUser, u *roster.User, p *roster.SCIMProfile) []string {
	var out []string
	old := cur.User
	for _, c := range []struct {
		name     string
		was, now string
	}{
		{"userName", cur.UserName(), p.UserName}, {"username", old.Username, u.Username},
		{"email", old.Email, u.Email}, {"name", old.Name, u.Name}, {"externalId", cur.ExternalID(), p.ExternalID},
	} {
		if c.was != c.now {
			out = append(out, c.name)
		}
	}
	was, _ := json.Marshal(cur.Attributes())
	now, _ := json.Marshal(p.Attributes)
	if cur.Profile == nil || string(was) != string(now) {
		out = append(out, "attributes")
	}
	return out
}

func emailValues(emails []roster.SCIMEmail) []string {
	out := make([]string, 0, len(emails))
	for _, e := range emails {
		out = append(out, e.Value)
	}
	return out
}
