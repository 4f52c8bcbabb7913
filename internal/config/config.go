// Package config reads Roster's configuration from the environment once,
// into a struct that is passed down (section 12).
package config

import (
	"fmt"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"roster/internal/mail"
)

// Config is the effective configuration.
type Config struct {
	Addr                   string        // ROSTER_ADDR
	PublicURL              string        // HOST
	DB                     string        // ROSTER_DB
	SessionLength          time.Duration // SESSION_LENGTH, in hours
	License                string        // LICENSE
	LicensePublicKey       string        // ROSTER_LICENSE_PUBLIC_KEY
	DisableSSOProvisioning bool          // DISABLE_SSO_PROVISIONING
	SSOOrganization        string        // ROSTER_SSO_ORGANIZATION: the organization SSO and LDAP provision into
	// SSOOrgDomains maps email domains to organization names
	// (ROSTER_SSO_ORG_DOMAINS=corp-a.example=corp-a,corp-b.example=corp-b).
	SSOOrgDomains    map[string]string
	OIDCIssuer       string // OIDC_ISSUER
	OIDCClientID     string // OIDC_CLIENT_ID
	OIDCClientSecret string // OIDC_CLIENT_SECRET or GORILLA_OIDC_SECRET
	OIDCCustomScopes string // GORILLA_OIDC_CUSTOM_SCOPES
	OIDCAuthMethod   string // OIDC_AUTH_METHOD: pkce, the only flow Roster runs
	OIDCTrustEmail   bool   // OIDC_TRUST_EMAIL: every address the provider sends counts as verified
	// SkipAudienceValidation is W&B's SKIP_AUDIENCE_VALIDATION: the JWT
	// exchange of identity federation (/oidc/token) skips its aud check;
	// the browser sign-in always checks the audience.
	SkipAudienceValidation bool
	EmailSink              string // GORILLA_EMAIL_SINK
	EmailFrom              string // GORILLA_EMAIL_FROM_ADDRESS
	AllowUserTeamCreation  bool   // GORILLA_ALLOW_USER_TEAM_CREATION
	DisableAdminTeamAccess bool   // GORILLA_DISABLE_ADMIN_TEAM_ACCESS
	EnableSSOGroupClaims   bool   // GORILLA_ENABLE_SSO_GROUP_CLAIMS
	UseIdentifierClaims    bool   // GORILLA_USE_IDENTIFIER_CLAIMS
	// DisableTeamServiceAccountCreation refuses new team service accounts
	// (GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION).
	DisableTeamServiceAccountCreation bool
	// LocalRestore makes a break-glass local admin at start-up and prints
	// its temporary password once (LOCAL_RESTORE); unset, that admin is
	// deactivated at the next start-up.
	LocalRestore bool
	SCIMDelete   string // ROSTER_SCIM_DELETE: deactivate or remove
	LogLevel     string // ROSTER_LOG_LEVEL: debug, info, warn, error
	LogFormat    string // ROSTER_LOG_FORMAT: text or json
	// TrustedProxies are the peers whose Forwarded and X-Forwarded-For
	// headers name the client (ROSTER_TRUSTED_PROXIES); none by default.
	TrustedProxies []netip.Prefix
	LDAP           LDAP // LOCAL_LDAP_* and GORILLA_LDAP_GROUP_SYNC
}

