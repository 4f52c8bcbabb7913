package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// InviteInput is an admin's "Add user" form (O7).
type InviteInput struct {
	Email string
	Role  roster.OrgRole // member when empty
	Teams []TeamJoin     // teams the person joins on acceptance
}

// TeamJoin is a team membership attached to an invite.
type TeamJoin struct {
	Team string // name, display name or id
	Role string // team role; member when empty
}

// InviteResult is a created or resent invite. URL carries the secret
// link; it is set only when an organization admin (or the command line)
// invited while no mail sink is configured, for them to pass on by hand
// (E1). With a mail sink the link exists only inside the mail the worker
// sends; without one, an invite made by anyone else has no link until an
// organization admin resends it (H2).
type InviteResult struct {
	User   *roster.User
	Invite *roster.Invite
	URL    string
	State  *InviteState
}

// AwaitingAdmin reports whether the invite has no link until an
// organization admin resends it.
func (r *InviteResult) AwaitingAdmin() bool { return r.Invite != nil && r.Invite.AwaitingAdmin }

// InviteUser creates a user in status invited holding a seat, and an
// invite link valid for seven days (O7, O8).
func (s *Service) InviteUser(ctx context.Context, a roster.Actor, in InviteInput) (*InviteResult, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	email, err := roster.NormalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	if in.Role == "" {
		in.Role = roster.OrgMember
	}
	if _, err := roster.ParseOrgRole(string(in.Role)); err != nil {
		return nil, err
	}
	res := &InviteResult{}
	if len(in.Teams) > 100 {
		return nil, roster.Errorf(roster.EInvalid, "an invite may name at most 100 teams")
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := lockForTeams(ctx, tx, orgID(a), len(in.Teams)); err != nil {
			return err
		}
		if err := s.inviteInTx(ctx, tx, a, orgID(a), email, in.Role, res); err != nil {
			return err
		}
		for _, j := range in.Teams {
			v, err := s.loadTeam(ctx, tx, a, j.Team)
			if err != nil {
				return err
			}
			m := &roster.Membership{}
			if err := s.resolveRole(ctx, tx, v.team.OrgID, j.Role, m); err != nil {
				return err
			}
			if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: res.User, next: m}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("invite %s: %w", email, err)
	}
	s.afterInvite(res)
	return res, nil
}

// inviteInTx creates an invited user of org holding a seat (taken at
// commit) and its invite; the caller has checked who may invite.
func (s *Service) inviteInTx(ctx context.Context, tx *store.Tx, a roster.Actor, org, email string, role roster.OrgRole, res *InviteResult) error {
	if err := s.ReserveSeat(ctx, tx, org); err != nil {
		return err
	}
	if _, err := tx.UserByEmail(ctx, org, email); err == nil {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonEmailTaken, "a user with email %s already exists", email)
	} else if !roster.IsNotFound(err) {
		return err
	}
	u := &roster.User{ID: roster.NewID("u"), OrgID: org, Email: email, Role: role, Status: roster.StatusInvited}
	if err := tx.CreateUser(ctx, u); err != nil {
		return err
	}
	res.User = u
	if err := s.issueInvite(ctx, tx, a, u, res); err != nil {
		return err
	}
	detail := "invited as " + string(u.Role)
	if res.AwaitingAdmin() {
		detail += "; no mail sink, so the invite waits for an organization admin to resend it"
	}
	return auditAt(ctx, tx, a, roster.ActUserCreate, where{user: u, org: org}, detail)
}

// issueInvite stores a new invite for u and queues its mail. Only an
// organization admin inviting without a mail sink gets a link now (E1);
// with a sink the mail worker mints the link when it sends, and without one
// anyone else's invite waits for an organization admin (H2). Until then the
// stored hash is of a token nobody keeps.
func (s *Service) issueInvite(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, res *InviteResult) error {
	token, hash := auth.NewToken()
	handOver := !s.cfg.MailSink && mayHandOverLinks(a)
	inv := &roster.Invite{ID: roster.NewID("inv"), OrgID: u.OrgID, UserID: u.ID, Email: u.Email, Role: u.Role,
		InviterID: a.UserID(), TokenHash: hash, ExpiresAt: tx.Now().Add(roster.InviteTTL),
		AwaitingAdmin: !s.cfg.MailSink && !handOver}
	if err := tx.CreateInvite(ctx, inv); err != nil {
		return err
	}
	res.Invite = inv
	if handOver {
		res.URL = s.InviteURL(token)
	}
	return s.queueInviteMail(ctx, tx, inv, res)
}

