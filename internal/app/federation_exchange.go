package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"roster"
	"roster/internal/auth"
	"roster/internal/auth/federation"
	"roster/internal/store"
)

// IssuedToken is an access token exchanged for a JWT; Secret is shown
// once and only its hash is stored.
type IssuedToken struct {
	Token  *roster.AccessToken
	Secret string
}

// exchange is one JWT exchange as far as it got, for its audit entry.
type exchange struct {
	iss, sub string
	issuer   *roster.JWTIssuer
	claims   *federation.Claims
	user     *roster.User
	sa       *roster.ServiceAccount
}

// ExchangeJWT exchanges a JWT of a registered issuer for an access token
// (RFC 7523, identity federation): alg, iss, the signature, exp, nbf, iat,
// aud, sub and the single use of jti are checked in that order, and the
// first that fails is the refusal's reason. Every exchange, granted or refused,
// writes an audit entry; refused ones spend the caller's address budget
// of refused credentials (D5).
func (s *Service) ExchangeJWT(ctx context.Context, a roster.Actor, assertion string) (*IssuedToken, error) {
	b := s.refusedKeyBudget(a)
	blocked, err := s.spent(ctx, b)
	if err != nil {
		return nil, err
	}
	if blocked {
		return nil, roster.ReasonErrorf(roster.ETooMany, roster.ReasonRateLimited,
			"too many refused credentials from your address; wait and try again")
	}
	x := &exchange{}
	out, err := s.exchangeJWT(ctx, a, assertion, x)
	if err == nil {
		return out, nil
	}
	if roster.ErrorCode(err) != roster.EUnauthenticated {
		return nil, err
	}
	details := truncate(fmt.Sprintf("%s: iss %q sub %q", roster.ErrorReason(err), x.iss, x.sub), 300)
	if aerr := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := spend(ctx, tx, a, nil, b); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActJWTExchangeFailed, where{user: x.user}, details)
	}); aerr != nil {
		return nil, fmt.Errorf("record refused jwt exchange: %w", aerr)
	}
	return nil, err
}

func (s *Service) exchangeJWT(ctx context.Context, a roster.Actor, assertion string, x *exchange) (*IssuedToken, error) {
	tok, err := federation.Parse(strings.TrimSpace(assertion))
	if err != nil {
		return nil, verifierRefusal(err)
	}
	x.iss = truncate(tok.Issuer, 200)
	var orgName string
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if x.issuer, err = tx.JWTIssuerByURL(ctx, orgID(a), tok.Issuer); err != nil {
			return err
		}
		orgName, err = tx.OrgName(ctx, orgID(a))
		return err
	})
	if roster.IsNotFound(err) {
		return nil, refusal(roster.ReasonJWTIssuer, "the JWT's issuer (iss) %q is not registered; an organization admin registers it "+
			"under Settings > Authentication or POST /api/v1/jwt-issuers", x.iss)
	} else if err != nil {
		return nil, err
	}
	// Keys are fetched only for registered issuers, never for a URL a
	// caller made up.
	if x.claims, err = s.keys.Verify(ctx, tok); err != nil {
		return nil, verifierRefusal(err)
	}
	x.sub = truncate(x.claims.Subject, 200)
	if err := checkJWTTimes(x.claims, s.db.Now()); err != nil {
		return nil, err
	}
	if err := s.checkAudience(x.claims.Audience, orgName); err != nil {
		return nil, err
	}
	return s.grantAccessToken(ctx, a, x)
}

// checkJWTTimes checks exp (required), nbf and iat against now with
// roster.JWTLeeway.
func checkJWTTimes(c *federation.Claims, now time.Time) error {
	const layout = time.RFC3339
	switch {
	case c.Expiry.IsZero():
		return refusal(roster.ReasonJWTExpired, "the JWT has no exp claim; RFC 7523 requires one")
	case now.After(c.Expiry.Add(roster.JWTLeeway)):
		return refusal(roster.ReasonJWTExpired, "the JWT expired at %s (exp); get a fresh one from the issuer", c.Expiry.UTC().Format(layout))
	case !c.NotBefore.IsZero() && c.NotBefore.After(now.Add(roster.JWTLeeway)):
		return refusal(roster.ReasonJWTNotYetValid, "the JWT is not valid before %s (nbf); check the issuer's clock", c.NotBefore.UTC().Format(layout))
	case !c.IssuedAt.IsZero() && c.IssuedAt.After(now.Add(roster.JWTLeeway)):
		return refusal(roster.ReasonJWTNotYetValid, "the JWT was issued in the future, at %s (iat); check the issuer's clock", c.IssuedAt.UTC().Format(layout))
	}
	return nil
}

// checkAudience wants the organization's name or "wandb" among aud,
// unless SKIP_AUDIENCE_VALIDATION=true (honoured for federation only).
func (s *Service) checkAudience(aud []string, orgName string) error {
	if s.cfg.SkipAudienceValidation {
		return nil
	}
	if slices.ContainsFunc(aud, func(v string) bool { return v == roster.FederationAudience || strings.EqualFold(v, orgName) }) {
		return nil
	}
	shown := make([]string, 0, 5)
	for _, v := range aud[:min(len(aud), 5)] {
		shown = append(shown, truncate(v, 64))
	}
	return refusal(roster.ReasonJWTAudience, "the JWT's audience (aud) %q names neither the organization %q nor %q; "+
		"set the audience at the issuer, or SKIP_AUDIENCE_VALIDATION=true on the server", shown, orgName, roster.FederationAudience)
}

