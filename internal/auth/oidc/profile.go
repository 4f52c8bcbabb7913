package oidc

import (
	"encoding/json"
	"net/url"
	"strings"

	"roster"
)

// Profile is the one place that knows how identity providers shape their
// claims (issue #16). It reads the email, whether it is verified, the
// username, the display name and the groups from an ID token and, where
// the ID token lacks the email, from the provider's userinfo answer:
//
//   - Okta, Dex, Keycloak, Google: email and email_verified (a boolean,
//     or the string "true" as some providers send it).
//   - Microsoft Entra ID: no email_verified; xms_edov (email domain owner
//     verified) vouches for the email claim instead. Often the address is
//     only in preferred_username or upn, which no claim vouches for: only
//     TrustEmail (OIDC_TRUST_EMAIL) lets Roster use it.
//   - Groups: names (Okta, Dex), object ids (Entra), paths such as
//     /ml/vision (Keycloak), or none (Google). Entra's overage marker
//     (_claim_names/_claim_sources naming groups, or hasgroups) means the
//     list did not fit in the token: it is reported, never read as empty.
type Profile struct {
	// TrustEmail treats every address the provider sends as verified
	// (OIDC_TRUST_EMAIL). Safe only for a single-tenant provider the
	// deployment controls, where nobody can set an address they do not own.
	TrustEmail bool
}

// noGroupsScope are the hosts of providers that have no groups scope:
// Entra ID configures its groups claim in the application's token
// configuration and reads an unknown scope as a Microsoft Graph
// permission; Google refuses unknown scopes and sends no groups.
var noGroupsScope = map[string]bool{"login.microsoftonline.com": true, "login.microsoftonline.us": true,
	"login.chinacloudapi.cn": true, "accounts.google.com": true}

// asksGroupsScope reports whether a sign-in at issuer asks for the groups
// scope when group claims are on.
func asksGroupsScope(issuer string) bool {
	u, err := url.Parse(issuer)
	return err != nil || !noGroupsScope[strings.ToLower(u.Hostname())]
}

// claimSet is a token's or userinfo answer's claims, undecoded.
type claimSet map[string]json.RawMessage

// Identity reads what the provider vouched for from the ID token's claims
// and, when not nil, the userinfo answer's (whose subject the caller has
// checked).
func (p Profile) Identity(issuer, subject string, id, userinfo claimSet) roster.SSOClaims {
	c := roster.SSOClaims{Issuer: issuer, Subject: subject}
	c.Email, c.EmailSource, c.EmailVerified = p.email(id, userinfo)
	c.PreferredUsername = firstString(id, userinfo, "preferred_username", "upn")
	c.Name = firstString(id, userinfo, "name")
	if c.Name == "" {
		c.Name = strings.TrimSpace(firstString(id, userinfo, "given_name") + " " + firstString(id, userinfo, "family_name"))
	}
	c.Groups, c.GroupsOverage = groups(id)
	if c.Groups == nil && !c.GroupsOverage && userinfo != nil {
		c.Groups, c.GroupsOverage = groups(userinfo)
	}
	return c
}

// needsUserinfo reports whether the ID token lacks what only the userinfo
// endpoint may have: the email address.
func needsUserinfo(id claimSet) bool { return str(id, "email") == "" }

// email finds the address, the claim it came from and whether the
// provider vouched for it.
func (p Profile) email(id, userinfo claimSet) (email, source string, verified bool) {
	switch {
	case str(id, "email") != "":
		email, source, verified = str(id, "email"), "email", vouched(id)
	case str(userinfo, "email") != "":
		email, source, verified = str(userinfo, "email"), "userinfo", vouched(userinfo)
	default:
		for _, name := range []string{"preferred_username", "upn"} {
			if v := firstString(id, userinfo, name); isAddress(v) {
				email, source = v, name
				break
			}
		}
	}
	return email, source, email != "" && (verified || p.TrustEmail)
}

// vouched reports whether claims say their email is verified: OIDC's
// email_verified, or Entra's xms_edov.
func vouched(cs claimSet) bool { return boolean(cs, "email_verified") || boolean(cs, "xms_edov") }

// groups reads the groups claim, or the overage marker that replaces it.
func groups(cs claimSet) (list []string, overage bool) {
	if raw, ok := cs["groups"]; ok {
		var g flexStrings
		if json.Unmarshal(raw, &g) == nil && len(g) > 0 {
			return []string(g), false
		}
	}
	var names map[string]json.RawMessage
	if raw, ok := cs["_claim_names"]; ok && json.Unmarshal(raw, &names) == nil {
		if _, ok := names["groups"]; ok {
			return nil, true
		}
	}
	return nil, boolean(cs, "hasgroups")
}

func isAddress(s string) bool {
	_, err := roster.NormalizeEmail(s)
	return strings.Contains(s, "@") && err == nil
}

// firstString is the first of names that the ID token, else the userinfo
// answer, has as a non-empty string.
func firstString(id, userinfo claimSet, names ...string) string {
	for _, name := range names {
		for _, cs := range []claimSet{id, userinfo} {
			if v := str(cs, name); v != "" {
				return v
			}
		}
	}
	return ""
}

func str(cs claimSet, name string) string {
	var s string
	if raw, ok := cs[name]; ok && json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return ""
}

func boolean(cs claimSet, name string) bool {
	var b flexBool
	if raw, ok := cs[name]; ok && json.Unmarshal(raw, &b) == nil {
		return bool(b)
	}
	return false
}