// mayHandOverLinks reports whether a may be shown an invite link to pass
// on by hand: an active organization or instance admin, or the server's
// command line.
// Anyone else could accept the invite themselves and keep the account
// when its owner later signs in with SSO (H2).
func mayHandOverLinks(a roster.Actor) bool {
	return isSystem(a) || a.ServiceAccount == nil && (a.IsOrgAdmin() || IsInstanceAdmin(a))
}

// inviteOrgOpen refuses accepting an invite of a suspended organization,
// saying so, and of a deleted one as an invalid link, which it now is.
func inviteOrgOpen(ctx context.Context, tx *store.Tx, org string) error {
	st, err := tx.OrgStatus(ctx, org)
	if err != nil {
		return err
	}
	if st == roster.OrgDeleted {
		return errInviteInvalid
	}
	return orgRefusal(st)
}

// InviteURL is the link that accepts an invite.
func (s *Service) InviteURL(token string) string {
	base := s.cfg.PublicURL
	if base == "" {
		base = "http://localhost:8080"
	}
	return base + "/invite/" + token
}

// retireInvite ends u's pending invite, its link and any unsent mail, so
// that a new one can take its place; a user with none is refused.
func retireInvite(ctx context.Context, tx *store.Tx, u *roster.User) error {
	if u.Status != roster.StatusInvited {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonNotInvited, "%s has no pending invite", display(u))
	}
	if err := tx.CancelInviteMail(ctx, u.ID); err != nil {
		return err
	}
	return tx.RevokeInvites(ctx, u.ID)
}

// ResendInvite replaces a pending invite with a new token; the old link
// stops working (O8).
func (s *Service) ResendInvite(ctx context.Context, a roster.Actor, ref string) (*InviteResult, error) {
	res := &InviteResult{}
	u, err := s.adminChange(ctx, a, ref, func(tx *store.Tx, u *roster.User) error {
		if err := retireInvite(ctx, tx, u); err != nil {
			return err
		}
		if err := s.issueInvite(ctx, tx, a, u, res); err != nil {
			return err
		}
		return audit(ctx, tx, a, roster.ActUserResendInvite, u, "")
	})
	if err != nil {
		return nil, err
	}
	res.User = u
	s.afterInvite(res)
	return res, nil
}

// MaxBulkInvites bounds the addresses one bulk invite takes.
const MaxBulkInvites = 200

// InviteOutcome is how one address of a bulk invite went.
type InviteOutcome struct {
	Email  string
	Result *InviteResult // nil when Err is set
	Err    error
}

// InviteUsers invites each address with role, each in its own transaction
// under the same rules as InviteUser, so one address that is taken or
// malformed, or the last seat running out, stops only its own invite.
// Addresses that name one person twice are invited once.
func (s *Service) InviteUsers(ctx context.Context, a roster.Actor, emails []string, role roster.OrgRole) ([]InviteOutcome, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if len(emails) == 0 {
		return nil, roster.Errorf(roster.EInvalid, "give at least one email address")
	}
	if len(emails) > MaxBulkInvites {
		return nil, roster.Errorf(roster.EInvalid, "a bulk invite takes at most %d addresses; split the list", MaxBulkInvites)
	}
	if role != "" {
		if _, err := roster.ParseOrgRole(string(role)); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var out []InviteOutcome
	for _, e := range emails {
		key := roster.CanonicalEmail(e)
		if seen[key] {
			continue
		}
		seen[key] = true
		res, err := s.InviteUser(ctx, a, InviteInput{Email: e, Role: role})
		if err != nil && roster.ErrorCode(err) == roster.EInternal {
			return out, err
		}
		out = append(out, InviteOutcome{Email: e, Result: res, Err: err})
	}
	return out, nil
}

// InviteLink replaces a pending invite with a new link and hands it to the
// organization admin asking, instead of mailing it: for an invite whose
// mail failed or bounced. The old link and any unsent mail die. Only
// people who may be shown links (organization admins, H2) get one.
func (s *Service) InviteLink(ctx context.Context, a roster.Actor, ref string) (*InviteResult, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if !mayHandOverLinks(a) { // an organization service account through SCIM
		return nil, errNotAdmin
	}
	res := &InviteResult{}
	u, err := s.adminChange(ctx, a, ref, func(tx *store.Tx, u *roster.User) error {
		if err := retireInvite(ctx, tx, u); err != nil {
			return err
		}
		token, hash := auth.NewToken()
		inv := &roster.Invite{ID: roster.NewID("inv"), OrgID: u.OrgID, UserID: u.ID, Email: u.Email, Role: u.Role,
			InviterID: a.UserID(), TokenHash: hash, ExpiresAt: tx.Now().Add(roster.InviteTTL)}
		if err := tx.CreateInvite(ctx, inv); err != nil {
			return err
		}
		res.Invite, res.URL, res.State = inv, s.InviteURL(token), inviteState(inv, nil)
		return audit(ctx, tx, a, roster.ActUserResendInvite, u, "new link handed to an organization admin, not mailed")
	})
	if err != nil {
		return nil, err
	}
	res.User = u
	return res, nil
}

// RevokeInvite withdraws a pending invite: the invited user is removed and
// the seat freed (O8).
func (s *Service) RevokeInvite(ctx context.Context, a roster.Actor, ref string) error {
	_, err := s.adminChange(ctx, a, ref, func(tx *store.Tx, u *roster.User) error {
		if u.Status != roster.StatusInvited {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonNotInvited, "%s has no pending invite", display(u))
		}
		return s.removeUser(ctx, tx, a, u, roster.ActUserRevokeInvite)
	})
	return err
}

