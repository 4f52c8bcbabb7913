package api_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
)

// O7, O8: invite links are single use, live seven days, die when resent,
// revoked or their user removed, and give the invited role.
func TestInviteLinks(t *testing.T) {
	tests := []struct {
		name string
		// before runs between the invite and the first acceptance; it may
		// return a replacement token.
		before   func(e *apitest.Env, admin apitest.User, userID, token string) string
		accepted bool // whether the (possibly replaced) token then works
	}{
		{"fresh link works", nil, true},
		{"just under seven days", func(e *apitest.Env, _ apitest.User, _, tok string) string {
			e.Clock.Advance(roster.InviteTTL - time.Second)
			return tok
		}, true},
		{"expired after seven days", func(e *apitest.Env, _ apitest.User, _, tok string) string {
			e.Clock.Advance(7*24*time.Hour + time.Second)
			return tok
		}, false},
		{"expired long ago", func(e *apitest.Env, _ apitest.User, _, tok string) string {
			e.Clock.Advance(90 * 24 * time.Hour)
			return tok
		}, false},
		{"old link after resend", func(e *apitest.Env, admin apitest.User, id, tok string) string {
			e.Must(200, "POST", "/api/v1/users/"+id+"/invite/resend", nil, admin.Key)
			return tok
		}, false},
		{"new link after resend", func(e *apitest.Env, admin apitest.User, id, _ string) string {
			return resend(e, admin, id)
		}, true},
		{"second resend kills the first resend", func(e *apitest.Env, admin apitest.User, id, _ string) string {
			tok := resend(e, admin, id)
			resend(e, admin, id)
			return tok
		}, false},
		{"resend revives an expired invite", func(e *apitest.Env, admin apitest.User, id, _ string) string {
			e.Clock.Advance(8 * 24 * time.Hour)
			tok := resend(e, admin, id)
			e.Clock.Advance(roster.InviteTTL - time.Second)
			return tok
		}, true},
		{"resent link expires too", func(e *apitest.Env, admin apitest.User, id, _ string) string {
			tok := resend(e, admin, id)
			e.Clock.Advance(roster.InviteTTL + time.Second)
			return tok
		}, false},
		{"revoked", func(e *apitest.Env, admin apitest.User, id, tok string) string {
			e.Must(204, "DELETE", "/api/v1/users/"+id+"/invite", nil, admin.Key)
			return tok
		}, false},
		{"invited user removed", func(e *apitest.Env, admin apitest.User, id, tok string) string {
			e.Must(204, "DELETE", "/api/v1/users/"+id, nil, admin.Key)
			return tok
		}, false},
	}
	for i, tc := range tests {
		// Every case invites with one of the roles in turn; acceptance
		// must give exactly that role.
		role := []string{"member", "viewer", "admin"}[i%3]
		t.Run(tc.name+"/"+role, func(t *testing.T) {
			e := apitest.New(t)
			admin := e.MustSignup("alice")
			id, token := e.MustInvite(admin.Key, "bob@example.com", role)
			if tc.before != nil {
				token = tc.before(e, admin, id, token)
			}
			if !tc.accepted {
				auditDelta(t, e, "", 0, func() {
					wantProblem(t, accept(e, token, "bob", ""), 404, "invite_invalid")
				})
				wantProblem(t, login(e, "bob", apitest.Password), 401, "")
				return
			}
			var u apiUser
			auditDelta(t, e, "user:accept_invite", 1, func() {
				r := accept(e, token, "bob", "Bob B")
				if wantStatus(t, r, 200) {
					u = decodeUser(t, r)
				}
			})
			if u.ID != id || u.Username != "bob" || u.Name != "Bob B" || u.Role != role || u.Status != "active" {
				t.Errorf("accepted user %+v, want id %s bob active %s", u, id, role)
			}
			// Single use: the same link again, even with another username, is dead.
			auditDelta(t, e, "", 0, func() {
				wantProblem(t, accept(e, token, "bob2", ""), 404, "invite_invalid")
				wantProblem(t, accept(e, token, "bob", ""), 404, "invite_invalid")
			})
			if got := getUser(t, e, admin.Key, id); got.Username != "bob" || got.Name != "Bob B" {
				t.Errorf("second acceptance changed the user: %+v", got)
			}
			e.MustLogin("bob", apitest.Password)
			// An accepted invite can no longer be resent or revoked.
			wantProblem(t, e.Do("POST", "/api/v1/users/bob/invite/resend", nil, admin.Key), 409, "not_invited")
			wantProblem(t, e.Do("DELETE", "/api/v1/users/bob/invite", nil, admin.Key), 409, "not_invited")
		})
	}
}

