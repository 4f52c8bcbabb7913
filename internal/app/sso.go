package app

import (
	"context"
	"fmt"
	"strings"

	"roster"
	"roster/internal/store"
)

// Refusals of an SSO sign-in; the browser edge shows a page for each.
var (
	errSSONoIdentity = roster.ReasonErrorf(roster.EInvalid, roster.ReasonSSOClaimsInvalid,
		"the identity provider's answer names no subject or issuer; ask your administrator to check the SSO setup")
	errSSONoEmail = roster.ReasonErrorf(roster.EInvalid, roster.ReasonSSOClaimsInvalid,
		"the identity provider sent no usable email address; ask your administrator to release the email claim to Roster")
	errSSODeactivated = roster.ReasonErrorf(roster.EForbidden, roster.ReasonDeactivated,
		"this account is deactivated; ask an administrator to reactivate it")
)

// errSSOUnverified refuses an address nobody vouched for, and says which
// setting would allow it: the provider's own verification, or
// OIDC_TRUST_EMAIL for a single-tenant provider the deployment controls.
func errSSOUnverified(c roster.SSOClaims) error {
	if c.EmailSource == "preferred_username" || c.EmailSource == "upn" {
		return roster.ReasonErrorf(roster.EForbidden, roster.ReasonEmailUnverified,
			"your identity provider sent the address %s only as %s, which does not say the address is verified, so Roster cannot match it to an account. "+
				"Ask your administrator to have the provider send a verified email claim (for Microsoft Entra ID: the email and xms_edov optional claims), "+
				"or, only if the provider is a single-tenant directory your organization controls, to set OIDC_TRUST_EMAIL=true", c.Email, c.EmailSource)
	}
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonEmailUnverified,
		"your identity provider has not verified the email address %s, so Roster cannot match it to an account; verify it there and try again. "+
			"An administrator whose provider is a single-tenant directory the organization controls may set OIDC_TRUST_EMAIL=true instead", c.Email)
}

func errSSONotProvisioned(via roster.Interface, email string) error {
	why := ""
	if via == roster.ViaLDAP {
		why = " (DISABLE_SSO_PROVISIONING=true, which covers LDAP sign-in too)"
	}
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonSSONotProvisioned,
		"there is no Roster account for %s and this instance does not create accounts on first sign-in%s; ask your administrator to invite you", email, why)
}

// signInName is how a refusal names a sign-in method.
func signInName(via roster.Interface) string {
	if via == roster.ViaLDAP {
		return "LDAP"
	}
	return "single sign-on"
}

// errSSOUnproven refuses to link an identity to a local account whose
// email address Roster never saw proven (H2): whoever set its password may
// not be the address's owner.
func errSSOUnproven(via roster.Interface, email string) error {
	how := "then choose \"Sign in with SSO\""
	if via == roster.ViaLDAP {
		how = "then, in the same browser, sign in with your directory password"
	}
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonEmailUnproven,
		"a Roster account with the email address %s already exists, but its owner never proved that address, "+
			"so Roster will not sign you in to it with %s. If it is your account, sign in with its password, "+
			"%s to link the two; otherwise ask your administrator", email, signInName(via), how)
}

var errSSOInviteExpired = roster.ReasonErrorf(roster.EForbidden, roster.ReasonInviteExpired,
	"your invite to Roster has expired; ask an administrator to resend it")

// SSOSignIn signs in the person an identity provider vouched for and opens
// a session (S2-S6). The identity is recognised by issuer and subject, or
// linked by verified email to an existing user (S5); an invited user
// accepts the invite (S4, O8); anyone else is provisioned as an active
// member while a seat is free (S3), unless provisioning is off (S4).
// Deactivated users are refused (S5). A local account whose email was
// never proven is linked only when a.User, the user already signed in in
// this browser, is that account (H2). org names the organization the
// person asked to sign in to, "" for none (ssoOrg). It returns the user and
// the session token for the cookie.
func (s *Service) SSOSignIn(ctx context.Context, a roster.Actor, org string, c roster.SSOClaims) (*roster.User, string, error) {
	a.Via = roster.ViaSSO
	u, token, err := s.externalSignIn(ctx, a, c, org, s.cfg.EnableSSOGroupClaims)
	if err != nil {
		return nil, "", fmt.Errorf("sso sign-in: %w", err)
	}
	return u, token, nil
}

