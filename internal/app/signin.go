package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// SignupInput is the first user's sign-up form.
type SignupInput struct {
	Username string
	Email    string
	Password string
	Name     string
}

// localCredentials validates a local account's username, password and
// display name and returns the password's hash.
func (s *Service) localCredentials(username, password, name string) (string, error) {
	if err := roster.ValidateUsername(username); err != nil {
		return "", err
	}
	if err := roster.ValidatePassword(password); err != nil {
		return "", err
	}
	if err := roster.ValidateName(name); err != nil {
		return "", err
	}
	return auth.HashPassword(password, s.cfg.Argon2)
}

// newLocalUser validates a local account's fields and hashes its password.
func (s *Service) newLocalUser(username, email, password, name string) (*roster.User, error) {
	email, err := roster.NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	hash, err := s.localCredentials(username, password, name)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = username
	}
	return &roster.User{ID: roster.NewID("u"), OrgID: roster.DefaultOrgID, Username: username, Email: email,
		Name: name, Status: roster.StatusActive, PasswordHash: hash}, nil
}

// Signup creates the instance's first user as an organization admin (O1).
// Once any user exists, open sign-up is closed (O2); the check and the
// insert share one transaction under the organization lock, so exactly one
// of racing sign-ups wins.
func (s *Service) Signup(ctx context.Context, a roster.Actor, in SignupInput) (*roster.User, error) {
	u, err := s.newLocalUser(in.Username, in.Email, in.Password, in.Name)
	if err != nil {
		return nil, err
	}
	u.Role = roster.OrgAdmin
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.LockOrg(ctx, u.OrgID); err != nil {
			return err
		}
		n, err := tx.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return roster.ReasonErrorf(roster.EForbidden, "signup_closed",
				"sign-up is closed: this instance already has users; ask an admin for an invite")
		}
		if err := s.ReserveSeat(ctx, tx, u.OrgID); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		a.User = u
		return audit(ctx, tx, a, roster.ActUserSignup, u, "first user, made organization admin")
	})
	if err != nil {
		return nil, fmt.Errorf("sign up: %w", err)
	}
	return u, nil
}

// errBadCredentials is the one answer to every failed sign-in, so it does
// not tell which of login and password was wrong.
var errBadCredentials = roster.ReasonErrorf(roster.EUnauthenticated, "bad_credentials", "wrong username, email or password")

// Login checks a username or email and a password and opens a session. It
// returns the user and the session token for the cookie.
func (s *Service) Login(ctx context.Context, a roster.Actor, login, password string) (*roster.User, string, error) {
	login = strings.TrimSpace(login)
	acctKey := roster.Fold(login)
	if s.limits.loginAccount.Blocked(acctKey) || s.limits.loginAddress.Blocked(a.IP) {
		return nil, "", roster.ReasonErrorf(roster.ETooMany, "rate_limited", "too many failed sign-ins; wait a minute and try again")
	}
	if login == "" || len(login) > 254 || password == "" || len(password) > roster.MaxPasswordLen {
		return nil, "", errBadCredentials
	}
	var u *roster.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if strings.Contains(login, "@") {
			u, err = tx.UserByEmail(ctx, login)
		} else {
			u, err = tx.UserByUsername(ctx, login)
		}
		return err
	})
	if err != nil && !roster.IsNotFound(err) {
		return nil, "", err
	}
	hash := auth.DummyHash
	if u != nil {
		hash = u.PasswordHash
		// A known account is limited as one, whether it is named by
		// username or by email (D5).
		acctKey = u.ID
		if s.limits.loginAccount.Blocked(acctKey) {
			return nil, "", roster.ReasonErrorf(roster.ETooMany, "rate_limited", "too many failed sign-ins; wait a minute and try again")
		}
	}
	ok, err := auth.CheckPassword(hash, password)
	if err != nil {
		return nil, "", fmt.Errorf("check password: %w", err)
	}
	if u == nil || !ok || u.Status != roster.StatusActive {
		s.limits.loginAccount.Allow(acctKey)
		s.limits.loginAddress.Allow(a.IP)
		s.recordFailedLogin(ctx, a, login, u)
		if u != nil && ok && u.Status == roster.StatusDeactivated {
			return nil, "", roster.ReasonErrorf(roster.EUnauthenticated, "deactivated", "this account is deactivated; ask an admin to reactivate it")
		}
		return nil, "", errBadCredentials
	}
	token, err := s.openSession(ctx, a, u, roster.ActUserLogin)
	return u, token, err
}

// recordFailedLogin writes the failed sign-in's audit entry (L1).
func (s *Service) recordFailedLogin(ctx context.Context, a roster.Actor, login string, u *roster.User) {
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		return audit(ctx, tx, a, roster.ActUserLoginFailed, u, "login "+truncate(login, 64))
	})
	if err != nil {
		s.log.Error("record failed sign-in", "err", err)
	}
}