// resend resends an invite and returns the new link's token.
func resend(e *apitest.Env, admin apitest.User, id string) string {
	e.TB.Helper()
	r := e.Must(200, "POST", "/api/v1/users/"+id+"/invite/resend", nil, admin.Key)
	u := decodeUser(e.TB, r)
	if u.ID != id || u.Status != "invited" {
		e.TB.Errorf("resend answered %+v", u)
	}
	return inviteToken(e.TB, u.InviteURL)
}

// Tokens that were never issued are refused alike.
func TestUnknownInviteTokens(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	_, token := e.MustInvite(admin.Key, "bob@example.com", "member")
	for _, tok := range []string{"", "x", token + "x", token[1:], "../../etc/passwd", string(make([]byte, 200))} {
		auditDelta(t, e, "", 0, func() {
			wantProblem(t, accept(e, tok, "bob", ""), 404, "invite_invalid")
		})
	}
	wantStatus(t, accept(e, token, "bob", ""), 200)
}

// O8: revoking a pending invite frees its email: the address can be
// invited again and the new link works, and the revoked user is gone.
func TestRevokedInviteFreesTheEmail(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	id, old := e.MustInvite(admin.Key, "Bob@Example.com", "viewer")
	auditDelta(t, e, "user:revoke_invite", 1, func() {
		e.Must(204, "DELETE", "/api/v1/users/"+id+"/invite", nil, admin.Key)
	})
	wantProblem(t, e.Do("GET", "/api/v1/users/"+id, nil, admin.Key), 404, "")
	if users := listAll(t, e, admin.Key, nil); len(users) != 1 {
		t.Errorf("users after revoke: %v, want only alice", labels(users))
	}
	wantProblem(t, e.Do("DELETE", "/api/v1/users/"+id+"/invite", nil, admin.Key), 404, "")

	id2, token := e.MustInvite(admin.Key, "bob@example.com", "member")
	if id2 == id {
		t.Errorf("re-invite reused the revoked user's id %s", id)
	}
	wantProblem(t, accept(e, old, "bob", ""), 404, "invite_invalid")
	r := accept(e, token, "bob", "")
	if wantStatus(t, r, 200) {
		if u := decodeUser(t, r); u.Role != "member" || u.Email != "bob@example.com" {
			t.Errorf("accepted %+v, want the second invite's member bob@example.com", u)
		}
	}
	// A removed user's email is free again as well.
	e.Must(204, "DELETE", "/api/v1/users/bob", nil, admin.Key)
	e.MustInvite(admin.Key, "BOB@example.com", "viewer")
}