// externalSignIn is the one transition of a sign-in vouched for by
// someone else, an identity provider (SSO) or an LDAP directory (a.Via
// tells which): it finds, links, admits or provisions the user under the
// rules of SSOSignIn in the organization org names ("" for the identity's
// own), syncs team memberships with the groups when syncGroups, and opens
// the session. Refusals are audited.
func (s *Service) externalSignIn(ctx context.Context, a roster.Actor, c roster.SSOClaims, org string, syncGroups bool) (*roster.User, string, error) {
	signedIn := a.User
	a.User = nil
	c, err := cleanClaims(c)
	if err != nil {
		return nil, "", err
	}
	var u, seen *roster.User
	var token string
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		to, err := s.ssoOrg(ctx, tx, c, org)
		if err != nil {
			return err
		}
		// The license of the organization signed into must list SSO
		// (it covers LDAP too).
		if err := s.requireFeatureIn(ctx, tx, to.org, featureSSO); err != nil {
			return err
		}
		// Syncing groups may join the user to several teams, whose locks
		// only the organization lock's holder may take (store/tx.go).
		if syncGroups {
			if err := tx.LockOrg(ctx, to.org); err != nil {
				return err
			}
		}
		if u, seen, err = s.ssoUser(ctx, tx, a, to, c, signedIn); err != nil {
			return err
		}
		a.User = u
		// The identity stays linked to its own user when the person signs
		// in to another organization of their account.
		if to.home == nil {
			if err := tx.SaveSSOIdentity(ctx, c.Issuer, c.Subject, u.ID, c.Email); err != nil {
				return err
			}
		}
		note := ""
		if syncGroups {
			if note, err = s.syncGroupTeams(ctx, tx, a, u, c); err != nil {
				return err
			}
		}
		token, err = s.createSessionNoted(ctx, tx, a, u, roster.ActUserLogin, roster.SessionSSO, note)
		return err
	})
	if err != nil {
		s.recordSSORefusal(ctx, a, c, seen, err)
		return nil, "", err
	}
	return u, token, nil
}

// cleanClaims bounds and normalizes the claims; the email is dropped when
// it is not a valid address.
func cleanClaims(c roster.SSOClaims) (roster.SSOClaims, error) {
	if c.Issuer == "" || c.Subject == "" || len(c.Issuer) > 1024 || len(c.Subject) > roster.MaxClaimLen {
		return c, errSSONoIdentity
	}
	if e, err := roster.NormalizeEmail(c.Email); err == nil {
		c.Email = e
	} else {
		c.Email = ""
	}
	c.Name = truncate(strings.TrimSpace(roster.CleanText(c.Name)), roster.MaxNameLen)
	c.PreferredUsername = truncate(c.PreferredUsername, roster.MaxClaimLen)
	if len(c.Groups) > roster.MaxGroupClaims {
		c.Groups = c.Groups[:roster.MaxGroupClaims]
	}
	return c, nil
}

