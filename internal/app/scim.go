package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"roster"
)

// isSCIMServiceAccount reports whether the actor is an organization service
// account calling through SCIM, which A1 lets act as an admin there.
func isSCIMServiceAccount(a roster.Actor) bool {
	return a.Via == roster.ViaSCIM && a.ServiceAccount != nil && a.ServiceAccount.IsOrgScoped()
}

var errNotSCIM = roster.ReasonErrorf(roster.EForbidden, "not_scim_caller",
	"only organization admins and organization service accounts may use SCIM")

// requireSCIM admits the callers of SCIM (section 9): active organization
// admins and organization service accounts, when the license allows SCIM.
func (s *Service) requireSCIM(a roster.Actor) error {
	if a.ServiceAccount != nil && !a.ServiceAccount.IsOrgScoped() {
		return errNotSCIM
	}
	if a.User == nil && a.ServiceAccount == nil {
		return errUnauthenticated
	}
	if err := requireAdmin(a); err != nil {
		if roster.ErrorCode(err) == roster.EForbidden {
			return errNotSCIM
		}
		return err
	}
	return s.RequireFeature(featureSCIM)
}

// versionOf is a resource's version for ETags (C5): a digest of
// everything its representation shows, so any change anywhere moves it.
func versionOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain values are hashed
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:10])
}

// checkVersion refuses a change whose If-Match names none of the current
// version ("*" matches any); no If-Match always passes.
func checkVersion(ifMatch []string, version string) error {
	if len(ifMatch) == 0 {
		return nil
	}
	for _, v := range ifMatch {
		if v == "*" || v == version {
			return nil
		}
	}
	return roster.ReasonErrorf(roster.EPrecondition, "stale_version",
		"the resource changed since it was read (version is now %s); read it again", version)
}

// pageWindow turns 1-based startIndex and count into an offset and limit.
func pageWindow(startIndex, count int) (offset, limit int) {
	if startIndex < 1 {
		startIndex = 1
	}
	return startIndex - 1, max(count, 0)
}

// AuthorizeSCIM refuses callers who may not use SCIM, for edge endpoints
// that call no other use case (discovery).
func (s *Service) AuthorizeSCIM(a roster.Actor) error { return s.requireSCIM(a) }
