package app

import (
	"context"
	"errors"
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

// fieldErrors collects the refused fields of one input, so that a form
// learns of every mistake in one submit.
type fieldErrors []roster.FieldError

// check records err, when set, as the refusal of field.
func (f *fieldErrors) check(field string, err error) {
	if err == nil {
		return
	}
	var e *roster.Error
	if !errors.As(err, &e) {
		e = &roster.Error{Code: roster.EInternal, Message: "internal error", Err: err}
	}
	*f = append(*f, roster.FieldError{Field: field, Err: e})
}

// err is every recorded refusal as one error, or nil.
func (f fieldErrors) err() error { return roster.InvalidFields(f) }

// checkAccount checks a new local account's username, password and display
// name, every one of them.
func checkAccount(f *fieldErrors, username, password, name string) {
	f.check("username", roster.ValidateUsername(username))
	f.check("password", roster.ValidatePassword(password))
	f.check("name", roster.ValidateName(name))
}

// newLocalUser validates a local account's fields, all at once, and hashes
// its password.
func (s *Service) newLocalUser(username, email, password, name string) (*roster.User, error) {
	var f fieldErrors
	checkAccount(&f, username, password, name)
	email, err := roster.NormalizeEmail(email)
	f.check("email", err)
	if err := f.err(); err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(password, s.cfg.Argon2)
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
	u.Role, u.InstanceAdmin = roster.OrgAdmin, true
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.LockOrg(ctx, u.OrgID); err != nil {
			return err
		}
		n, err := tx.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return roster.ReasonErrorf(roster.EForbidden, roster.ReasonSignupClosed,
				"sign-up is closed: this instance already has users; ask an admin for an invite")
		}
		if err := s.ReserveSeat(ctx, tx, u.OrgID); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		a.User = u
		return audit(ctx, tx, a, roster.ActUserSignup, u, "first user, made organization admin and instance admin")
	})
	if err != nil {
		return nil, fmt.Errorf("sign up: %w", err)
	}
	return u, nil
}

// errBadCredentials is the one answer to every failed sign-in, so it does
// not tell which of login and password was wrong.
var errBadCredentials = roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonBadCredentials, "wrong username, email or password")

// LoginInput is a sign-in attempt.
type LoginInput struct {
	Login    string // username or email
	Password string
	// Org names the organization to sign in to, by name or id; empty means
	// the instance's first. Usernames and emails are unique per
	// organization (#18).
	Org string
	// Device is the device token the client presented (its device
	// cookie), if any: proof that it signed in to an account before.
	Device string
}

// LoginResult is a successful sign-in.
type LoginResult struct {
	User    *roster.User
	Session string // the session token, for the session cookie
	// Device is the device token for the device cookie, valid until
	// DeviceExpiresAt: the one presented, extended, or a new one.
	Device          string
	DeviceExpiresAt time.Time
}

// loginAttempt is what a sign-in attempt found before the password check.
type loginAttempt struct {
	login   string
	user    *roster.User // nil when no account matches
	device  []byte       // hash of the presented device token when it is the user's
	budgets []budget
}

// Login checks a username or email and a password and opens a session.
// Every attempt that reaches an account (known or not) runs exactly one
// password hash check, so its timing tells nothing; attempts over their
// failure budget are refused before it (D5).
func (s *Service) Login(ctx context.Context, a roster.Actor, in LoginInput) (*LoginResult, error) {
	login := strings.TrimSpace(in.Login)
	if login == "" || len(login) > 254 || in.Password == "" || len(in.Password) > roster.MaxPasswordLen {
		return nil, errBadCredentials
	}
	att, blocked, err := s.startLogin(ctx, a, in.Org, login, in.Device)
	if err != nil {
		return nil, err
	}
	if blocked {
		return nil, errLoginRateLimited
	}
	u := att.user
	hash := auth.DummyHash
	hasPassword := u != nil && u.PasswordHash != ""
	if hasPassword {
		hash = u.PasswordHash
	}
	ok, err := s.checkPassword(hash, in.Password)
	if err != nil {
		return nil, fmt.Errorf("check password: %w", err)
	}
	ok = ok && hasPassword
	if !ok || u.Status != roster.StatusActive {
		if err := s.recordFailedLogin(ctx, a, att); err != nil {
			return nil, err
		}
		if ok && u.Status == roster.StatusDeactivated {
			return nil, roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonDeactivated, "this account is deactivated; ask an admin to reactivate it")
		}
		return nil, errBadCredentials
	}
	return s.finishLogin(ctx, a, att, in.Device)
}

