package app

import (
	"context"
	"fmt"
	"strings"

	"roster"
	"roster/internal/store"
)

// Directory checks a password against an LDAP directory; the adapter in
// internal/auth/ldap is one, tests use it against a real slapd. A wrong
// password or unknown login is an error with reason bad_credentials; a
// directory that cannot be reached is an error with code upstream.
type Directory interface {
	Authenticate(ctx context.Context, login, password string) (*roster.DirectoryEntry, error)
}

var (
	errLDAPOff = roster.ReasonErrorf(roster.ENotFound, roster.ReasonLDAPNotConfigured,
		"LDAP sign-in is not turned on for this Roster; sign in with your Roster password, or ask your administrator to set LOCAL_LDAP_LOGIN=true")
	errLDAPNoEmail = roster.ReasonErrorf(roster.EForbidden, roster.ReasonLDAPNoEmail,
		"your directory entry has no email address, which Roster needs for your account; ask your directory administrator to add one, "+
			"or your Roster administrator to map the right attribute with LOCAL_LDAP_ATTRIBUTES=email=...")
	errLDAPGroupNotAllowed = roster.ReasonErrorf(roster.EForbidden, roster.ReasonLDAPGroupNotAllowed,
		"your directory account is in none of the groups allowed to use Roster; ask your administrator to add you to one of the groups in LOCAL_LDAP_GROUP_ALLOW_LIST")
)

// Sign-in methods of SignIn.
const (
	LoginLocal = "local"
	LoginLDAP  = "ldap"
)

// SignIn checks a login and password with the named method: local (the
// default, Login) or ldap (LDAPLogin).
func (s *Service) SignIn(ctx context.Context, a roster.Actor, method string, in LoginInput) (*LoginResult, error) {
	switch method {
	case "", LoginLocal:
		return s.Login(ctx, a, in)
	case LoginLDAP:
		return s.LDAPLogin(ctx, a, in)
	}
	return nil, roster.ReasonErrorf(roster.EInvalid, roster.ReasonInvalidLoginMethod,
		"method must be local (the Roster password) or ldap (the directory password), not %q", truncate(method, 32))
}

// LDAPEnabled reports whether LDAP sign-in is on (LOCAL_LDAP_LOGIN).
func (s *Service) LDAPEnabled() bool { return s.cfg.Directory != nil }

// LDAPLogin signs in a person whose username or email and password the
// LDAP directory accepts, and opens a session. Failed passwords spend the
// sign-in failure budgets of the login and the client address, like local
// ones (D5). The person is then admitted, linked or provisioned by the
// same transition as an SSO sign-in, with the directory's address counted
// as verified, and never above member for a new account.
func (s *Service) LDAPLogin(ctx context.Context, a roster.Actor, in LoginInput) (*LoginResult, error) {
	a.Via = roster.ViaLDAP
	if s.cfg.Directory == nil {
		return nil, errLDAPOff
	}
	login := strings.TrimSpace(in.Login)
	if login == "" || len(login) > 254 || in.Password == "" || len(in.Password) > roster.MaxPasswordLen {
		return nil, errBadCredentials
	}
	budgets := s.loginBudgets(nil, "ldap:"+roster.Fold(login), a.IP, nil)
	blocked, err := s.spent(ctx, budgets)
	if err != nil {
		return nil, err
	}
	if blocked {
		return nil, errLoginRateLimited
	}
	e, err := s.cfg.Directory.Authenticate(ctx, login, in.Password)
	if err != nil {
		return nil, s.refuseLDAP(ctx, a, login, budgets, err)
	}
	c, err := s.ldapClaims(e)
	if err != nil {
		return nil, s.refuseLDAP(ctx, a, login, nil, err)
	}
	u, token, err := s.externalSignIn(ctx, a, c, in.Org, s.cfg.LDAPGroupSync)
	if err != nil {
		return nil, fmt.Errorf("ldap sign-in: %w", err)
	}
	s.forgive(ctx, budgets)
	return &LoginResult{User: u, Session: token}, nil
}

// ldapClaims turns a directory entry into the claims the sign-in
// transition reads, refusing entries without an address and, when
// LOCAL_LDAP_GROUP_ALLOW_LIST is set, outside its groups.
func (s *Service) ldapClaims(e *roster.DirectoryEntry) (roster.SSOClaims, error) {
	c := roster.SSOClaims{Issuer: roster.LDAPIssuer, Subject: roster.Fold(e.DN), Email: e.Email, EmailVerified: true,
		Name: e.Name, PreferredUsername: e.Username, Groups: e.Groups, EmailSource: "ldap"}
	if _, err := roster.NormalizeEmail(e.Email); err != nil {
		return c, errLDAPNoEmail
	}
	if len(s.cfg.LDAPGroupAllowList) == 0 {
		return c, nil
	}
	for _, allowed := range s.cfg.LDAPGroupAllowList {
		for _, g := range e.Groups {
			if roster.Fold(g) == roster.Fold(allowed) {
				return c, nil
			}
		}
	}
	return c, errLDAPGroupNotAllowed
}

// refuseLDAP records a refused LDAP sign-in: a wrong password or unknown
// login spends budgets and is answered bad_credentials; other refusals of
// the person are audited with their reason; a directory fault is logged.
func (s *Service) refuseLDAP(ctx context.Context, a roster.Actor, login string, budgets []budget, cause error) error {
	if roster.ErrorCode(cause) == roster.EUpstream || roster.ErrorCode(cause) == roster.EInternal {
		s.log.ErrorContext(ctx, "ldap sign-in: directory fault", "err", cause)
		return fmt.Errorf("ldap sign-in: %w", cause)
	}
	detail := "ldap: " + roster.ErrorReason(cause) + " as " + truncate(login, 64)
	if a.ResponseCode != 0 {
		a.ResponseCode = 403
		if roster.ErrorReason(cause) == roster.ReasonBadCredentials {
			a.ResponseCode = 401
		}
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := audit(ctx, tx, a, roster.ActUserLoginFailed, &roster.User{Email: emailOrEmpty(login)}, detail); err != nil {
			return err
		}
		if roster.ErrorReason(cause) != roster.ReasonBadCredentials {
			return nil
		}
		return spend(ctx, tx, a, nil, budgets)
	})
	if err != nil {
		return fmt.Errorf("record refused ldap sign-in: %w", err)
	}
	if roster.ErrorReason(cause) == roster.ReasonBadCredentials {
		return errBadCredentials
	}
	return fmt.Errorf("ldap sign-in: %w", cause)
}

// emailOrEmpty is login when it is an address, for the audit entry's target.
func emailOrEmpty(login string) string {
	if e, err := roster.NormalizeEmail(login); err == nil {
		return e
	}
	return ""
}

// forgive forgets the failures a successful sign-in's own client spent.
func (s *Service) forgive(ctx context.Context, budgets []budget) {
	var clear []string
	for _, b := range budgets {
		if b.forgive {
			clear = append(clear, b.key)
		}
	}
	if err := s.db.Tx(ctx, func(tx *store.Tx) error { return tx.ClearAuthFailures(ctx, clear...) }); err != nil {
		s.log.WarnContext(ctx, "forget failed ldap sign-ins", "err", err)
	}
}
