package scim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"roster"
	"roster/internal/app"
)

// staleVersion is the reason of a 412: If-Match named an older version.
const staleVersion = "stale_version"

// digest is a resource's version for ETags (C5): a digest of everything
// its representation shows, so a change through any interface moves it.
func digest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain values are hashed
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:10])
}

// userVersion digests what a user's representation shows.
func userVersion(v *app.DirectoryUser) string {
	u := v.User
	teams := make([][2]string, len(v.Teams))
	for i, m := range v.Teams {
		teams[i] = [2]string{m.TeamID + "/" + m.TeamName + "/" + m.TeamDisplayName, m.RoleName()}
	}
	return digest([]any{u.ID, u.Username, u.Email, u.Name, u.Role, u.Status, u.PasswordHash != "",
		v.UserName(), v.ExternalID(), v.Attributes(), teams})
}

// groupVersion digests what a group's representation shows.
func groupVersion(v *app.DirectoryGroup) string {
	members := make([]string, len(v.Members))
	for i, m := range v.Members {
		members[i] = m.PrincipalID
	}
	return digest([]any{v.Team.ID, v.Team.Name, v.Team.DisplayName, v.ExternalID(), members, v.IDPGroups})
}

// roleVersion digests what a role's representation shows.
func roleVersion(r *roster.CustomRole) string {
	return digest([]any{r.ID, r.Name, r.Description, r.Base, r.Extra})
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
	return roster.ReasonErrorf(roster.EPrecondition, staleVersion,
		"the resource changed since it was read (version is now %s); read it again", version)
}

// precondition is the request's If-Match as the check app runs on the
// resource's current state under its lock, before changing it (C5); nil
// without If-Match.
func precondition[T any](r *http.Request, version func(T) string) func(T) error {
	tags := ifMatch(r, "If-Match")
	if len(tags) == 0 {
		return nil
	}
	return func(cur T) error { return checkVersion(tags, version(cur)) }
}