// startLogin finds the account and the device, picks the failure budgets
// the attempt spends and reports whether one of them is used up.
func (s *Service) startLogin(ctx context.Context, a roster.Actor, orgRef, login, device string) (loginAttempt, bool, error) {
	att := loginAttempt{login: login}
	var blocked bool
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		org, found, err := signInOrg(ctx, tx, orgRef)
		switch {
		case err != nil:
			return err
		case !found:
			err = roster.ErrNotFound // an unknown organization is a wrong login, not a hint
		case strings.Contains(login, "@"):
			att.user, err = tx.UserByEmail(ctx, org, login)
		default:
			att.user, err = tx.UserByUsername(ctx, org, login)
		}
		if roster.IsNotFound(err) {
			att.user, err = nil, nil
		}
		if err != nil {
			return err
		}
		// A known account is limited as one, whether it is named by
		// username or by email.
		subject := "login:" + roster.Fold(login)
		if att.user != nil {
			subject = att.user.ID
			if att.device, err = s.knownDevice(ctx, tx, device, att.user); err != nil {
				return err
			}
		}
		att.budgets = s.loginBudgets(att.user, subject, a.IP, att.device)
		blocked, err = overBudget(ctx, tx, att.budgets)
		return err
	})
	return att, blocked, err
}

// knownDevice returns the hash of a device token when it is u's, else nil.
func (s *Service) knownDevice(ctx context.Context, tx *store.Tx, token string, u *roster.User) ([]byte, error) {
	if token == "" || len(token) > 128 {
		return nil, nil
	}
	hash := auth.HashToken(token)
	owner, err := tx.LoginDeviceUser(ctx, hash)
	if roster.IsNotFound(err) || err == nil && owner != u.ID {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return hash, nil
}

// finishLogin opens the session, and gives the device a token, or extends
// the one it presented; the budgets this client spent are forgotten, the
// account's own excepted, which only time refills.
func (s *Service) finishLogin(ctx context.Context, a roster.Actor, att loginAttempt, device string) (*LoginResult, error) {
	res := &LoginResult{User: att.user, Device: device}
	hash := att.device
	if hash == nil {
		res.Device, hash = auth.NewToken()
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if res.Session, err = s.createSession(ctx, tx, a, att.user, roster.ActUserLogin); err != nil {
			return err
		}
		res.DeviceExpiresAt = tx.Now().Add(DeviceLifetime)
		if err := tx.SaveLoginDevice(ctx, hash, att.user.ID, res.DeviceExpiresAt); err != nil {
			return err
		}
		var clear []string
		for _, b := range att.budgets {
			if b.forgive {
				clear = append(clear, b.key)
			}
		}
		return tx.ClearAuthFailures(ctx, clear...)
	})
	if err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	return res, nil
}

// recordFailedLogin spends the attempt's failure budgets and writes the
// failed sign-in's audit entry (L1), and the lockout's when the account
// ran out, in one transaction.
func (s *Service) recordFailedLogin(ctx context.Context, a roster.Actor, att loginAttempt) error {
	if a.ResponseCode != 0 {
		a.ResponseCode = 401 // the attempt is answered bad_credentials
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := audit(ctx, tx, a, roster.ActUserLoginFailed, att.user, "login "+truncate(att.login, 64)); err != nil {
			return err
		}
		return spend(ctx, tx, a, att.user, att.budgets)
	})
	if err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	return nil
}

// createSession creates a session for u in tx, audits the sign-in and
// returns the session token for the cookie.
func (s *Service) createSession(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, action string) (string, error) {
	return s.createSessionNoted(ctx, tx, a, u, action, roster.SessionPassword, "")
}

// createSessionNoted is createSession opened by method, with a detail on
// its audit entry. Every sign-in opens its session here, so a member of a
// suspended organization is refused here, whichever way they came.
func (s *Service) createSessionNoted(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, action, method, detail string) (string, error) {
	if err := requireOpenOrg(ctx, tx, u.OrgID); err != nil {
		return "", err
	}
	token, hash := auth.NewToken()
	sess := &roster.Session{ID: roster.NewID("s"), UserID: u.ID, TokenHash: hash,
		ExpiresAt: tx.Now().Add(s.cfg.SessionLength), IP: a.IP, Method: method, UserAgent: cleanUserAgent(a.UserAgent)}
	if err := tx.CreateSession(ctx, sess); err != nil {
		return "", err
	}
	if err := tx.TouchUser(ctx, u.ID); err != nil {
		return "", err
	}
	a.User = u
	return token, audit(ctx, tx, a, action, u, detail)
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
	err := s.db.ReadNow(ctx, func(tx *store.Tx) error { // one statement, every request
		var err error
		if sess, u, err = tx.SessionUser(ctx, auth.HashToken(token)); err != nil {
			return err
		}
		return orgRefusal(sess.OrgStatus)
	})
	if roster.IsNotFound(err) {
		return a, roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonSessionExpired, "your session has ended; sign in again")
	}
	if err != nil {
		return a, err
	}
	if u.Status != roster.StatusActive {
		return a, roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonInactive, "this account is not active")
	}
	a.User, a.SessionID = u, sess.ID
	s.touchSession(ctx, u, sess)
	return a, nil
}