// O7, P4: inviting an address that belongs to a user, in any case, is a
// conflict that changes nothing.
func TestDuplicateEmailIsAConflict(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.MustUser(admin.Key, "bob", "member")
	dora := e.MustUser(admin.Key, "dora", "member")
	e.Must(200, "POST", "/api/v1/users/"+dora.ID+"/deactivate", nil, admin.Key)
	e.MustInvite(admin.Key, "Ivy@Example.com", "member")

	for _, email := range []string{
		"alice@example.com", "ALICE@EXAMPLE.COM", // the admin
		"bob@example.com", "Bob@Example.Com", " bob@example.com ", // an active member
		"dora@example.com", "DORA@example.com", // a deactivated one
		"Ivy@Example.com", "ivy@example.com", "IVY@EXAMPLE.COM", // a pending invite
	} {
		for _, role := range []string{"member", "admin", ""} {
			t.Run(email+"/"+role, func(t *testing.T) {
				body := map[string]string{"email": email}
				if role != "" {
					body["role"] = role
				}
				auditDelta(t, e, "", 0, func() {
					wantProblem(t, e.Do("POST", "/api/v1/users", body, admin.Key), 409, "email_taken")
				})
			})
		}
	}
	if users := listAll(t, e, admin.Key, nil); len(users) != 4 {
		t.Errorf("users: %v, want alice, bob, dora and ivy", labels(users))
	}
}

// P4: accepting an invite with a username that is taken, in any case, is a
// conflict that leaves the invite usable.
func TestDuplicateUsernameIsAConflict(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "Bob_1", "member")
	e.Must(200, "POST", "/api/v1/users/"+bob.ID+"/deactivate", nil, admin.Key)
	e.MustUser(admin.Key, "carol", "viewer")
	id, token := e.MustInvite(admin.Key, "new@example.com", "member")

	for _, name := range []string{"alice", "ALICE", "Alice", "Bob_1", "bob_1", "BOB_1", "carol", "CaRoL"} {
		t.Run(name, func(t *testing.T) {
			auditDelta(t, e, "", 0, func() {
				wantProblem(t, accept(e, token, name, ""), 409, "username_taken")
			})
		})
	}
	if u := getUser(t, e, admin.Key, id); u.Status != "invited" || u.Username != "" {
		t.Errorf("refused acceptance changed the user: %+v", u)
	}
	r := accept(e, token, "newbie", "")
	if wantStatus(t, r, 200) && decodeUser(t, r).Username != "newbie" {
		t.Errorf("accepted as %s", r.Body)
	}
}

// P4, O7: when two acceptances race for one username, or two invites for
// one email, exactly one wins and the other is a 409.
func TestDuplicatesRacing(t *testing.T) {
	for round := range 5 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			e := apitest.New(t)
			admin := e.MustSignup("alice")
			_, tok1 := e.MustInvite(admin.Key, "one@example.com", "member")
			_, tok2 := e.MustInvite(admin.Key, "two@example.com", "member")
			got := race(e,
				func() result {
					return send(e, "POST", "/api/v1/invites/accept", map[string]string{"token": tok1, "username": "zed", "password": apitest.Password}, nil)
				},
				func() result {
					return send(e, "POST", "/api/v1/invites/accept", map[string]string{"token": tok2, "username": "ZED", "password": apitest.Password}, nil)
				})
			wantOneWinner(t, "accept as zed/ZED", got, 200)

			got = race(e,
				func() result {
					return send(e, "POST", "/api/v1/users", map[string]string{"email": "same@example.com"}, admin.Key)
				},
				func() result {
					return send(e, "POST", "/api/v1/users", map[string]string{"email": "SAME@example.com", "role": "viewer"}, admin.Key)
				})
			wantOneWinner(t, "invite same@example.com twice", got, 201)
		})
	}
}

// race runs the calls at once and returns their results in order.
func race(e *apitest.Env, calls ...func() result) []result {
	out := make([]result, len(calls))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = c()
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// wantOneWinner checks that exactly one result has status ok and the
// others are 409 problems.
func wantOneWinner(t *testing.T, what string, rs []result, ok int) {
	t.Helper()
	wins := 0
	for _, r := range rs {
		switch {
		case r.err != nil:
			t.Errorf("%s: %v", what, r.err)
		case r.status == ok:
			wins++
		case r.status == 409 && r.code() != "":
		default:
			t.Errorf("%s: status %d: %s", what, r.status, r.body)
		}
	}
	if wins != 1 {
		t.Errorf("%s: %d succeeded, want exactly 1", what, wins)
	}
}
