package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// loader drives one run against one server.
type loader struct {
	cfg    config
	client *http.Client
	users  []string      // created user ids by index
	groups []string      // created group ids by index
	turn   atomic.Uint64 // round robin over the servers
}

func newLoader(cfg config) *loader {
	tr := &http.Transport{MaxIdleConns: cfg.concurrency * 2, MaxIdleConnsPerHost: cfg.concurrency * 2, IdleConnTimeout: time.Minute}
	return &loader{cfg: cfg, client: &http.Client{Transport: tr, Timeout: time.Minute},
		users: make([]string, cfg.users), groups: make([]string, cfg.groups)}
}

// call sends one SCIM request and decodes the answer into out (may be nil).
func (l *loader) call(ctx context.Context, method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	base := l.cfg.urls[int(l.turn.Add(1))%len(l.cfg.urls)]
	req, err := http.NewRequestWithContext(ctx, method, base+"/scim/v2"+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+l.cfg.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d: %.200s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func (l *loader) ping(ctx context.Context) error {
	return l.call(ctx, "GET", "/ServiceProviderConfig", nil, 200, nil)
}

// phase is one measured operation.
type phase struct {
	name string
	run  func(ctx context.Context) (*stats, error)
}

func (l *loader) phases() []phase {
	c := l.cfg
	groupOps := c.groups * ((c.members + 24) / 25)
	pages := min((c.users+99)/100, 1000)
	return []phase{
		{"create user", l.each(c.users, l.createUser)},
		{"create group", l.each(c.groups, l.createGroup)},
		{"add members (25/PATCH)", l.each(groupOps, l.addMembers)},
		{"list users (100/page)", l.each(pages, l.listPage)},
		{"filter userName eq", l.each(c.lookups, l.lookup(`userName eq "%s"`, l.userName))},
		{"filter externalId eq", l.each(c.lookups, l.lookup(`externalId eq "%s"`, l.externalID))},
		{"filter work email eq", l.each(c.lookups, l.lookup(`emails[type eq "work"].value eq "%s"`, l.email))},
		{"filter group name eq", l.each(min(c.lookups, c.groups*10), l.groupLookup)},
		{"deactivate user (PATCH)", l.each(c.deactivations, l.deactivateUser)},
	}
}

// each runs job n times at the configured concurrency.
func (l *loader) each(n int, job func(ctx context.Context, i int) error) func(ctx context.Context) (*stats, error) {
	return func(ctx context.Context) (*stats, error) {
		st := parallel(n, l.cfg.concurrency, ctx.Done(), func(i int) error { return job(ctx, i) })
		return st, ctx.Err()
	}
}

func (l *loader) userName(i int) string {
	return fmt.Sprintf("%s-user-%d@load.example.com", l.cfg.prefix, i)
}
func (l *loader) externalID(i int) string { return fmt.Sprintf("%s-ext-%d", l.cfg.prefix, i) }
func (l *loader) email(i int) string {
	return fmt.Sprintf("%s.%d@mail.load.example.com", l.cfg.prefix, i)
}

func (l *loader) createUser(ctx context.Context, i int) error {
	body := map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":   l.userName(i),
		"externalId": l.externalID(i),
		"active":     true,
		"name":       map[string]string{"givenName": "Load", "familyName": fmt.Sprint("User", i)},
		"emails":     []map[string]any{{"value": l.email(i), "type": "work", "primary": true}},
	}
	var out struct{ ID string }
	err := l.call(ctx, "POST", "/Users", body, 201, &out)
	l.users[i] = out.ID
	return err
}

func (l *loader) createGroup(ctx context.Context, i int) error {
	body := map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"displayName": fmt.Sprintf("%s Group %d", l.cfg.prefix, i), "externalId": fmt.Sprintf("%s-g-%d", l.cfg.prefix, i)}
	var out struct{ ID string }
	err := l.call(ctx, "POST", "/Groups", body, 201, &out)
	l.groups[i] = out.ID
	return err
}

// addMembers adds the batch-th 25 members of a group in one PATCH.
func (l *loader) addMembers(ctx context.Context, op int) error {
	perGroup := (l.cfg.members + 24) / 25
	g, batch := op/perGroup, op%perGroup
	if l.groups[g] == "" {
		return fmt.Errorf("group %d was not created", g)
	}
	var members []map[string]string
	for k := batch * 25; k < min((batch+1)*25, l.cfg.members); k++ {
		if id := l.users[(g*l.cfg.members+k)%l.cfg.users]; id != "" {
			members = append(members, map[string]string{"value": id})
		}
	}
	body := map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "add", "path": "members", "value": members}}}
	return l.call(ctx, "PATCH", "/Groups/"+l.groups[g]+"?excludedAttributes=members", body, 200, nil)
}

// deactivateUser sends the PATCH Okta sends when it deprovisions user i
// (replace active with false); each user once, so concurrent requests
// change different users.
func (l *loader) deactivateUser(ctx context.Context, i int) error {
	if l.users[i] == "" {
		return fmt.Errorf("user %d was not created", i)
	}
	body := map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []map[string]any{{"op": "replace", "value": map[string]any{"active": false}}}}
	return l.call(ctx, "PATCH", "/Users/"+l.users[i], body, 200, nil)
}

func (l *loader) listPage(ctx context.Context, i int) error {
	var out struct{ ItemsPerPage int }
	if err := l.call(ctx, "GET", fmt.Sprintf("/Users?startIndex=%d&count=100", i*100+1), nil, 200, &out); err != nil {
		return err
	}
	if out.ItemsPerPage == 0 {
		return fmt.Errorf("page %d is empty", i)
	}
	return nil
}

// lookup filters for a random created user and expects exactly one match.
func (l *loader) lookup(format string, value func(int) string) func(ctx context.Context, i int) error {
	return func(ctx context.Context, _ int) error {
		f := fmt.Sprintf(format, value(rand.IntN(l.cfg.users)))
		return l.expectOne(ctx, "/Users?filter="+url.QueryEscape(f))
	}
}

func (l *loader) groupLookup(ctx context.Context, _ int) error {
	if l.cfg.groups == 0 {
		return nil
	}
	f := fmt.Sprintf(`displayName eq "%s Group %d"`, l.cfg.prefix, rand.IntN(l.cfg.groups))
	return l.expectOne(ctx, "/Groups?excludedAttributes=members&filter="+url.QueryEscape(f))
}

func (l *loader) expectOne(ctx context.Context, path string) error {
	var out struct{ TotalResults int }
	if err := l.call(ctx, "GET", path, nil, 200, &out); err != nil {
		return err
	}
	if out.TotalResults != 1 {
		return fmt.Errorf("%s: %d results, want 1", path, out.TotalResults)
	}
	return nil
}