// Load reads the configuration through getenv and checks it.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:             or(getenv("ROSTER_ADDR"), ":8080"),
		PublicURL:        strings.TrimRight(getenv("HOST"), "/"),
		DB:               or(getenv("ROSTER_DB"), "sqlite:roster.db"),
		License:          getenv("LICENSE"),
		LicensePublicKey: getenv("ROSTER_LICENSE_PUBLIC_KEY"),
		SSOOrganization:  strings.TrimSpace(getenv("ROSTER_SSO_ORGANIZATION")),
		OIDCIssuer:       getenv("OIDC_ISSUER"),
		OIDCClientID:     getenv("OIDC_CLIENT_ID"),
		OIDCClientSecret: or(getenv("OIDC_CLIENT_SECRET"), getenv("GORILLA_OIDC_SECRET")),
		OIDCCustomScopes: getenv("GORILLA_OIDC_CUSTOM_SCOPES"),
		OIDCAuthMethod:   or(strings.ToLower(strings.TrimSpace(getenv("OIDC_AUTH_METHOD"))), "pkce"),
		EmailSink:        getenv("GORILLA_EMAIL_SINK"),
		EmailFrom:        getenv("GORILLA_EMAIL_FROM_ADDRESS"),
		SCIMDelete:       or(strings.ToLower(getenv("ROSTER_SCIM_DELETE")), "deactivate"),
		LogLevel:         or(strings.ToLower(getenv("ROSTER_LOG_LEVEL")), "info"),
		LogFormat:        or(strings.ToLower(getenv("ROSTER_LOG_FORMAT")), "text"),
	}
	var errs []string
	hours := or(getenv("SESSION_LENGTH"), "720")
	if h, err := strconv.ParseFloat(hours, 64); err != nil || h <= 0 || h > 24*366 {
		errs = append(errs, fmt.Sprintf("SESSION_LENGTH must be a number of hours from 1 to 8784, not %q", hours))
	} else {
		c.SessionLength = time.Duration(h * float64(time.Hour))
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{
		{"DISABLE_SSO_PROVISIONING", &c.DisableSSOProvisioning},
		{"GORILLA_ALLOW_USER_TEAM_CREATION", &c.AllowUserTeamCreation},
		{"GORILLA_DISABLE_ADMIN_TEAM_ACCESS", &c.DisableAdminTeamAccess},
		{"GORILLA_ENABLE_SSO_GROUP_CLAIMS", &c.EnableSSOGroupClaims},
		{"GORILLA_USE_IDENTIFIER_CLAIMS", &c.UseIdentifierClaims},
		{"GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION", &c.DisableTeamServiceAccountCreation},
		{"LOCAL_RESTORE", &c.LocalRestore},
		{"OIDC_TRUST_EMAIL", &c.OIDCTrustEmail},
		{"SKIP_AUDIENCE_VALIDATION", &c.SkipAudienceValidation},
	} {
		if v := getenv(b.name); v != "" {
			x, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s must be true or false, not %q", b.name, v))
			}
			*b.dst = x
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Sprintf("HOST must be an http(s) URL such as https://roster.example.com, not %q", c.PublicURL))
		}
	}
	if c.EmailSink != "" {
		if _, err := mail.ParseSink(c.EmailSink); err != nil {
			errs = append(errs, err.Error())
		}
		if c.EmailFrom == "" {
			errs = append(errs, "GORILLA_EMAIL_FROM_ADDRESS must be set when GORILLA_EMAIL_SINK is, such as roster@example.com")
		}
	}
	if c.EmailFrom != "" {
		if _, err := netmail.ParseAddress(c.EmailFrom); err != nil {
			errs = append(errs, fmt.Sprintf("GORILLA_EMAIL_FROM_ADDRESS must be an address such as roster@example.com or \"Roster <roster@example.com>\", not %q", c.EmailFrom))
		}
	}
	if c.OIDCIssuer != "" {
		if u, err := url.Parse(c.OIDCIssuer); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Sprintf("OIDC_ISSUER must be the identity provider's http(s) issuer URL, not %q", c.OIDCIssuer))
		}
	}
	if msg := checkAuthMethod(c.OIDCAuthMethod); msg != "" {
		errs = append(errs, msg)
	}
	if c.SSOEnabled() && c.PublicURL == "" {
		errs = append(errs, "single sign-on needs HOST, the public URL whose /oidc/callback is registered at the identity provider")
	}
	if c.SCIMDelete != "deactivate" && c.SCIMDelete != "remove" {
		errs = append(errs, fmt.Sprintf("ROSTER_SCIM_DELETE must be deactivate or remove, not %q", c.SCIMDelete))
	}
	if proxies, err := ParseTrustedProxies(getenv("ROSTER_TRUSTED_PROXIES")); err != nil {
		errs = append(errs, err.Error())
	} else {
		c.TrustedProxies = proxies
	}
	if domains, err := ParseOrgDomains(getenv("ROSTER_SSO_ORG_DOMAINS")); err != nil {
		errs = append(errs, err.Error())
	} else {
		c.SSOOrgDomains = domains
	}
	var ldapErrs []string
	c.LDAP, ldapErrs = loadLDAP(getenv)
	errs = append(errs, ldapErrs...)
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Sprintf("ROSTER_LOG_FORMAT must be text or json, not %q", c.LogFormat))
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// checkAuthMethod explains why an OIDC_AUTH_METHOD other than pkce is
// refused; "" when it is pkce.
func checkAuthMethod(m string) string {
	switch m {
	case "pkce":
		return ""
	case "implicit":
		return "OIDC_AUTH_METHOD=implicit is refused: the implicit flow returns tokens in the browser's address bar, " +
			"where they leak through history and referrers, and OAuth 2.1 drops it. Set OIDC_AUTH_METHOD=pkce (or leave it unset) " +
			"and register Roster at the identity provider as a web application using the authorization code flow with PKCE"
	}
	return fmt.Sprintf("OIDC_AUTH_METHOD must be pkce (the authorization code flow with PKCE), not %q", m)
}

// Warnings lists settings that are accepted but do not do what an
// operator coming from W&B Server may expect; serve logs them at start-up.
func (c Config) Warnings() []string {
	var out []string
	if c.SkipAudienceValidation {
		out = append(out, "SKIP_AUDIENCE_VALIDATION=true applies to identity federation only: JWTs exchanged at /oidc/token "+
			"are accepted whatever their audience (aud), so any JWT a registered issuer made for another service works here too. "+
			"The browser sign-in still checks that the ID token was issued to OIDC_CLIENT_ID")
	}
	if c.OIDCTrustEmail && c.SSOEnabled() {
		out = append(out, "OIDC_TRUST_EMAIL=true: every email address the identity provider sends counts as verified; "+
			"use it only with a single-tenant provider your organization controls")
	}
	return out
}

