package sso_test

import (
	"slices"
	"testing"

	"roster/internal/app"
	"roster/internal/sso/ssotest"
)

// teamsOf lists the teams, among names, that username is a member of, and
// their role there.
func (e *ssoEnv) teamsOf(t *testing.T, username string, names ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, team := range names {
		var list struct {
			Members []struct{ Username, Role string } `json:"members"`
		}
		e.Must(200, "GET", "/api/v1/teams/"+team+"/members", nil, e.Admin.Key).JSON(t, &list)
		for _, m := range list.Members {
			if m.Username == username {
				out[team] = m.Role
			}
		}
	}
	return out
}

// S6 through Dex: the mock connector's person is in ["authors"]; the same
// person in Dex's password database (same verified email) is in other
// groups, so alternating connectors changes the claim between sign-ins.
func TestSSOGroupClaimsJoinAndLeaveTeams(t *testing.T) {
	e := newSSO(t, app.Config{EnableSSOGroupClaims: true}, ssotest.Options{Mock: true, Users: []ssotest.User{{
		Email: ssotest.MockEmail, Groups: []string{"reviewers", "Editors Guild", "old-team", "no-such-team"},
	}}})
	for _, team := range []struct{ name, display string }{
		{"authors", ""}, {"reviewers", ""}, {"editors", "Editors Guild"}, {"manual", ""}, {"old-team", ""},
	} {
		e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": team.name, "display_name": team.display,
			"storage": map[string]string{"type": "default"}}, e.Admin.Key)
	}
	e.Must(204, "DELETE", "/api/v1/teams/old-team", nil, e.Admin.Key) // archived: never joined
	all := []string{"authors", "reviewers", "editors", "manual"}

	// First sign-in through the mock connector: groups ["authors"].
	u := e.viewer(t, e.mustSignIn(t, ssotest.Login{Connector: "mock"}))
	if got := e.teamsOf(t, u.Username, all...); len(got) != 1 || got["authors"] != "member" {
		t.Fatalf("after the mock sign-in %s is in %v, want authors as member", u.Username, got)
	}
	// Memberships added by hand are never touched by the claim.
	e.Must(201, "POST", "/api/v1/teams/manual/members", map[string]string{"username": u.Username}, e.Admin.Key)

	// Through the password database: reviewers and Editors Guild (a display
	// name) are joined, authors is left, the archived and unknown teams are
	// ignored, and manual stays.
	again := e.viewer(t, e.mustSignIn(t, ssotest.Login{Email: ssotest.MockEmail}))
	if again.ID != u.ID {
		t.Fatalf("the password sign-in is user %s, want %s (linked by email)", again.ID, u.ID)
	}
	got := e.teamsOf(t, u.Username, all...)
	want := map[string]string{"reviewers": "member", "editors": "member", "manual": "member"}
	if !equalMaps(got, want) {
		t.Fatalf("after the password sign-in %s is in %v, want %v", u.Username, got, want)
	}

	// Back through the mock connector: the claim's teams swap again.
	e.mustSignIn(t, ssotest.Login{Connector: "mock"})
	got = e.teamsOf(t, u.Username, all...)
	want = map[string]string{"authors": "member", "manual": "member"}
	if !equalMaps(got, want) {
		t.Fatalf("after the second mock sign-in %s is in %v, want %v", u.Username, got, want)
	}

	var joins, leaves []string
	for _, a := range e.AuditEntries(t, e.Admin.Key, "team:invite_user") {
		if a.Interface == "sso" {
			joins = append(joins, a.EntityName)
		}
	}
	for _, a := range e.AuditEntries(t, e.Admin.Key, "team:uninvite") {
		if a.Interface == "sso" {
			leaves = append(leaves, a.EntityName)
		}
	}
	slices.Sort(joins)
	slices.Sort(leaves)
	if !slices.Equal(joins, []string{"authors", "authors", "editors", "reviewers"}) ||
		!slices.Equal(leaves, []string{"authors", "editors", "reviewers"}) {
		t.Fatalf("sso team audit: joins %v, leaves %v", joins, leaves)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
