package app

import (
	"context"
	"time"

	"roster"
)

// SSOHealth is what the last check of the identity provider found.
type SSOHealth struct {
	CheckedAt time.Time // zero while the first check is under way
	Problem   string    // why sign-ins cannot use the provider; empty when it answers
}

// SSOProviderHealth tells an organization admin whether the identity
// provider answers, by the check the SSO client runs (bounded in time and
// cached there, so a hung provider does not hold up the settings page).
func (s *Service) SSOProviderHealth(ctx context.Context, a roster.Actor, check func(context.Context) SSOHealth) (SSOHealth, error) {
	if err := requireAdmin(a); err != nil {
		return SSOHealth{}, err
	}
	return check(ctx), nil
}