// ssoUser finds or makes the user the claims name and admits them. On a
// refusal it also returns the user it refused, if any, for the audit log.
func (s *Service) ssoUser(ctx context.Context, tx *store.Tx, a roster.Actor, to ssoTarget, c roster.SSOClaims, signedIn *roster.User) (u, seen *roster.User, err error) {
	org := to.org
	// No organization lock: an existing user is changed under their row's
	// lock (two sign-ins of one person take turns), and a new one is kept
	// from being made twice by the unique identity and email indexes (the
	// loser runs again and signs in as the winner's user), a seat by the
	// seat counter.
	if id := to.linked; id != "" {
		if err := tx.LockUser(ctx, id); err != nil {
			return nil, nil, err
		}
		found, err := tx.UserByID(ctx, org, id)
		if err == nil {
			u, err = s.admit(ctx, tx, a, found, c)
			return u, found, err
		}
		if !roster.IsNotFound(err) {
			return nil, nil, err
		}
		// The linked user was removed: the person comes back as new.
	}
	if c.Email == "" {
		return nil, nil, errSSONoEmail
	}
	if !c.EmailVerified {
		return nil, nil, errSSOUnverified(c)
	}
	found, err := lockUserByEmail(ctx, tx, org, c.Email)
	if err == nil {
		if err := s.proveBySSO(ctx, tx, a, found, signedIn); err != nil {
			return nil, found, err
		}
		invited := found.Status == roster.StatusInvited
		u, err = s.admit(ctx, tx, a, found, c)
		if err == nil && invited {
			// An invite accepted from another organization's identity
			// joins that account; an active user of the email is a
			// person of their own, with their own password.
			err = joinHome(ctx, tx, to, u)
		}
		return u, found, err
	}
	if !roster.IsNotFound(err) {
		return nil, nil, err
	}
	if !to.provisions {
		return nil, nil, errNotAMember
	}
	if s.cfg.DisableSSOProvisioning {
		return nil, nil, errSSONotProvisioned(a.Via, c.Email)
	}
	if u, err = s.provisionSSOUser(ctx, tx, a, org, c); err == nil {
		err = joinHome(ctx, tx, to, u)
	}
	return u, nil, err
}

// lockUserByEmail finds the user with email and locks their row, then
// reads them again under the lock; a user whose email changed meanwhile
// runs the transaction again.
func lockUserByEmail(ctx context.Context, tx *store.Tx, org, email string) (*roster.User, error) {
	u, err := tx.UserByEmail(ctx, org, email)
	if err != nil {
		return nil, err
	}
	if err := tx.LockUser(ctx, u.ID); err != nil {
		return nil, err
	}
	again, err := tx.UserByEmail(ctx, org, email)
	if err == nil && again.ID != u.ID || roster.IsNotFound(err) {
		return nil, store.ErrUserChanged
	}
	return again, err
}

// proveBySSO lets a new identity link to the active account u only when
// u's email was proven, or when u is signed in in this browser: knowing the
// password and holding the identity provider's word for the address
// together prove it, and the proof is recorded (H2). Invited accounts have
// no password yet; accepting the invite proves them.
func (s *Service) proveBySSO(ctx context.Context, tx *store.Tx, a roster.Actor, u, signedIn *roster.User) error {
	if u.Status != roster.StatusActive || u.EmailProven {
		return nil
	}
	if signedIn == nil || signedIn.ID != u.ID {
		return errSSOUnproven(a.Via, u.Email)
	}
	u.EmailProven = true
	if err := tx.UpdateUser(ctx, u); err != nil {
		return err
	}
	a.User = u
	return audit(ctx, tx, a, roster.ActUserUpdate, u, "email proven: signed in with the password, then with "+string(a.Via))
}

// admit lets an existing user in: active ones as they are, invited ones by
// accepting their invite; deactivated ones are refused (S5).
func (s *Service) admit(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, c roster.SSOClaims) (*roster.User, error) {
	switch u.Status {
	case roster.StatusActive:
		return u, s.syncName(ctx, tx, a, u, c)
	case roster.StatusInvited:
		return u, s.acceptInviteBySSO(ctx, tx, a, u, c)
	case roster.StatusDeactivated:
		return nil, errSSODeactivated
	}
	return nil, fmt.Errorf("admit user %s in status %s: %w", u.ID, u.Status, roster.ErrNotFound)
}

