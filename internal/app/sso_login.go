package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// BeginSSOLogin stores a sign-in that the browser is about to start at the
// identity provider, for SSOLoginTTL. Attempts that expired long ago are
// swept on the way.
func (s *Service) BeginSSOLogin(ctx context.Context, l *roster.SSOLogin) error {
	if len(l.StateHash) == 0 || len(l.BrowserHash) == 0 || len(l.NonceHash) == 0 {
		return fmt.Errorf("begin sso login: state, browser and nonce hashes are required")
	}
	if l.ReturnTo == "" {
		l.ReturnTo = "/"
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteExpiredSSOLogins(ctx, tx.Now().Add(-roster.SSOLoginTTL).UnixMicro()); err != nil {
			return err
		}
		l.ExpiresAt = tx.Now().Add(roster.SSOLoginTTL)
		return tx.CreateSSOLogin(ctx, l)
	})
	if err != nil {
		return fmt.Errorf("begin sso login: %w", err)
	}
	return nil
}

// Refusals of a callback that does not belong to a live sign-in.
var (
	errSSOStateUnknown = roster.ReasonErrorf(roster.EInvalid, roster.ReasonSSOStateInvalid,
		"this sign-in attempt is unknown or has expired; start signing in again")
	errSSOStateUsed = roster.ReasonErrorf(roster.EInvalid, roster.ReasonSSOStateUsed,
		"this sign-in attempt was already used; start signing in again")
	errSSOBrowser = roster.ReasonErrorf(roster.EInvalid, roster.ReasonSSOBrowserMismatch,
		"this sign-in was started in another browser or tab; start signing in again here")
)

// ConsumeSSOLogin takes the sign-in named by the callback's state, once,
// if the callback comes back to the browser that started it and in time.
// It returns the attempt with its nonce hash and return path.
func (s *Service) ConsumeSSOLogin(ctx context.Context, stateHash, browserHash []byte) (*roster.SSOLogin, error) {
	var l *roster.SSOLogin
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		l, err = tx.SSOLogin(ctx, stateHash)
		if roster.IsNotFound(err) {
			return errSSOStateUnknown
		}
		if err != nil {
			return err
		}
		// The browser check comes first: a stolen callback URL must not
		// use up the attempt of the person it belongs to.
		switch {
		case !auth.EqualHash(l.BrowserHash, browserHash):
			return errSSOBrowser
		case !l.UsedAt.IsZero():
			return errSSOStateUsed
		case !tx.Now().Before(l.ExpiresAt):
			return errSSOStateUnknown
		}
		if err := tx.UseSSOLogin(ctx, stateHash); err != nil {
			if roster.ErrorCode(err) == roster.EConflict {
				return errSSOStateUsed
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("consume sso login: %w", err)
	}
	return l, nil
}
