package crashtest

import (
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
)

// The workload: each worker provisions its own users and groups through
// SCIM and its own teams, members and keys through REST, and records in
// the ledger every change the server acknowledged with a 2xx. A worker
// stops at its first failed request, which is the kill; a non-2xx answer
// from a live server is a test failure.

const (
	workers       = 4
	opsPerWorker  = 300 // bounds the workload if the kill never comes
	keysPerWorker = 8   // stays far below the 100 keys a principal may hold
)

// ackUser is a SCIM user the server acknowledged, with the changes to it
// it acknowledged. Changes only ever go one way (deactivate, demote to
// viewer), so a change in flight at the kill cannot undo an acknowledged
// one.
type ackUser struct {
	id, userName string
	deactivated  bool
	viewer       bool
}

// ackGroup is a SCIM group created with members.
type ackGroup struct {
	id, display string
	members     []string // user ids
}

// ackMember is a REST team membership, possibly re-roled to viewer.
type ackMember struct {
	team, userID string
	viewer       bool
}

// ledger holds every acknowledged change.
type ledger struct {
	mu      sync.Mutex
	users   map[string]*ackUser
	groups  []ackGroup
	teams   []string
	members []*ackMember
	keys    []string
	acks    atomic.Int64
}

func newLedger() *ledger { return &ledger{users: map[string]*ackUser{}} }

func (l *ledger) ack(f func()) {
	l.mu.Lock()
	f()
	l.mu.Unlock()
	l.acks.Add(1)
}

// worker is one client goroutine with the entities it made.
type worker struct {
	n       int
	c       *client
	l       *ledger
	users   []*ackUser // by role in the workload: see pick
	teams   []*restTeam
	keys    int
	nextUse [3]int
}

// restTeam is a team the worker created through REST.
type restTeam struct {
	name   string
	member *ackMember
}

// run performs operations until one fails or stop is closed; it returns
// the failure of a live server (a non-2xx answer), or nil.
func (w *worker) run(stop <-chan struct{}) error {
	for i := range opsPerWorker {
		select {
		case <-stop:
			return nil
		default:
		}
		if err := w.step(i); err != nil {
			var se *statusError
			if errors.As(err, &se) {
				return err
			}
			return nil // the server is gone
		}
	}
	return nil
}

// step runs the i-th operation, falling back to creating a user when the
// operation has nothing to work on yet.
func (w *worker) step(i int) error {
	var done bool
	var err error
	switch i % 8 {
	case 1:
		done, err = w.createGroup(i)
	case 2:
		done, err = w.deactivate()
	case 3:
		done, err = w.demote()
	case 5:
		done, err = true, w.createTeam(i)
	case 6:
		done, err = w.addMember()
	case 7:
		if done, err = w.reRole(); !done && err == nil {
			done, err = w.createKey(i)
		}
	}
	if done || err != nil {
		return err
	}
	return w.createUser(i)
}

// pick returns the next user of a use: 0 demoted to viewer, 1 member of
// teams and groups, 2 deactivated. Users of use 1 are reused round robin.
func (w *worker) pick(use int) *ackUser {
	var of []*ackUser
	for k, u := range w.users {
		if k%3 == use {
			of = append(of, u)
		}
	}
	if len(of) == 0 || use != 1 && w.nextUse[use] >= len(of) {
		return nil
	}
	u := of[w.nextUse[use]%len(of)]
	w.nextUse[use]++
	return u
}

func (w *worker) createUser(i int) error {
	name := fmt.Sprintf("w%d-u%d@crash.example.com", w.n, i)
	body := map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": name,
		"name":   map[string]string{"givenName": "Crash", "familyName": fmt.Sprint("User ", w.n, i)},
		"emails": []map[string]any{{"value": name, "type": "work", "primary": true}}}
	var out struct{ ID string }
	if err := w.c.do("POST", "/scim/v2/Users", body, &out); err != nil {
		return err
	}
	u := &ackUser{id: out.ID, userName: name}
	w.users = append(w.users, u)
	w.l.ack(func() { w.l.users[u.id] = u })
	return nil
}

func patchOp(path string, value any) map[string]any {
	return map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "path": path, "value": value}}}
}

func (w *worker) deactivate() (bool, error) {
	u := w.pick(2)
	if u == nil {
		return false, nil
	}
	if err := w.c.do("PATCH", "/scim/v2/Users/"+u.id, patchOp("active", false), nil); err != nil {
		return true, err
	}
	w.l.ack(func() { u.deactivated = true })
	return true, nil
}

func (w *worker) demote() (bool, error) {
	u := w.pick(0)
	if u == nil {
		return false, nil
	}
	if err := w.c.do("PATCH", "/scim/v2/Users/"+u.id, patchOp("organizationRole", "viewer"), nil); err != nil {
		return true, err
	}
	w.l.ack(func() { u.viewer = true })
	return true, nil
}

func (w *worker) createGroup(i int) (bool, error) {
	a, b := w.pick(1), w.pick(1)
	if a == nil || a == b {
		return false, nil
	}
	g := ackGroup{display: fmt.Sprintf("W%d Group %d", w.n, i), members: []string{a.id, b.id}}
	body := map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": g.display,
		"members": []map[string]string{{"value": a.id}, {"value": b.id}}}
	var out struct{ ID string }
	if err := w.c.do("POST", "/scim/v2/Groups", body, &out); err != nil {
		return true, err
	}
	g.id = out.ID
	w.l.ack(func() { w.l.groups = append(w.l.groups, g) })
	return true, nil
}

func (w *worker) createTeam(i int) error {
	t := &restTeam{name: fmt.Sprintf("w%d-team-%d", w.n, i)}
	if err := w.c.do("POST", "/api/v1/teams", map[string]any{"name": t.name, "storage": map[string]string{"type": "default"}}, nil); err != nil {
		return err
	}
	w.teams = append(w.teams, t)
	w.l.ack(func() { w.l.teams = append(w.l.teams, t.name) })
	return nil
}

// addMember adds a user to the newest team that has no member yet.
func (w *worker) addMember() (bool, error) {
	var t *restTeam
	for _, c := range w.teams {
		if c.member == nil {
			t = c
		}
	}
	u := w.pick(1)
	if t == nil || u == nil {
		return false, nil
	}
	body := map[string]string{"email": u.userName, "role": "member"}
	if err := w.c.do("POST", "/api/v1/teams/"+t.name+"/members", body, nil); err != nil {
		return true, err
	}
	t.member = &ackMember{team: t.name, userID: u.id}
	w.l.ack(func() { w.l.members = append(w.l.members, t.member) })
	return true, nil
}

// reRole makes the member of a team a viewer there.
func (w *worker) reRole() (bool, error) {
	for _, t := range w.teams {
		if m := t.member; m != nil && !m.viewer {
			path := "/api/v1/teams/" + t.name + "/members/" + url.PathEscape(m.userID)
			if err := w.c.do("PATCH", path, map[string]string{"role": "viewer"}, nil); err != nil {
				return true, err
			}
			w.l.ack(func() { m.viewer = true })
			return true, nil
		}
	}
	return false, nil
}

func (w *worker) createKey(i int) (bool, error) {
	if w.keys >= keysPerWorker {
		return false, nil
	}
	var out struct{ ID string }
	if err := w.c.do("POST", "/api/v1/users/me/api-keys", map[string]string{"name": fmt.Sprintf("w%d-key-%d", w.n, i)}, &out); err != nil {
		return true, err
	}
	w.keys++
	w.l.ack(func() { w.l.keys = append(w.l.keys, out.ID) })
	return true, nil
}