// acceptInviteBySSO activates an invited user with the invited role; the
// team memberships attached to the invite are already theirs (S4, O8).
func (s *Service) acceptInviteBySSO(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, c roster.SSOClaims) error {
	inv, err := tx.PendingInvite(ctx, u.ID)
	if roster.IsNotFound(err) || err == nil && !inv.Usable(tx.Now()) {
		return errSSOInviteExpired
	}
	if err != nil {
		return err
	}
	if err := tx.MarkInviteAccepted(ctx, inv.ID); err != nil {
		return err
	}
	if err := tx.CancelInviteMail(ctx, u.ID); err != nil {
		return err
	}
	if u.Username, err = s.pickUsername(ctx, tx, u.OrgID, c); err != nil {
		return err
	}
	u.Status, u.Name, u.EmailProven = roster.StatusActive, nameFrom(c, u.Username), true
	if err := tx.UpdateUser(ctx, u); err != nil {
		return err
	}
	a.User = u
	return audit(ctx, tx, a, roster.ActUserAcceptInvite, u, "through "+string(a.Via)+" as "+string(u.Role))
}

// provisionSSOUser creates an active member of org for a person the
// identity provider vouched for, if a seat is free (S3).
func (s *Service) provisionSSOUser(ctx context.Context, tx *store.Tx, a roster.Actor, org string, c roster.SSOClaims) (*roster.User, error) {
	if err := s.ReserveSeat(ctx, tx, org); err != nil {
		return nil, err
	}
	username, err := s.pickUsername(ctx, tx, org, c)
	if err != nil {
		return nil, err
	}
	u := &roster.User{ID: roster.NewID("u"), OrgID: org, Username: username, Email: c.Email,
		Name: nameFrom(c, username), Role: roster.OrgMember, Status: roster.StatusActive, EmailProven: true}
	if err := tx.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	a.User = u
	return u, audit(ctx, tx, a, roster.ActUserCreate, u, "provisioned through "+string(a.Via)+" as member")
}

// pickUsername derives a username free in org: from preferred_username
// when identifier claims are on (S6), else from the email's local part,
// with a numeric suffix when taken.
func (s *Service) pickUsername(ctx context.Context, tx *store.Tx, org string, c roster.SSOClaims) (string, error) {
	base := ""
	if s.cfg.UseIdentifierClaims {
		base = roster.UsernameFrom(c.PreferredUsername)
	}
	if base == "" {
		local, _, _ := strings.Cut(c.Email, "@")
		base = roster.UsernameFrom(local)
	}
	if base == "" {
		base = "user"
	}
	return freeUsername(ctx, tx, org, base, "")
}

// nameFrom is the display name for a new account: the name claim, else
// the username.
func nameFrom(c roster.SSOClaims, username string) string {
	if c.Name != "" {
		return c.Name
	}
	return username
}

// syncName keeps an active user's display name equal to the name claim
// when identifier claims are on (S6).
func (s *Service) syncName(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, c roster.SSOClaims) error {
	if !s.cfg.UseIdentifierClaims || c.Name == "" || c.Name == u.Name {
		return nil
	}
	old := u.Name
	u.Name = c.Name
	if err := tx.UpdateUser(ctx, u); err != nil {
		return err
	}
	a.User = u
	return audit(ctx, tx, a, roster.ActUserUpdate, u, fmt.Sprintf("name %q -> %q from the identity provider", truncate(old, 64), truncate(u.Name, 64)))
}

// recordSSORefusal writes the audit entry of a refused SSO sign-in (L1).
// Failures that are not refusals of a person (bad claims, faults) are
// left to the log.
func (s *Service) recordSSORefusal(ctx context.Context, a roster.Actor, c roster.SSOClaims, u *roster.User, cause error) {
	switch roster.ErrorCode(cause) {
	case roster.EForbidden, roster.EConflict:
	default:
		return
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		target := u
		if target == nil {
			target = &roster.User{Email: c.Email}
		}
		return audit(ctx, tx, a, roster.ActUserLoginFailed, target, string(a.Via)+": "+roster.ErrorReason(cause))
	})
	if err != nil {
		s.log.Error("record refused sign-in", "via", a.Via, "err", err)
	}
}
