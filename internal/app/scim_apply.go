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
	oldRole  roster.OrgRole
	status   string // "", user:deactivate or user:reactivate
}

// applySCIMUser brings cur to the state in asks for, under the rules every
// interface follows (C7): unique userName and email, seats, the last-admin
// rule, team roles, and audit entries. A user with no CreatedAt is created.
// It returns the user as stored, with the profile when it was written.
func (s *Service) applySCIMUser(ctx context.Context, tx *store.Tx, a roster.Actor, cur *SCIMUser, in SCIMUserInput, hash string) (*SCIMUser, error) {
	creating := cur.User.CreatedAt.IsZero()
	next := *cur.User
	u := &next
	ch := scimChange{oldRole: cur.User.Role}
	p, err := s.scimIdentity(ctx, tx, cur, u, in, &ch)
	if err != nil {
		return nil, err
	}
	if hash != "" {
		u.PasswordHash, ch.password = hash, true
	}
	if in.OrgRole != "" {
		u.Role = in.OrgRole
	}
	if err := scimStatus(u, in.Active, &ch); err != nil {
		return nil, err
	}
	if err := s.checkSCIMRules(ctx, tx, cur.User, u, creating); err != nil {
		return nil, err
	}
	if creating {
		err = tx.CreateUser(ctx, u)
	} else if *u != *cur.User {
		err = tx.UpdateUser(ctx, u)
	}
	if err != nil {
		return nil, err
	}
	if creating || len(ch.fields) > 0 {
		if err := tx.PutSCIMProfile(ctx, p, emailValues(in.Emails)); err != nil {
			return nil, err
		}
	}
	if ch.password || ch.status == roster.ActUserDeactivate {
		if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return nil, err
		}
	}
	if err := auditSCIMUser(ctx, tx, a, u, creating, ch); err != nil {
		return nil, err
	}
	out := &SCIMUser{User: u, Profile: p, Teams: cur.Teams}
	if in.TeamRoles == nil {
		return out, nil
	}
	out.Teams = nil // changed: the caller reloads
	return out, s.syncSCIMTeams(ctx, tx, a, u, cur.Teams, in.TeamRoles)
}

// scimIdentity applies userName, username, email, name, externalId and the
// other attributes to u and returns the profile to store.
func (s *Service) scimIdentity(ctx context.Context, tx *store.Tx, cur *SCIMUser, u *roster.User, in SCIMUserInput, ch *scimChange) (*roster.SCIMProfile, error) {
	creating := cur.User.CreatedAt.IsZero()
	if err := roster.ValidateSCIMUserName(in.UserName); err != nil {
		return nil, err
	}
	oldName := cur.UserName()
	if creating || !roster.SameEmail(in.UserName, oldName) { // userNames are keyed like emails
		owner, err := tx.SCIMUserNameOwner(ctx, u.OrgID, in.UserName)
		if err != nil {
			return nil, err
		}
		if owner != "" && owner != u.ID {
			return nil, roster.ReasonErrorf(roster.EConflict, "username_taken", "a user with userName %s already exists", in.UserName)
		}
	}
	base := roster.UsernameFromSCIM(in.UserName)
	if u.Status != roster.StatusInvited && (u.Username == "" || base != roster.UsernameFromSCIM(oldName)) {
		name, err := uniqueUsername(ctx, tx, base, u.ID)
		if err != nil {
			return nil, err
		}
		u.Username = name
	}
	if err := s.scimEmail(ctx, tx, u, in, creating); err != nil {
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
		p.CreatedAt = cur.Profile.CreatedAt
	}
	ch.fields = profileChanges(cur, u, p)
	return p, nil
}

// scimEmail sets the address Roster uses from the emails sent (C1).
func (s *Service) scimEmail(ctx context.Context, tx *store.Tx, u *roster.User, in SCIMUserInput, creating bool) error {
	email := roster.PickEmail(in.Emails, in.UserName)
	if email == "" {
		if creating {
			return roster.ReasonErrorf(roster.EInvalid, "email_required", "a user needs an email address: send emails, or a userName that is an email address")
		}
		return nil
	}
	email, err := roster.NormalizeEmail(email)
	if err != nil {
		return err
	}
	if !roster.SameEmail(email, u.Email) {
		other, err := tx.UserByEmail(ctx, email)
		if err == nil && other.ID != u.ID {
			return roster.ReasonErrorf(roster.EConflict, "email_taken", "a user with email %s already exists", email)
		}
		if err != nil && !roster.IsNotFound(err) {
			return err
		}
	}
	u.Email = email
	return nil
}

