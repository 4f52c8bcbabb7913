package scim

import (
	"encoding/json"
	"net/http"
	"strconv"

	"roster"
	"roster/internal/httpx"
)

// SCIM error types (RFC 7644 section 3.12); the edge raises them as
// domain errors whose reason is the scimType.
const (
	invalidFilter = "invalidFilter"
	tooMany       = "tooMany"
	uniqueness    = "uniqueness"
	mutability    = "mutability"
	invalidSyntax = "invalidSyntax"
	invalidPath   = "invalidPath"
	noTarget      = "noTarget"
	invalidValue  = "invalidValue"
)

// bad returns a 400 error of a SCIM type.
func bad(scimType, format string, args ...any) error {
	return roster.ReasonErrorf(roster.EInvalid, scimType, format, args...)
}

// uniquenessReasons are the domain conflicts that are duplicates.
var uniquenessReasons = map[string]bool{
	roster.ReasonUsernameTaken: true, roster.ReasonEmailTaken: true, roster.ReasonAlreadyExists: true, roster.ReasonTeamNameTaken: true,
	roster.ReasonRoleNameTaken: true, roster.ReasonReservedRoleName: true, roster.ReasonAlreadyMember: true,
	roster.ReasonTeamDisplayTaken: true,
}

// scimType picks the error's scimType, or "" when none fits.
func scimType(err error, status int) string {
	reason := roster.ErrorReason(err)
	switch {
	case status == http.StatusConflict && uniquenessReasons[reason]:
		return uniqueness
	case status != http.StatusBadRequest:
		return ""
	}
	switch reason {
	case invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath, noTarget, invalidValue:
		return reason
	}
	return invalidValue
}

// errorDoc is the SCIM Error schema (RFC 7644 section 3.12).
type errorDoc struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail"`
}

// writeError renders err as a SCIM error with the status httpx maps it to.
func writeError(w http.ResponseWriter, r *http.Request, status int, err error) {
	doc := errorDoc{Schemas: []string{URNError}, Status: strconv.Itoa(status), ScimType: scimType(err, status),
		Detail: roster.ErrorMessage(err)}
	h := w.Header()
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="roster-scim", Basic realm="roster-scim"`)
	}
	if id := httpx.RequestID(r.Context()); id != "" && status >= 500 {
		doc.Detail += " (request " + id + ")"
	}
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(doc)
}
