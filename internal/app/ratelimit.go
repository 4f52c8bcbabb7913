package app

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// limits are the failure budgets of credential checks (D5). They live in
// the database, so every process sharing it enforces the same ones. A
// correct credential is never refused because someone else failed: API
// keys are always checked and only refused keys spend the address's
// budget; a sign-in from a device that signed in before spends only that
// device's budget.
type limits struct {
	device      auth.Rate // failed sign-ins presenting a known device token, per token
	account     auth.Rate // failed sign-ins without one, per account
	accountAddr auth.Rate // failed sign-ins without one, per account and client address
	address     auth.Rate // failed sign-ins without one, per client address, across accounts
	keyAddress  auth.Rate // refused API keys per client address
}

var defaultLimits = limits{
	device:      auth.Rate{Burst: 10, Per: time.Minute},
	account:     auth.Rate{Burst: 10, Per: time.Minute},
	accountAddr: auth.Rate{Burst: 10, Per: 10 * time.Minute},
	address:     auth.Rate{Burst: 60, Per: time.Second},
	keyAddress:  auth.Rate{Burst: 60, Per: time.Second},
}

// DeviceLifetime is how long a device token stays known after the last
// sign-in that presented or received it.
const DeviceLifetime = 180 * 24 * time.Hour

var (
	errLoginRateLimited = roster.ReasonErrorf(roster.ETooMany, roster.ReasonRateLimited,
		"too many failed sign-ins; wait a minute and try again, or sign in from a device you used before")
	errKeyRateLimited = roster.ReasonErrorf(roster.ETooMany, roster.ReasonRateLimited,
		"too many refused API keys from your address; wait and try again")
)

// budget is one failure budget a credential check spends on failure.
type budget struct {
	key    string
	userID string // the user it limits, for unlocking; "" for addresses and unknown logins
	rate   auth.Rate
	lock   bool // running out locks the account for clients without a known device
	// forgive: a successful sign-in forgets this budget's failures, since
	// they were this client's own.
	forgive bool
}

// loginBudgets are the budgets a sign-in attempt spends: its device's
// alone when it presented a known device token of the account, else the
// account's, the account's at this address and the address's. subject is
// the user id, or the folded login when no account matches, so unknown
// accounts are limited like known ones and 429 tells nothing.
func (s *Service) loginBudgets(u *roster.User, subject, ip string, device []byte) []budget {
	uid := ""
	if u != nil {
		uid = u.ID
	}
	if device != nil {
		return []budget{{key: fmt.Sprintf("device:%x", device), userID: uid, rate: s.limits.device, forgive: true}}
	}
	addr := addressBucket(ip)
	return []budget{
		{key: "account:" + subject, userID: uid, rate: s.limits.account, lock: u != nil},
		{key: "account_address:" + subject + "|" + addr, userID: uid, rate: s.limits.accountAddr, forgive: true},
		{key: "address:" + addr, rate: s.limits.address},
	}
}

// addressBucket is the address a budget is kept for: IPv6 clients by their
// /64, which one host usually holds whole, IPv4 ones by address.
func addressBucket(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// refusedKeyBudget is the budget of refused credentials (API keys, JWTs
// to exchange) from a's address.
func (s *Service) refusedKeyBudget(a roster.Actor) []budget {
	return []budget{{key: "api_key_address:" + addressBucket(a.IP), rate: s.limits.keyAddress}}
}

// spent reports, in a read transaction of its own, whether any of budgets
// has no failure left.
func (s *Service) spent(ctx context.Context, budgets []budget) (bool, error) {
	var blocked bool
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		blocked, err = overBudget(ctx, tx, budgets)
		return err
	})
	return blocked, err
}

// overBudget reports whether any of budgets has no failure left.
func overBudget(ctx context.Context, tx *store.Tx, budgets []budget) (bool, error) {
	keys := make([]string, len(budgets))
	for i, b := range budgets {
		keys[i] = b.key
	}
	tats, err := tx.AuthFailures(ctx, keys)
	if err != nil {
		return false, err
	}
	for _, b := range budgets {
		if tat, ok := tats[b.key]; ok && b.rate.Blocked(tat, tx.Now()) {
			return true, nil
		}
	}
	return false, nil
}

// spend records one failure against each budget in tx. When the account
// runs out it is locked for clients without a known device, which is
// audited once per run of failures.
func spend(ctx context.Context, tx *store.Tx, a roster.Actor, u *roster.User, budgets []budget) error {
	for _, b := range budgets {
		tat, err := tx.RecordAuthFailure(ctx, b.key, b.userID, b.rate.Per)
		if err != nil {
			return err
		}
		if !b.lock || u == nil || !b.rate.Blocked(tat, tx.Now()) {
			continue
		}
		fresh, err := tx.MarkAuthLocked(ctx, b.key)
		if err != nil {
			return err
		}
		if fresh {
			note := fmt.Sprintf("%d failed sign-ins: clients without a known device are refused until %s unless an admin unlocks the account",
				b.rate.Burst, b.rate.Until(tat).Format(time.RFC3339))
			if err := audit(ctx, tx, a, roster.ActUserLockout, u, note); err != nil {
				return err
			}
		}
	}
	return nil
}

// lockedUntil returns when each locked user's lockout ends, by user id;
// users that are not locked are absent.
func (s *Service) lockedUntil(ctx context.Context, tx *store.Tx, users []*roster.User) (map[string]time.Time, error) {
	keys := make([]string, len(users))
	for i, u := range users {
		keys[i] = "account:" + u.ID
	}
	tats, err := tx.AuthFailures(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, u := range users {
		if tat, ok := tats["account:"+u.ID]; ok && s.limits.account.Blocked(tat, tx.Now()) {
			out[u.ID] = s.limits.account.Until(tat)
		}
	}
	return out, nil
}

// LockedUntil returns when a user's lockout for clients without a known
// device ends, or the zero time when they are not locked: to admins, and
// to the user themselves.
func (s *Service) LockedUntil(ctx context.Context, a roster.Actor, u *roster.User) (time.Time, error) {
	if u.ID != a.UserID() {
		if err := requireAdmin(a); err != nil {
			return time.Time{}, err
		}
	}
	var locked map[string]time.Time
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		locked, err = s.lockedUntil(ctx, tx, []*roster.User{u})
		return err
	})
	return locked[u.ID], err
}

// UnlockUser forgets every failed sign-in of a user, so a lockout ends at
// once (admins only). Unlocking a user with nothing to forget changes
// nothing and is not audited.
func (s *Service) UnlockUser(ctx context.Context, a roster.Actor, ref string) (*roster.User, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	var u *roster.User
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = findUser(ctx, tx, orgID(a), ref); err != nil {
			return err
		}
		n, err := tx.ClearUserAuthFailures(ctx, u.ID)
		if err != nil || n == 0 {
			return err
		}
		return audit(ctx, tx, a, roster.ActUserUnlock, u, "failed sign-ins forgotten")
	})
	if err != nil {
		return nil, fmt.Errorf("unlock user: %w", err)
	}
	return u, nil
}
