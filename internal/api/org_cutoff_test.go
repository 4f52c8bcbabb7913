package api_test

import (
	"testing"

	"roster/internal/apitest"
)

// victim is a user with two sessions and two API keys, each of which the
// tests expect to stop working together.
type victim struct {
	apitest.User
	session2 apitest.Session
	key2     apitest.Key
}

func newVictim(t *testing.T, e *apitest.Env, admin apitest.Cred, username, role string) victim {
	t.Helper()
	u := e.MustUser(admin, username, role)
	s2 := e.MustLogin(u.Email, apitest.Password)
	return victim{User: u, session2: s2, key2: e.MustKey(s2)}
}

// creds lists every way the victim can authenticate.
func (v victim) creds() map[string]apitest.Cred {
	return map[string]apitest.Cred{
		"session":      v.Session,
		"session 2":    v.session2,
		"key":          v.Key,
		"key 2":        v.key2,
		"basic key":    apitest.BasicKey{User: "api", Key: string(v.Key)},
		"basic key 2":  apitest.BasicKey{User: "", Key: string(v.key2)},
		"key as basic": apitest.BasicKey{User: v.Username, Key: string(v.Key)},
	}
}

// wantCutOff checks that each credential gets 401 on reads and writes.
func wantCutOff(t *testing.T, e *apitest.Env, creds map[string]apitest.Cred) {
	t.Helper()
	for name, c := range creds {
		t.Run(name, func(t *testing.T) {
			wantProblem(t, e.Do("GET", "/api/v1/viewer", nil, c), 401, "")
			wantProblem(t, e.Do("GET", "/api/v1/users/me", nil, c), 401, "")
			wantProblem(t, e.Do("POST", "/api/v1/users/me/api-keys", map[string]string{"name": "again"}, c), 401, "")
			wantProblem(t, e.Do("GET", "/api/v1/users", nil, c), 401, "")
		})
	}
}

// O11, S1: deactivation cuts off every session and key on the very next
// request and blocks sign-in; the user stays listed as deactivated.
// Reactivation restores the keys, not the sessions.
func TestDeactivationCutsOffSessionsAndKeys(t *testing.T) {
	for _, role := range []string{"member", "viewer", "admin"} {
		t.Run(role, func(t *testing.T) {
			e := apitest.New(t)
			admin := e.MustSignup("alice")
			v := newVictim(t, e, admin.Key, "bob", role)
			for name, c := range v.creds() {
				if r := e.Do("GET", "/api/v1/viewer", nil, c); r.StatusCode != 200 {
					t.Fatalf("%s before deactivation: %d %s", name, r.StatusCode, r.Body)
				}
			}

			r := e.Must(200, "POST", "/api/v1/users/"+v.ID+"/deactivate", nil, admin.Key)
			if u := decodeUser(t, r); u.Status != "deactivated" || u.Role != role {
				t.Errorf("deactivate answered %+v", u)
			}
			wantCutOff(t, e, v.creds())
			wantProblem(t, login(e, "bob", apitest.Password), 401, "deactivated")
			if u := getUser(t, e, admin.Key, v.ID); u.Status != "deactivated" || u.Role != role {
				t.Errorf("listed as %+v, want deactivated %s", u, role)
			}

			r = e.Must(200, "POST", "/api/v1/users/bob/reactivate", nil, admin.Key)
			if u := decodeUser(t, r); u.Status != "active" || u.Role != role {
				t.Errorf("reactivate answered %+v", u)
			}
			for _, c := range []apitest.Cred{v.Key, v.key2, apitest.BasicKey{User: "api", Key: string(v.Key)}} {
				e.Must(200, "GET", "/api/v1/viewer", nil, c)
			}
			wantCutOff(t, e, map[string]apitest.Cred{"old session": v.Session, "old session 2": v.session2})
			s := e.MustLogin("bob", apitest.Password)
			e.Must(200, "GET", "/api/v1/viewer", nil, s)
		})
	}
}

// O9, S1: removal cuts off every session and key on the very next
// request, blocks sign-in, and the user disappears from every read.
func TestRemovalCutsOffSessionsAndKeys(t *testing.T) {
	for _, role := range []string{"member", "viewer", "admin"} {
		t.Run(role, func(t *testing.T) {
			e := apitest.New(t)
			admin := e.MustSignup("alice")
			v := newVictim(t, e, admin.Key, "bob", role)
			e.Must(200, "GET", "/api/v1/viewer", nil, v.Key)

			e.Must(204, "DELETE", "/api/v1/users/"+v.ID, nil, admin.Key)
			wantCutOff(t, e, v.creds())
			wantProblem(t, login(e, "bob", apitest.Password), 401, "bad_credentials")
			wantProblem(t, login(e, "bob@example.com", apitest.Password), 401, "bad_credentials")
			for _, ref := range []string{v.ID, "bob", "bob@example.com"} {
				wantProblem(t, e.Do("GET", "/api/v1/users/"+ref, nil, admin.Key), 404, "")
				wantProblem(t, e.Do("POST", "/api/v1/users/"+ref+"/reactivate", nil, admin.Key), 404, "")
			}
			for _, u := range listAll(t, e, admin.Key, nil) {
				if u.ID == v.ID {
					t.Errorf("removed user still listed: %+v", u)
				}
			}
			// Removal is final: a later deactivate-reactivate cannot revive the keys.
			wantProblem(t, e.Do("DELETE", "/api/v1/users/"+v.ID, nil, admin.Key), 404, "")
			wantCutOff(t, e, map[string]apitest.Cred{"key": v.Key})
		})
	}
}

// A deactivated or removed admin's credentials lose admin power at once too.
func TestCutOffAdminLosesAdminCalls(t *testing.T) {
	e := apitest.New(t)
	alice := e.MustSignup("alice")
	bob := e.MustUser(alice.Key, "bob", "admin")
	carol := e.MustUser(alice.Key, "carol", "admin")
	e.Must(200, "POST", "/api/v1/users/bob/deactivate", nil, alice.Key)
	e.Must(204, "DELETE", "/api/v1/users/carol", nil, alice.Key)
	for _, c := range []apitest.Cred{bob.Key, bob.Session, carol.Key, carol.Session} {
		auditDelta(t, e, "", 0, func() {
			wantProblem(t, e.Do("POST", "/api/v1/users", map[string]string{"email": "x@example.com"}, c), 401, "")
			wantProblem(t, e.Do("POST", "/api/v1/users/alice/deactivate", nil, c), 401, "")
			wantProblem(t, e.Do("GET", "/admin/audit_logs", nil, c), 401, "")
		})
	}
}
