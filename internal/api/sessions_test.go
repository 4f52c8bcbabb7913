package api_test

import (
	"testing"
	"time"

	"roster/internal/api"
	"roster/internal/apitest"
)

// sessionsOf lists a user's sessions through the API.
func sessionsOf(t *testing.T, e *apitest.Env, cred apitest.Cred, user string) []api.Session {
	t.Helper()
	var out api.SessionList
	e.Must(200, "GET", "/api/v1/users/"+user+"/sessions", nil, cred).JSON(t, &out)
	return out.Sessions
}

// S1, #15 item 7: an organization admin sees where and when a user is
// signed in and ends one session at once, audited; the user's other
// session keeps working. A user sees and ends their own sessions only:
// another user's, or a session id of someone else under their own name,
// is refused and ends nothing.
func TestAdminSeesAndEndsUserSessions(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	bob := e.MustUser(ada.Key, "bob", "member")
	second := e.MustLogin("bob", apitest.Password)
	e.Clock.Advance(5 * time.Minute)
	e.Must(200, "GET", "/api/v1/viewer", nil, second)

	got := sessionsOf(t, e, ada.Key, "bob")
	if len(got) != 2 {
		t.Fatalf("bob's sessions as ada sees them: %+v, want 2", got)
	}
	newest := got[0]
	if newest.Method != "password" || newest.IP == "" || newest.UserAgent != "Go-http-client/1.1" || newest.LastSeenAt == nil ||
		!newest.LastSeenAt.After(newest.CreatedAt) || newest.Current {
		t.Errorf("the session bob used last: %+v", newest)
	}
	if got[1].LastSeenAt == nil || !got[1].LastSeenAt.Equal(got[1].CreatedAt) {
		t.Errorf("a session not used since sign-in: %+v", got[1])
	}

	// bob cannot see or end ada's sessions, nor tell a stranger from a
	// missing user; his attempts end nothing and write nothing.
	adaSessions := sessionsOf(t, e, ada.Session, "me")
	if len(adaSessions) != 1 || !adaSessions[0].Current {
		t.Fatalf("ada's own sessions: %+v", adaSessions)
	}
	audits := e.AuditCount("")
	for _, who := range []apitest.Cred{bob.Key, bob.Session} {
		for _, path := range []string{"/api/v1/users/ada/sessions", "/api/v1/users/" + ada.ID + "/sessions", "/api/v1/users/nobody/sessions"} {
			wantProblem(t, e.Do("GET", path, nil, who), 403, "not_admin")
		}
		wantProblem(t, e.Do("DELETE", "/api/v1/users/ada/sessions/"+adaSessions[0].ID, nil, who), 403, "not_admin")
		wantProblem(t, e.Do("DELETE", "/api/v1/users/me/sessions/"+adaSessions[0].ID, nil, who), 404, "not_found")
	}
	wantProblem(t, e.Do("GET", "/api/v1/users/bob/sessions", nil, apitest.Anonymous), 401, "unauthenticated")
	wantProblem(t, e.Do("DELETE", "/api/v1/users/bob/sessions/"+newest.ID, nil, apitest.Anonymous), 401, "unauthenticated")
	if n := e.AuditCount(""); n != audits {
		t.Errorf("refused calls wrote %d audit entries", n-audits)
	}
	e.Must(200, "GET", "/api/v1/viewer", nil, ada.Session)
	if own := sessionsOf(t, e, bob.Key, "me"); len(own) != 2 {
		t.Errorf("bob's own sessions: %+v", own)
	}

	// ada ends the session bob used last: it stops at once, the other
	// works, and the audit log says who ended whose.
	e.Must(204, "DELETE", "/api/v1/users/bob/sessions/"+newest.ID, nil, ada.Key)
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, second), 401, "")
	e.Must(200, "GET", "/api/v1/viewer", nil, bob.Session)
	wantProblem(t, e.Do("DELETE", "/api/v1/users/bob/sessions/"+newest.ID, nil, ada.Key), 404, "not_found")
	entries := e.AuditEntries(t, ada.Key, "user:revoke_session")
	if len(entries) != 1 || entries[0].ActorEmail != "ada@example.com" || entries[0].UserEmail != "bob@example.com" {
		t.Errorf("user:revoke_session entries: %+v", entries)
	}
	// bob ends his remaining session himself.
	e.Must(204, "DELETE", "/api/v1/users/me/sessions/"+got[1].ID, nil, bob.Key)
	wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, bob.Session), 401, "")
}
