package app

import (
	"context"
	"strings"

	"roster"
	"roster/internal/store"
)

// ssoTarget is where an SSO or LDAP sign-in looks for its person: the
// organization, the user the identity is linked to there ("" for none),
// and whether a person found nowhere may be provisioned there. When the
// sign-in asked for another organization than the identity's own, home is
// the identity's user, whose account a row activated there joins.
type ssoTarget struct {
	org, linked string
	provisions  bool
	home        *roster.User
}

// ssoOrg is the organization an SSO or LDAP sign-in finds its person in and
// provisions them into (#18). A sign-in that names no organization (ref
// "") goes where the identity already is, else to the provisioning
// organization of the email (ssoProvisionOrg). One that names an
// organization signs in to the person's row there: the account's row, for
// an identity already linked; else the invited or active user with the
// email. A person found nowhere is provisioned only into their email's
// provisioning organization. An organization that does not exist answers
// as one the person is not a member of.
func (s *Service) ssoOrg(ctx context.Context, tx *store.Tx, c roster.SSOClaims, ref string) (ssoTarget, error) {
	linked, linkedOrg, err := tx.SSOIdentityUser(ctx, c.Issuer, c.Subject)
	if roster.IsNotFound(err) {
		linked = ""
	} else if err != nil {
		return ssoTarget{}, err
	}
	if ref == "" {
		if linked != "" {
			// A linked user who was removed comes back as new, there.
			return ssoTarget{org: linkedOrg, linked: linked, provisions: true}, nil
		}
		org, err := s.ssoProvisionOrg(ctx, tx, c)
		return ssoTarget{org: org, provisions: true}, err
	}
	if len(ref) > 256 {
		return ssoTarget{}, errNotAMember
	}
	org, found, err := signInOrg(ctx, tx, ref)
	if err != nil {
		return ssoTarget{}, err
	}
	if !found {
		return ssoTarget{}, errNotAMember
	}
	if linked != "" && org == linkedOrg {
		return ssoTarget{org: org, linked: linked, provisions: true}, nil
	}
	// A misconfigured provisioning organization provisions nobody; the
	// person's rows elsewhere still sign in.
	provision, err := s.ssoProvisionOrg(ctx, tx, c)
	to := ssoTarget{org: org, provisions: err == nil && org == provision}
	if linked == "" {
		return to, nil
	}
	// The organization's lock keeps the account to one membership there
	// (as acceptableInvite does); it comes before the user's.
	if err := tx.LockOrg(ctx, org); err != nil {
		return ssoTarget{}, err
	}
	if err := tx.LockUser(ctx, linked); err != nil {
		return ssoTarget{}, err
	}
	h, err := tx.UserByID(ctx, linkedOrg, linked)
	if roster.IsNotFound(err) {
		return to, nil // the linked user was removed: the person is new
	}
	if err != nil {
		return ssoTarget{}, err
	}
	// The rows are each organization's own: one deactivated here leaves
	// the person's rows elsewhere as they are.
	to.home = h
	if row, err := tx.AccountUserIn(ctx, h.Account(), org); err == nil {
		to.linked = row.ID
	} else if !roster.IsNotFound(err) {
		return ssoTarget{}, err
	}
	return to, nil
}

// ssoProvisionOrg is the organization a new SSO or LDAP user is
// provisioned into: the one their email's domain maps to
// (ROSTER_SSO_ORG_DOMAINS), else ROSTER_SSO_ORGANIZATION, else the
// instance's first. A configured name that names no organization refuses
// the sign-in, saying which.
func (s *Service) ssoProvisionOrg(ctx context.Context, tx *store.Tx, c roster.SSOClaims) (string, error) {
	name, setting := s.cfg.SSOOrganization, "ROSTER_SSO_ORGANIZATION"
	if _, domain, ok := strings.Cut(c.Email, "@"); ok {
		if mapped, ok := s.cfg.SSOOrgDomains[strings.ToLower(domain)]; ok {
			name, setting = mapped, "ROSTER_SSO_ORG_DOMAINS"
		}
	}
	if name == "" {
		return roster.DefaultOrgID, nil
	}
	o, err := tx.Organization(ctx, name)
	if roster.IsNotFound(err) {
		return "", roster.ReasonErrorf(roster.EUnavailable, roster.ReasonSSOOrgUnknown,
			"single sign-on is set to bring you into organization %q (%s), which does not exist; ask your instance admin", name, setting)
	}
	if err != nil {
		return "", err
	}
	return o.ID, nil
}

// joinHome makes u, a row this sign-in activated in another organization,
// a membership of the account of to.home: one password, as an accepted
// invite with the account does (acceptWithAccount). It does nothing for a
// sign-in to the identity's own organization.
func joinHome(ctx context.Context, tx *store.Tx, to ssoTarget, u *roster.User) error {
	h := to.home
	if h == nil || u.AccountID != "" {
		return nil
	}
	if err := openAccount(ctx, tx, h); err != nil {
		return err
	}
	u.AccountID, u.PasswordHash = h.AccountID, h.PasswordHash
	return tx.UpdateUser(ctx, u)
}