// lockForTeams takes the organization lock for a create that joins the new
// user to several teams: only a holder of it may lock several teams (lock
// order, store/tx.go), so that two such creates cannot wait on each other's
// team locks in a circle. A create joining one team or none takes no
// organization lock.
func lockForTeams(ctx context.Context, tx *store.Tx, org string, teams int) error {
	if teams < 2 {
		return nil
	}
	return tx.LockOrg(ctx, org)
}

// AcceptInput is the invite acceptance form.
type AcceptInput struct {
	Token    string
	Username string
	Password string
	Name     string
	// JoinAccount accepts with the account the actor signs in with in
	// another organization (#18): no new password, the account's one;
	// Username and Name default to the actor's.
	JoinAccount bool
}

var errInviteInvalid = roster.ReasonErrorf(roster.ENotFound, roster.ReasonInviteInvalid,
	"this invite link is invalid, expired or already used; ask an admin to resend it")

func errUsernameTaken(username string) *roster.Error {
	return roster.ReasonErrorf(roster.EConflict, roster.ReasonUsernameTaken, "username %s is already taken; choose another", username)
}

// checkAcceptFields refuses every wrong field of an invite acceptance at
// once. When another field is wrong and the link is usable, it says also
// whether the username is taken, which the acceptance itself checks
// otherwise; only a holder of a usable link learns that.
func (s *Service) checkAcceptFields(ctx context.Context, in AcceptInput) error {
	var f fieldErrors
	checkAccount(&f, in.Username, in.Password, in.Name)
	if len(f) == 0 || f[0].Field == "username" {
		return f.err()
	}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		inv, err := tx.InviteByTokenHash(ctx, auth.HashToken(in.Token))
		if roster.IsNotFound(err) || err == nil && !inv.Usable(tx.Now()) {
			return nil // the field errors alone; the link is refused once they are right
		}
		if err != nil {
			return err
		}
		if _, err := tx.UserByUsername(ctx, inv.OrgID, in.Username); err == nil {
			f = append(fieldErrors{{Field: "username", Err: errUsernameTaken(in.Username)}}, f...)
		} else if !roster.IsNotFound(err) {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return f.err()
}

// AcceptInvite activates an invited user with the chosen username and
// password; the link works once and for seven days (O8).
func (s *Service) AcceptInvite(ctx context.Context, a roster.Actor, in AcceptInput) (*roster.User, error) {
	if in.Token == "" || len(in.Token) > 128 {
		return nil, errInviteInvalid
	}
	if in.JoinAccount {
		return s.acceptWithAccount(ctx, a, in)
	}
	if err := s.checkAcceptFields(ctx, in); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(in.Password, s.cfg.Argon2)
	if err != nil {
		return nil, err
	}
	var u *roster.User
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = s.acceptableInvite(ctx, tx, in, nil); err != nil {
			return err
		}
		// Holding the link proves the address: it came by mail or from an
		// organization admin.
		u.Username, u.PasswordHash, u.Status, u.Name = in.Username, hash, roster.StatusActive, in.Name
		u.EmailProven = true
		if u.Name == "" {
			u.Name = in.Username
		}
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		a.User = u
		return audit(ctx, tx, a, roster.ActUserAcceptInvite, u, "")
	})
	if err != nil {
		return nil, fmt.Errorf("accept invite: %w", err)
	}
	return u, nil
}

