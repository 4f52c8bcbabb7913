package app

import (
	"context"
	"strings"

	"roster"
	"roster/internal/store"
)

// ssoTarget is where an SSO or LDAP sign-in looks for its person: the
// organization, and the user the identity is linked to ("" for none).
type ssoTarget struct{ org, linked string }

// ssoOrg is the organization an SSO or LDAP sign-in finds its person in and
// provisions them into (#18): a person whose identity is already linked
// stays in their user's organization; anyone else goes to the organization
// their email's domain maps to (ROSTER_SSO_ORG_DOMAINS), else to
// ROSTER_SSO_ORGANIZATION, else to the instance's first. A configured name
// that names no organization refuses the sign-in, saying which.
func (s *Service) ssoOrg(ctx context.Context, tx *store.Tx, c roster.SSOClaims) (ssoTarget, error) {
	if id, org, err := tx.SSOIdentityUser(ctx, c.Issuer, c.Subject); err == nil {
		return ssoTarget{org: org, linked: id}, nil
	} else if !roster.IsNotFound(err) {
		return ssoTarget{}, err
	}
	name, setting := s.cfg.SSOOrganization, "ROSTER_SSO_ORGANIZATION"
	if _, domain, ok := strings.Cut(c.Email, "@"); ok {
		if mapped, ok := s.cfg.SSOOrgDomains[strings.ToLower(domain)]; ok {
			name, setting = mapped, "ROSTER_SSO_ORG_DOMAINS"
		}
	}
	if name == "" {
		return ssoTarget{org: roster.DefaultOrgID}, nil
	}
	o, err := tx.Organization(ctx, name)
	if roster.IsNotFound(err) {
		return ssoTarget{}, roster.ReasonErrorf(roster.EUnavailable, roster.ReasonSSOOrgUnknown,
			"single sign-on is set to bring you into organization %q (%s), which does not exist; ask your instance admin", name, setting)
	}
	if err != nil {
		return ssoTarget{}, err
	}
	return ssoTarget{org: o.ID}, nil
}
