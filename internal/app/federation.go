package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"roster"
	"roster/internal/auth/federation"
	"roster/internal/store"
)

// maxIssuerURLLen bounds a registered issuer's URL.
const maxIssuerURLLen = 2048

// requireUserAdmin admits active organization admins who are users, and
// the server's own command line. Organization service accounts, which
// otherwise act as admins for SCIM, may not register issuers: an issuer
// vouches for every user's email, so registering one is a person's call.
func requireUserAdmin(a roster.Actor) error {
	if isSystem(a) {
		return nil
	}
	if err := requireUser(a); err != nil {
		return err
	}
	if !a.IsOrgAdmin() {
		return errNotAdmin
	}
	return nil
}

// issuerURL checks an issuer URL as given: https, or http on a loopback
// host for tests and local issuers; kept exactly, since JWTs must carry
// it exactly as their iss.
func issuerURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	bad := func(why string) (string, error) {
		return "", roster.ReasonErrorf(roster.EInvalid, roster.ReasonIssuerURLInvalid,
			"issuer_url %s; give the issuer's URL exactly as its JWTs carry it in iss, such as https://token.actions.githubusercontent.com", why)
	}
	if raw == "" {
		return bad("is required")
	}
	if err := roster.ValidateText("issuer_url", raw, maxIssuerURLLen); err != nil {
		return bad(fmt.Sprintf("must be at most %d printable characters", maxIssuerURLLen))
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return bad("is not an absolute URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return bad("must not carry credentials, a query or a fragment")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return bad("must use https (http is accepted only for a loopback issuer)")
		}
	default:
		return bad("must use https")
	}
	return raw, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// RegisterJWTIssuer registers an issuer whose JWTs the organization
// accepts (identity federation). Its discovery document and keys are
// fetched now, so that a typo is an error here rather than at the first
// exchange. Organization admins only.
func (s *Service) RegisterJWTIssuer(ctx context.Context, a roster.Actor, rawURL string) (*roster.JWTIssuer, error) {
	if err := requireUserAdmin(a); err != nil {
		return nil, err
	}
	u, err := issuerURL(rawURL)
	if err != nil {
		return nil, err
	}
	taken := func() error {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonIssuerTaken, "the issuer %s is registered already", u)
	}
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		_, err := tx.JWTIssuerByURL(ctx, orgID(a), u)
		return err
	}); err == nil {
		return nil, taken()
	} else if !roster.IsNotFound(err) {
		return nil, err
	}
	// Fetched outside the transaction: an issuer may be slow.
	if err := s.keys.Discover(ctx, u); err != nil {
		return nil, roster.ReasonErrorf(roster.EInvalid, roster.ReasonIssuerUnreachable,
			"Roster could not read the discovery document and keys of %s: %v", u, err)
	}
	iss := &roster.JWTIssuer{ID: roster.NewID("iss"), OrgID: orgID(a), URL: u, CreatedBy: a.PrincipalID()}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateJWTIssuer(ctx, iss); err != nil {
			if roster.ErrorCode(err) == roster.EConflict {
				return taken()
			}
			return err
		}
		return auditAt(ctx, tx, a, roster.ActOrgCreateJWTIssuer, where{}, "issuer "+iss.ID+" "+truncate(u, 200))
	})
	if err != nil {
		return nil, fmt.Errorf("register jwt issuer: %w", err)
	}
	return iss, nil
}

// ListJWTIssuers lists the registered issuers. Organization admins only.
func (s *Service) ListJWTIssuers(ctx context.Context, a roster.Actor) ([]*roster.JWTIssuer, error) {
	if err := requireUserAdmin(a); err != nil {
		return nil, err
	}
	var out []*roster.JWTIssuer
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListJWTIssuers(ctx, orgID(a))
		return err
	})
	return out, err
}

// DeleteJWTIssuer deletes an issuer; the access tokens exchanged for its
// JWTs stop working at once. Organization admins only.
func (s *Service) DeleteJWTIssuer(ctx context.Context, a roster.Actor, id string) error {
	if err := requireUserAdmin(a); err != nil {
		return err
	}
	var gone *roster.JWTIssuer
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		iss, err := tx.JWTIssuer(ctx, orgID(a), id)
		if roster.IsNotFound(err) {
			return roster.Errorf(roster.ENotFound, "no JWT issuer %q", truncate(id, 64))
		} else if err != nil {
			return err
		}
		if err := tx.DeleteJWTIssuer(ctx, orgID(a), iss.ID); err != nil {
			return err
		}
		gone = iss
		return auditAt(ctx, tx, a, roster.ActOrgDeleteJWTIssuer, where{}, "issuer "+iss.ID+" "+truncate(iss.URL, 200))
	})
	if err != nil {
		return fmt.Errorf("delete jwt issuer: %w", err)
	}
	s.keys.Forget(gone.URL)
	return nil
}

// refusal is a refused exchange: code invalid_grant at the edge, with a
// reason naming the failed check.
func refusal(reason, format string, args ...any) error {
	return roster.ReasonErrorf(roster.EUnauthenticated, reason, format, args...)
}

// verifierRefusal turns the verifier's errors into refusals.
func verifierRefusal(err error) error {
	reason := ""
	switch {
	case errors.Is(err, federation.ErrMalformed):
		reason = roster.ReasonJWTMalformed
	case errors.Is(err, federation.ErrAlgorithm):
		reason = roster.ReasonJWTAlgorithm
	case errors.Is(err, federation.ErrSignature):
		reason = roster.ReasonJWTSignature
	case errors.Is(err, federation.ErrUnreachable):
		reason = roster.ReasonJWTKeysUnavailable
	default:
		return err
	}
	return refusal(reason, "%v", err)
}