// acceptableInvite reads the invite of in.Token under its organization's
// lock, so that a revoke or resend racing the acceptance is seen, not
// undone, and marks it accepted: it returns the invited user, or
// errInviteInvalid, or the error of may (when not nil) for the invite's
// organization, or username_taken for in.Username.
func (s *Service) acceptableInvite(ctx context.Context, tx *store.Tx, in AcceptInput, may func(orgID string) error) (*roster.User, error) {
	inv, err := tx.InviteByTokenHash(ctx, auth.HashToken(in.Token))
	if err == nil {
		if err := tx.LockOrg(ctx, inv.OrgID); err != nil {
			return nil, err
		}
		inv, err = tx.InviteByTokenHash(ctx, auth.HashToken(in.Token))
	}
	if roster.IsNotFound(err) || err == nil && !inv.Usable(tx.Now()) {
		return nil, errInviteInvalid
	}
	if err != nil {
		return nil, err
	}
	if err := inviteOrgOpen(ctx, tx, inv.OrgID); err != nil {
		return nil, err
	}
	u, err := tx.UserByID(ctx, inv.OrgID, inv.UserID)
	if err != nil || u.Status != roster.StatusInvited {
		return nil, errInviteInvalid
	}
	if may != nil {
		if err := may(inv.OrgID); err != nil {
			return nil, err
		}
	}
	if _, err := tx.UserByUsername(ctx, inv.OrgID, in.Username); err == nil {
		return nil, errUsernameTaken(in.Username)
	} else if !roster.IsNotFound(err) {
		return nil, err
	}
	if err := tx.MarkInviteAccepted(ctx, inv.ID); err != nil {
		return nil, err
	}
	return u, tx.CancelInviteMail(ctx, u.ID)
}

// acceptWithAccount accepts an invite to another organization with the
// account the actor is signed in with (#18): the invited user joins that
// account, with its password, and the actor's username and name unless
// others are given. Only the person holding both the link and a signed-in
// account can join them.
func (s *Service) acceptWithAccount(ctx context.Context, a roster.Actor, in AcceptInput) (*roster.User, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	if a.SessionID == "" {
		// A key acts for its organization alone; joining an account to
		// another is the signed-in person's own step.
		return nil, roster.ReasonErrorf(roster.EForbidden, roster.ReasonSessionRequired,
			"joining with your account needs a signed-in session, not an API key")
	}
	if in.Username == "" {
		in.Username = a.User.Username
	}
	if in.Name == "" {
		in.Name = a.User.Name
	}
	var f fieldErrors
	f.check("username", roster.ValidateUsername(in.Username))
	f.check("name", roster.ValidateName(in.Name))
	if err := f.err(); err != nil {
		return nil, err
	}
	var u *roster.User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		// One membership per organization: two joins of one account with
		// two invites of one organization are serialized by that
		// organization's lock (acceptableInvite), under which the second
		// finds the first's row. A member is told so before any question
		// of usernames: the one they would take there may be their own.
		var home *roster.User
		notMember := func(orgID string) error {
			var err error
			if home, err = tx.UserByID(ctx, a.User.OrgID, a.User.ID); err != nil {
				return err
			}
			if _, err := tx.AccountUserIn(ctx, home.Account(), orgID); err == nil {
				return roster.ReasonErrorf(roster.EConflict, roster.ReasonAlreadyMember,
					"your account is already a member of this organization; switch to it from your avatar menu")
			} else if !roster.IsNotFound(err) {
				return err
			}
			return nil
		}
		var err error
		if u, err = s.acceptableInvite(ctx, tx, in, notMember); err != nil {
			return err
		}
		if err := openAccount(ctx, tx, home); err != nil {
			return err
		}
		u.Username, u.Name, u.Status, u.EmailProven = in.Username, in.Name, roster.StatusActive, true
		u.PasswordHash, u.AccountID = home.PasswordHash, home.AccountID
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		return audit(ctx, tx, roster.Actor{User: u, IP: a.IP, UserAgent: a.UserAgent, Via: a.Via}, roster.ActUserAcceptInvite, u,
			"joined with the account they use in another organization")
	})
	if err != nil {
		return nil, fmt.Errorf("accept invite: %w", err)
	}
	return u, nil
}
