package oidc

import (
	"encoding/json"
	"fmt"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"

	"roster"
)

// idClaims are the ID token claims Roster reads.
type idClaims struct {
	Email             string      `json:"email"`
	EmailVerified     flexBool    `json:"email_verified"`
	Name              string      `json:"name"`
	PreferredUsername string      `json:"preferred_username"`
	Groups            flexStrings `json:"groups"`
}

// claimsOf reads a verified ID token's claims.
func claimsOf(idt *gooidc.IDToken) (roster.SSOClaims, error) {
	var cl idClaims
	if err := idt.Claims(&cl); err != nil {
		return roster.SSOClaims{}, &roster.Error{Code: roster.EInvalid, Reason: roster.ReasonSSOClaimsInvalid,
			Message: "the identity provider's ID token has malformed claims; ask your administrator to check the SSO setup",
			Err:     fmt.Errorf("decode id token claims: %w", err)}
	}
	return roster.SSOClaims{Issuer: idt.Issuer, Subject: idt.Subject, Email: strings.TrimSpace(cl.Email),
		EmailVerified: bool(cl.EmailVerified), Name: cl.Name, PreferredUsername: cl.PreferredUsername,
		Groups: []string(cl.Groups)}, nil
}

// flexBool accepts true and "true": some providers send booleans as strings.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case bool:
		*b = flexBool(x)
	case string:
		*b = flexBool(strings.EqualFold(x, "true"))
	default:
		*b = false
	}
	return nil
}

// flexStrings accepts a list of strings or one string; other items are
// skipped.
type flexStrings []string

func (s *flexStrings) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		*s = flexStrings{x}
	case []any:
		out := make(flexStrings, 0, len(x))
		for _, item := range x {
			if str, ok := item.(string); ok {
				out = append(out, str)
			}
		}
		*s = out
	default:
		*s = nil
	}
	return nil
}
