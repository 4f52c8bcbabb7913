package app

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"roster"
	"roster/internal/store"
)

// UserSessions lists a user's open sessions, most recently used first:
// an organization admin sees anyone's, a user their own. Anyone else is
// refused and learns nothing, not even whether the user exists.
func (s *Service) UserSessions(ctx context.Context, a roster.Actor, ref string) ([]*roster.Session, error) {
	var out []*roster.Session
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := sessionOwner(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		out, err = tx.UserSessions(ctx, u.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sessions of %s: %w", truncate(ref, 64), err)
	}
	return out, nil
}

// RevokeSession ends one of a user's sessions at once (S1): an
// organization admin may end anyone's, a user their own. It returns the
// session's user and records user:revoke_session.
func (s *Service) RevokeSession(ctx context.Context, a roster.Actor, ref, sessionID string) (*roster.User, error) {
	var u *roster.User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = sessionOwner(ctx, tx, a, ref); err != nil {
			return err
		}
		if sessionID == "" || len(sessionID) > 64 {
			return roster.Errorf(roster.ENotFound, "no such session; it may have ended already")
		}
		if err := tx.DeleteUserSession(ctx, u.ID, sessionID); err != nil {
			return err
		}
		return audit(ctx, tx, a, roster.ActUserRevokeSession, u, "session "+sessionID)
	})
	if err != nil {
		return nil, fmt.Errorf("end session of %s: %w", truncate(ref, 64), err)
	}
	return u, nil
}

// sessionOwner resolves the user whose sessions a is asking about: any
// user for an organization admin, only a themself for anyone else, who
// gets the same refusal for a stranger as for a user that does not exist.
func sessionOwner(ctx context.Context, tx *store.Tx, a roster.Actor, ref string) (*roster.User, error) {
	if err := requireUser(a); err != nil {
		return nil, err
	}
	u, err := findUser(ctx, tx, orgID(a), ref)
	if a.IsOrgAdmin() {
		return u, err
	}
	if roster.IsNotFound(err) || err == nil && u.ID != a.User.ID {
		return nil, roster.ReasonErrorf(roster.EForbidden, roster.ReasonNotAdmin, "only organization admins may see or end another user's sessions")
	}
	return u, err
}

// cleanUserAgent keeps a printable, valid UTF-8 prefix of a User-Agent
// header of at most roster.MaxUserAgentLen characters.
func cleanUserAgent(ua string) string {
	ua = strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(ua, ""))
	if r := []rune(ua); len(r) > roster.MaxUserAgentLen {
		ua = string(r[:roster.MaxUserAgentLen])
	}
	return strings.TrimSpace(ua)
}