// KeyActor resolves an API key into its active principal (A4). The key is
// always checked, so a valid key always works; a refused key spends its
// client address's budget, and once that is used up refused keys from the
// address get 429 instead of 401 (D5).
func (s *Service) KeyActor(ctx context.Context, key string, a roster.Actor) (roster.Actor, error) {
	got, err := s.resolveKey(ctx, key, a)
	if roster.ErrorReason(err) != roster.ReasonBadAPIKey {
		return got, err
	}
	b := s.refusedKeyBudget(a)
	blocked, rerr := s.spent(ctx, b)
	if rerr != nil {
		return a, rerr
	}
	if blocked {
		return a, errKeyRateLimited
	}
	if rerr := s.db.Tx(ctx, func(tx *store.Tx) error { return spend(ctx, tx, a, nil, b) }); rerr != nil {
		return a, fmt.Errorf("record refused api key: %w", rerr)
	}
	return a, err
}

// resolveKey looks an API key up by its hash; a refused key is an error
// with reason bad_api_key.
func (s *Service) resolveKey(ctx context.Context, key string, a roster.Actor) (roster.Actor, error) {
	fail := func(msg string) (roster.Actor, error) {
		return a, roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonBadAPIKey, "%s", msg)
	}
	if !auth.LooksLikeAPIKey(key) {
		return fail("this is not a Roster API key")
	}
	if auth.IsAccessToken(key) {
		return s.resolveAccessToken(ctx, key, a)
	}
	hash := auth.HashToken(key)
	var k *roster.APIKey
	var u *roster.User
	var sa *roster.ServiceAccount
	// Every request with a key reads it with its organization's status:
	// one statement for a user's key, three for a service account's, each
	// on its own (a key is one row; no snapshot across them is needed).
	err := s.db.ReadNow(ctx, func(tx *store.Tx) error {
		var err error
		k, u, err = tx.APIKeyUser(ctx, hash)
		if roster.IsNotFound(err) {
			if k, sa, err = tx.APIKeyServiceAccount(ctx, hash); err == nil {
				k.OrgStatus, err = tx.OrgStatus(ctx, k.OrgID)
			}
		}
		if err != nil {
			return err
		}
		return orgRefusal(k.OrgStatus)
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

// touchSession records a session's use and its user's activity for the
// "last seen" and "last active" columns, at most once a minute so that
// requests stay reads.
func (s *Service) touchSession(ctx context.Context, u *roster.User, sess *roster.Session) {
	now := s.db.Now()
	if !u.LastActiveAt.IsZero() && now.Sub(u.LastActiveAt) < time.Minute &&
		!sess.LastSeenAt.IsZero() && now.Sub(sess.LastSeenAt) < time.Minute {
		return
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.TouchUser(ctx, u.ID); err != nil {
			return err
		}
		return tx.TouchSession(ctx, sess.ID)
	})
	if err != nil {
		s.log.Warn("record session activity", "user", u.ID, "err", err)
		return
	}
	if u.LastActiveAt.IsZero() || now.Sub(u.LastActiveAt) >= time.Minute {
		u.LastActiveAt = now // the request's user, as TouchUser left the row
	}
}

// touchUser records a user's activity for the "last active" column, at
// most once a minute so that requests stay reads.
func (s *Service) touchUser(ctx context.Context, u *roster.User) {
	if !u.LastActiveAt.IsZero() && s.db.Now().Sub(u.LastActiveAt) < time.Minute {
		return
	}
	now := s.db.Now()
	if err := s.db.Tx(ctx, func(tx *store.Tx) error { return tx.TouchUser(ctx, u.ID) }); err != nil {
		s.log.Warn("record user activity", "user", u.ID, "err", err)
		return
	}
	u.LastActiveAt = now // the request's user, as the row now says
}