// subjectPrincipal finds whom sub names: a user by email first (so that no
// service account can take a person's identity), else an external service
// account by its subject.
func subjectPrincipal(ctx context.Context, tx *store.Tx, a roster.Actor, x *exchange) error {
	sub := x.claims.Subject
	if sub == "" {
		return refusal(roster.ReasonJWTSubjectUnknown, "the JWT has no sub claim")
	}
	if strings.Contains(sub, "@") {
		u, err := tx.UserByEmail(ctx, x.issuer.OrgID, sub)
		switch {
		case err == nil && u.Status == roster.StatusActive:
			x.user = u
			return nil
		case err == nil && u.Status != roster.StatusRemoved:
			x.user = u
			return refusal(roster.ReasonJWTSubjectInactive, "the user %s (sub) is %s; only active users sign in", x.sub, u.Status)
		case err != nil && !roster.IsNotFound(err):
			return err
		}
	}
	sa, err := tx.ServiceAccountBySubject(ctx, orgID(a), sub)
	if roster.IsNotFound(err) {
		return refusal(roster.ReasonJWTSubjectUnknown, "the subject (sub) %q is neither an organization user's email "+
			"nor the subject of an external service account", x.sub)
	}
	x.sa = sa
	return err
}

// grantAccessToken finds the principal, spends the jti and stores the
// access token with the exchange's audit entry, in one transaction.
func (s *Service) grantAccessToken(ctx context.Context, a roster.Actor, x *exchange) (*IssuedToken, error) {
	secret, hash := auth.NewAccessToken()
	out := &IssuedToken{Secret: secret}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := subjectPrincipal(ctx, tx, a, x); err != nil {
			return err
		}
		if x.claims.ID != "" {
			fresh, err := tx.SpendJTI(ctx, x.issuer.ID, x.claims.ID, x.claims.Expiry.Add(roster.JWTLeeway).UnixMicro())
			if err != nil {
				return err
			}
			if !fresh {
				return refusal(roster.ReasonJWTReplayed, "the JWT (jti %q) was exchanged already; each JWT is used once", truncate(x.claims.ID, 64))
			}
		}
		t := &roster.AccessToken{ID: roster.NewID("at"), OrgID: orgID(a), IssuerID: x.issuer.ID, Hash: hash,
			ExpiresAt: tx.Now().Add(roster.AccessTokenLifetime)}
		who := a
		w := where{}
		if x.user != nil {
			t.PrincipalID, who.User, w.user = x.user.ID, x.user, x.user
		} else {
			t.PrincipalID, who.ServiceAccount, w.team, w.teamID = x.sa.ID, x.sa, x.sa.TeamName, x.sa.TeamID
		}
		if err := tx.CreateAccessToken(ctx, t); err != nil {
			return err
		}
		out.Token = t
		return auditAt(ctx, tx, who, roster.ActJWTExchange, w,
			truncate(fmt.Sprintf("token %s issuer %s sub %q", t.ID, x.issuer.URL, x.sub), 300))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// resolveAccessToken looks an exchanged access token up by its hash; an
// unknown token or an inactive owner is an error with reason bad_api_key,
// an expired one has its own reason.
func (s *Service) resolveAccessToken(ctx context.Context, token string, a roster.Actor) (roster.Actor, error) {
	fail := func(msg string) (roster.Actor, error) {
		return a, roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonBadAPIKey, "%s", msg)
	}
	hash := auth.HashToken(token)
	var t *roster.AccessToken
	var u *roster.User
	var sa *roster.ServiceAccount
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		t, u, err = tx.AccessTokenUser(ctx, hash)
		if !roster.IsNotFound(err) {
			return err
		}
		if t, err = tx.AccessTokenByHash(ctx, hash); err != nil {
			return err
		}
		sa, err = tx.ServiceAccount(ctx, t.OrgID, t.PrincipalID)
		return err
	})
	if err == nil {
		err = s.db.Read(ctx, func(tx *store.Tx) error { return requireOpenOrg(ctx, tx, t.OrgID) })
	}
	if roster.IsNotFound(err) {
		return fail("this access token is unknown, was revoked, or its owner was removed")
	}
	if err != nil {
		return a, err
	}
	if !auth.EqualHash(t.Hash, hash) {
		return fail("this access token is unknown, was revoked, or its owner was removed")
	}
	if !s.db.Now().Before(t.ExpiresAt) {
		return a, roster.ReasonErrorf(roster.EUnauthenticated, roster.ReasonAccessTokenExpired,
			"this access token expired at %s; exchange a fresh JWT at /oidc/token", t.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if u != nil && u.Status != roster.StatusActive {
		return fail("the owner of this access token is not active")
	}
	a.User, a.ServiceAccount, a.AccessTokenID = u, sa, t.ID
	if u != nil {
		s.touchUser(ctx, u)
	}
	return a, nil
}