// openSession creates a session for u and audits the sign-in.
func (s *Service) openSession(ctx context.Context, a roster.Actor, u *roster.User, action string) (string, error) {
	var token string
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		token, err = s.createSession(ctx, tx, a, u, action)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("open session: %w", err)
	}
	return token, nil
}

// createSession creates a session for u in tx, audits the sign-in and
// returns the session token for the cookie.
func (s *Service) createSession(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, action string) (string, error) {
	token, hash := auth.NewToken()
	sess := &roster.Session{ID: roster.NewID("s"), UserID: u.ID, TokenHash: hash,
		ExpiresAt: tx.Now().Add(s.cfg.SessionLength), IP: a.IP}
	if err := tx.CreateSession(ctx, sess); err != nil {
		return "", err
	}
	if err := tx.TouchUser(ctx, u.ID); err != nil {
		return "", err
	}
	a.User = u
	return token, audit(ctx, tx, a, action, u, "")
}

// Logout ends the actor's session.
func (s *Service) Logout(ctx context.Context, a roster.Actor) error {
	if a.User == nil || a.SessionID == "" {
		return errUnauthenticated
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteSession(ctx, a.SessionID); err != nil {
			return err
		}
		return audit(ctx, tx, a, roster.ActUserLogout, a.User, "")
	})
}

// SessionActor resolves a session token into its active user.
func (s *Service) SessionActor(ctx context.Context, token string, a roster.Actor) (roster.Actor, error) {
	if token == "" || len(token) > 128 {
		return a, errUnauthenticated
	}
	var sess *roster.Session
	var u *roster.User
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		sess, u, err = tx.SessionUser(ctx, auth.HashToken(token))
		return err
	})
	if roster.IsNotFound(err) {
		return a, roster.ReasonErrorf(roster.EUnauthenticated, "session_expired", "your session has ended; sign in again")
	}
	if err != nil {
		return a, err
	}
	if u.Status != roster.StatusActive {
		return a, roster.ReasonErrorf(roster.EUnauthenticated, "inactive", "this account is not active")
	}
	a.User, a.SessionID = u, sess.ID
	s.touchUser(ctx, u)
	return a, nil
}

// KeyActor resolves an API key into its active principal (A4). Failures
// are rate-limited per client address.
func (s *Service) KeyActor(ctx context.Context, key string, a roster.Actor) (roster.Actor, error) {
	if s.limits.keyAddress.Blocked(a.IP) {
		return a, roster.ReasonErrorf(roster.ETooMany, "rate_limited", "too many failed API key checks; wait and try again")
	}
	fail := func(msg string) (roster.Actor, error) {
		s.limits.keyAddress.Allow(a.IP)
		return a, roster.ReasonErrorf(roster.EUnauthenticated, "bad_api_key", "%s", msg)
	}
	if !auth.LooksLikeAPIKey(key) {
		return fail("this is not a Roster API key")
	}
	hash := auth.HashToken(key)
	var k *roster.APIKey
	var u *roster.User
	var sa *roster.ServiceAccount
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		k, u, err = tx.APIKeyUser(ctx, hash)
		if roster.IsNotFound(err) {
			k, sa, err = tx.APIKeyServiceAccount(ctx, hash)
		}
		return err
	})
	if roster.IsNotFound(err) {
		return fail("this API key is unknown or was deleted")
	}
	if err != nil {
		return a, err
	}
	if !auth.EqualHash(k.Hash, hash) {
		return fail("this API key is unknown or was deleted")
	}
	if u != nil && u.Status != roster.StatusActive {
		return fail("the owner of this API key is not active")
	}
	if k.LastUsedAt.IsZero() || s.db.Now().Sub(k.LastUsedAt) > time.Minute {
		if err := s.db.Tx(ctx, func(tx *store.Tx) error { return tx.TouchAPIKey(ctx, k.ID) }); err != nil {
			s.log.Warn("record api key use", "key", k.ID, "err", err)
		}
	}
	a.User, a.ServiceAccount, a.APIKeyID = u, sa, k.ID
	if u != nil {
		s.touchUser(ctx, u)
	}
	return a, nil
}

// truncate cuts s to n runes for messages and audit details, as valid
// UTF-8 whatever was sent.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// touchUser records a user's activity for the "last active" column, at
// most once a minute so that requests stay reads.
func (s *Service) touchUser(ctx context.Context, u *roster.User) {
	if !u.LastActiveAt.IsZero() && s.db.Now().Sub(u.LastActiveAt) < time.Minute {
		return
	}
	if err := s.db.Tx(ctx, func(tx *store.Tx) error { return tx.TouchUser(ctx, u.ID) }); err != nil {
		s.log.Warn("record user activity", "user", u.ID, "err", err)
	}
}
