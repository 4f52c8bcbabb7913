package api_test

import (
	"fmt"
	"sync"
	"testing"

	"roster/internal/apitest"
)

// O1: exactly one of 20 racing sign-ups on a fresh instance wins and becomes
// the only admin; the others are refused because sign-up closed (O2).
func TestSignupRaceMakesExactlyOneAdmin(t *testing.T) {
	const racers = 20
	for round := range 3 {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			e := apitest.New(t)
			results := make([]result, racers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					name := fmt.Sprintf("racer%02d", i)
					results[i] = send(e, "POST", "/api/v1/signup",
						map[string]string{"username": name, "email": name + "@example.com", "password": apitest.Password}, apitest.Anonymous)
				}()
			}
			close(start)
			wg.Wait()

			winner := ""
			created, refused := 0, 0
			for i, r := range results {
				switch {
				case r.err != nil:
					t.Errorf("racer %d: %v", i, r.err)
				case r.status == 201:
					created++
					winner = fmt.Sprintf("racer%02d", i)
				case r.status == 403 && r.code() == "signup_closed":
					refused++
				default:
					t.Errorf("racer %d: status %d: %s", i, r.status, r.body)
				}
			}
			if created != 1 || refused != racers-1 {
				t.Fatalf("sign-ups: %d created, %d refused; want 1 and %d", created, refused, racers-1)
			}

			key := e.MustKey(e.MustLogin(winner, apitest.Password))
			users := listAll(t, e, key, nil)
			if len(users) != 1 || users[0].Username != winner || users[0].Role != "admin" || users[0].Status != "active" {
				t.Errorf("users after the race: %+v; want only %s, an active admin", users, winner)
			}
			if n := e.AuditCount("user:signup"); n != 1 {
				t.Errorf("user:signup audit entries: %d, want 1", n)
			}
		})
	}
}

// O2: once a user exists, sign-up is closed for everyone, whatever they send.
func TestSignupClosedAfterFirstUser(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	for _, body := range []map[string]string{
		{"username": "mallory", "email": "mallory@example.com", "password": apitest.Password},
		{"username": "alice2", "email": "alice2@example.com", "password": apitest.Password},
	} {
		auditDelta(t, e, "", 0, func() {
			wantProblem(t, e.Do("POST", "/api/v1/signup", body, apitest.Anonymous), 403, "signup_closed")
			// An admin cannot use sign-up to add people either: that is what invites are for.
			wantProblem(t, e.Do("POST", "/api/v1/signup", body, admin.Key), 403, "signup_closed")
		})
	}
	if users := listAll(t, e, admin.Key, nil); len(users) != 1 {
		t.Errorf("users: %v, want only alice", labels(users))
	}
}