// profileChanges names what differs between the current state and the next.
func profileChanges(cur *SCIMUser, u *roster.User, p *roster.SCIMProfile) []string {
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

// scimStatus applies active to u: deactivation or reactivation (O11).
func scimStatus(u *roster.User, active *bool, ch *scimChange) error {
	if active == nil {
		return nil
	}
	switch {
	case u.Status == roster.StatusInvited:
		// Shown inactive until the invite is accepted, which activates
		// them; deleting the user revokes the invite.
		return nil
	case *active && u.Status == roster.StatusDeactivated:
		u.Status, ch.status = roster.StatusActive, roster.ActUserReactivate
	case !*active && u.Status == roster.StatusActive:
		u.Status, ch.status = roster.StatusDeactivated, roster.ActUserDeactivate
	}
	return nil
}

// checkSCIMRules refuses a change that leaves no active admin (O3) or
// exceeds the seat limit (O13). The caller holds the organization lock.
func (s *Service) checkSCIMRules(ctx context.Context, tx *store.Tx, old, u *roster.User, creating bool) error {
	wasAdmin := !creating && old.Role == roster.OrgAdmin && old.Status == roster.StatusActive
	if wasAdmin && (u.Role != roster.OrgAdmin || u.Status != roster.StatusActive) {
		what := "demote"
		if u.Status != roster.StatusActive {
			what = "deactivate"
		}
		if err := ensureNotLastAdmin(ctx, tx, old, what); err != nil {
			return err
		}
	}
	if u.Status.HoldsSeat() && (creating || !old.Status.HoldsSeat()) {
		return s.ReserveSeat(ctx, tx, u.OrgID)
	}
	return nil
}

// auditSCIMUser writes one entry per kind of change to u (L1).
func auditSCIMUser(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, creating bool, ch scimChange) error {
	var entries [][2]string
	switch {
	case creating:
		entries = append(entries, [2]string{roster.ActUserCreate, fmt.Sprintf("provisioned through SCIM as %s, %s", u.Role, u.Status)})
	default:
		if len(ch.fields) > 0 {
			entries = append(entries, [2]string{roster.ActUserUpdate, strings.Join(ch.fields, ", ")})
		}
		if ch.password {
			entries = append(entries, [2]string{roster.ActUserResetPassword, "password set through SCIM"})
		}
		if ch.oldRole != u.Role {
			entries = append(entries, [2]string{roster.ActOrgUpdateMember, fmt.Sprintf("role %s -> %s", ch.oldRole, u.Role)})
		}
		if ch.status != "" {
			entries = append(entries, [2]string{ch.status, ""})
		}
	}
	for _, e := range entries {
		if err := audit(ctx, tx, a, e[0], u, e[1]); err != nil {
			return err
		}
	}
	return nil
}

// uniqueUsername returns base, or base with a numeric suffix, that no user
// but selfID holds (P4).
func uniqueUsername(ctx context.Context, tx *store.Tx, base, selfID string) (string, error) {
	for n := 1; n <= 20; n++ {
		cand := roster.WithSuffix(base, n)
		other, err := tx.UserByUsername(ctx, cand)
		if roster.IsNotFound(err) || err == nil && other.ID == selfID {
			return cand, nil
		}
		if err != nil {
			return "", err
		}
	}
	return truncate(base, 50) + "-" + roster.NewID("")[1:9], nil
}

func emailValues(emails []roster.SCIMEmail) []string {
	out := make([]string, 0, len(emails))
	for _, e := range emails {
		out = append(out, e.Value)
	}
	return out
}

// applySCIMStatus deactivates or reactivates u alone (DELETE, C1).
func (s *Service) applySCIMStatus(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, active *bool) error {
	next := *u
	ch := scimChange{oldRole: u.Role}
	if err := scimStatus(&next, active, &ch); err != nil || ch.status == "" {
		return err
	}
	if err := s.checkSCIMRules(ctx, tx, u, &next, false); err != nil {
		return err
	}
	if err := tx.UpdateUser(ctx, &next); err != nil {
		return err
	}
	if ch.status == roster.ActUserDeactivate {
		if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
	}
	return audit(ctx, tx, a, ch.status, &next, "through SCIM")
}