// SSOEnabled reports whether single sign-on is configured: it needs both
// OIDC_ISSUER and OIDC_CLIENT_ID.
func (c Config) SSOEnabled() bool { return c.OIDCIssuer != "" && c.OIDCClientID != "" }

// OIDCScopes splits GORILLA_OIDC_CUSTOM_SCOPES at commas and spaces.
func (c Config) OIDCScopes() []string {
	return strings.FieldsFunc(c.OIDCCustomScopes, func(r rune) bool { return r == ',' || r == ' ' })
}

// SecureCookies reports whether the public URL is https.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// Masked lists the effective configuration as name=value lines with
// secrets hidden, for `roster config`.
func (c Config) Masked() [][2]string {
	secret := func(s string) string {
		if s == "" {
			return ""
		}
		return "********"
	}
	return append([][2]string{
		{"ROSTER_ADDR", c.Addr},
		{"HOST", c.PublicURL},
		{"ROSTER_DB", redactURL(c.DB)},
		{"SESSION_LENGTH", strconv.FormatFloat(c.SessionLength.Hours(), 'f', -1, 64)},
		{"LICENSE", secret(c.License)},
		{"ROSTER_LICENSE_PUBLIC_KEY", c.LicensePublicKey},
		{"DISABLE_SSO_PROVISIONING", strconv.FormatBool(c.DisableSSOProvisioning)},
		{"ROSTER_SSO_ORGANIZATION", c.SSOOrganization},
		{"ROSTER_SSO_ORG_DOMAINS", formatOrgDomains(c.SSOOrgDomains)},
		{"OIDC_ISSUER", c.OIDCIssuer},
		{"OIDC_CLIENT_ID", c.OIDCClientID},
		{"OIDC_CLIENT_SECRET", secret(c.OIDCClientSecret)},
		{"GORILLA_OIDC_CUSTOM_SCOPES", c.OIDCCustomScopes},
		{"OIDC_AUTH_METHOD", c.OIDCAuthMethod},
		{"OIDC_TRUST_EMAIL", strconv.FormatBool(c.OIDCTrustEmail)},
		{"SKIP_AUDIENCE_VALIDATION", strconv.FormatBool(c.SkipAudienceValidation)},
		{"GORILLA_EMAIL_SINK", redactURL(c.EmailSink)},
		{"GORILLA_EMAIL_FROM_ADDRESS", c.EmailFrom},
		{"GORILLA_ALLOW_USER_TEAM_CREATION", strconv.FormatBool(c.AllowUserTeamCreation)},
		{"GORILLA_DISABLE_ADMIN_TEAM_ACCESS", strconv.FormatBool(c.DisableAdminTeamAccess)},
		{"GORILLA_ENABLE_SSO_GROUP_CLAIMS", strconv.FormatBool(c.EnableSSOGroupClaims)},
		{"GORILLA_USE_IDENTIFIER_CLAIMS", strconv.FormatBool(c.UseIdentifierClaims)},
		{"GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION", strconv.FormatBool(c.DisableTeamServiceAccountCreation)},
		{"LOCAL_RESTORE", strconv.FormatBool(c.LocalRestore)},
		{"ROSTER_SCIM_DELETE", c.SCIMDelete},
		{"ROSTER_LOG_LEVEL", c.LogLevel},
		{"ROSTER_LOG_FORMAT", c.LogFormat},
		{"ROSTER_TRUSTED_PROXIES", formatPrefixes(c.TrustedProxies)},
	}, c.LDAP.masked()...)
}

// ParseTrustedProxies reads a comma-separated list of CIDRs and single
// addresses (ROSTER_TRUSTED_PROXIES); empty trusts no proxy.
func ParseTrustedProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("ROSTER_TRUSTED_PROXIES must list addresses or CIDRs such as 10.0.0.0/8,192.0.2.7 separated by commas, not %q", f)
			}
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(0, p.Bits()-96))
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// formatPrefixes lists prefixes as ROSTER_TRUSTED_PROXIES takes them.
func formatPrefixes(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

// redactURL replaces a URL's password with asterisks.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// ParseOrgDomains reads ROSTER_SSO_ORG_DOMAINS: domain=organization pairs
// separated by commas, such as corp-a.example=corp-a; domains are folded
// to lower case.
func ParseOrgDomains(v string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		domain, org, ok := strings.Cut(f, "=")
		domain, org = strings.ToLower(strings.TrimSpace(domain)), strings.TrimSpace(org)
		if !ok || domain == "" || org == "" || strings.ContainsAny(domain, "@ ") {
			return nil, fmt.Errorf("ROSTER_SSO_ORG_DOMAINS must list domain=organization pairs such as corp-a.example=corp-a separated by commas, not %q", f)
		}
		if _, dup := out[domain]; dup {
			return nil, fmt.Errorf("ROSTER_SSO_ORG_DOMAINS names domain %s twice", domain)
		}
		out[domain] = org
	}
	return out, nil
}

// formatOrgDomains writes ParseOrgDomains' input back, sorted by domain.
func formatOrgDomains(m map[string]string) string {
	pairs := make([]string, 0, len(m))
	for d, o := range m {
		pairs = append(pairs, d+"="+o)
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}
