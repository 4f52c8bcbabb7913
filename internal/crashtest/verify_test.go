package crashtest

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// stored is what the restarted server shows.
type stored struct {
	users   map[string]scimUser // by id
	teams   map[string]team     // by name
	members map[string]string   // "team user-id" -> team role
	keys    map[string]bool     // key ids
	audit   map[string][]entry  // by action
}

type scimUser struct {
	ID       string `json:"id"`
	UserName string `json:"userName"`
	Active   bool   `json:"active"`
	Ext      struct {
		OrganizationRole string `json:"organizationRole"`
	} `json:"urn:ietf:params:scim:schemas:extension:roster:2.0:User"`
}

type team struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

type entry struct {
	Action     string `json:"action"`
	UserAsset  string `json:"user_asset"`
	EntityName string `json:"entity_name"`
	Details    string `json:"details"`
}

// load reads everything back through the public interfaces.
func load(t *testing.T, c *client) *stored {
	t.Helper()
	s := &stored{users: map[string]scimUser{}, teams: map[string]team{}, members: map[string]string{},
		keys: map[string]bool{}, audit: map[string][]entry{}}
	for start := 1; ; {
		var page struct {
			TotalResults int        `json:"totalResults"`
			Resources    []scimUser `json:"Resources"`
		}
		must(t, c.do("GET", fmt.Sprintf("/scim/v2/Users?startIndex=%d&count=200", start), nil, &page))
		for _, u := range page.Resources {
			s.users[u.ID] = u
		}
		if start += len(page.Resources); len(page.Resources) == 0 || start > page.TotalResults {
			break
		}
	}
	var teams struct{ Teams []team }
	must(t, c.do("GET", "/api/v1/teams", nil, &teams))
	for _, tm := range teams.Teams {
		s.teams[tm.Name] = tm
		var ms struct {
			Members []struct{ ID, Role string }
		}
		must(t, c.do("GET", "/api/v1/teams/"+url.PathEscape(tm.Name)+"/members", nil, &ms))
		for _, m := range ms.Members {
			s.members[tm.Name+" "+m.ID] = m.Role
		}
	}
	var keys struct {
		APIKeys []struct{ ID string } `json:"api_keys"`
	}
	must(t, c.do("GET", "/api/v1/users/me/api-keys", nil, &keys))
	for _, k := range keys.APIKeys {
		s.keys[k.ID] = true
	}
	loadAudit(t, c, s)
	return s
}

// loadAudit pages through the audit log of yesterday and today.
func loadAudit(t *testing.T, c *client, s *stored) {
	t.Helper()
	cursor := ""
	for range 10000 {
		var page struct {
			AuditLogs  []entry `json:"audit_logs"`
			NextCursor string  `json:"next_cursor"`
		}
		must(t, c.do("GET", "/admin/audit_logs?numDays=2&limit=200&cursor="+url.QueryEscape(cursor), nil, &page))
		for _, e := range page.AuditLogs {
			s.audit[e.Action] = append(s.audit[e.Action], e)
		}
		if cursor = page.NextCursor; cursor == "" {
			return
		}
	}
	t.Fatal("the audit log did not end after 10000 pages")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// verify checks the acknowledged changes against what is stored, and what
// is stored against the audit log.
func verify(t *testing.T, c *client, l *ledger, adminID string) result {
	s := load(t, c)
	var r result
	lost := func(format string, args ...any) {
		r.lost++
		t.Errorf("lost: "+format, args...)
	}
	byUserName := map[string]scimUser{}
	for _, u := range s.users {
		byUserName[u.UserName] = u
	}
	for _, u := range l.users {
		r.checked += 1 + count(u.deactivated) + count(u.viewer)
		got, ok := byUserName[u.userName]
		switch {
		case !ok || got.ID != u.id:
			lost("user %s (%s)", u.userName, u.id)
		case u.deactivated && got.Active:
			lost("deactivation of %s", u.userName)
		case u.viewer && got.Ext.OrganizationRole != "viewer":
			lost("organization role viewer of %s (now %q)", u.userName, got.Ext.OrganizationRole)
		}
	}
	byDisplay := map[string]team{}
	for _, tm := range s.teams {
		byDisplay[tm.DisplayName] = tm
	}
	for _, g := range l.groups {
		r.checked += 1 + len(g.members)
		tm, ok := byDisplay[g.display]
		if !ok || tm.ID != g.id {
			lost("group %q (%s)", g.display, g.id)
			continue
		}
		for _, m := range g.members {
			if _, ok := s.members[tm.Name+" "+m]; !ok {
				lost("member %s of group %q", m, g.display)
			}
		}
	}
	r.checked += len(l.teams) + len(l.keys)
	for _, name := range l.teams {
		if _, ok := s.teams[name]; !ok {
			lost("team %s", name)
		}
	}
	for _, m := range l.members {
		r.checked += 1 + count(m.viewer)
		role, ok := s.members[m.team+" "+m.userID]
		if !ok || m.viewer && role != "viewer" {
			lost("membership of %s in %s (role %q, viewer %v)", m.userID, m.team, role, m.viewer)
		}
	}
	for _, id := range l.keys {
		if !s.keys[id] {
			lost("API key %s", id)
		}
	}
	r.audited = auditMatches(t, s, adminID)
	return r
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}

// auditMatches compares, action by action, the changes the audit log
// names with the changes that are stored: one entry for each, and none for
// a change that is not there (L1). It returns the entries compared.
func auditMatches(t *testing.T, s *stored, adminID string) int {
	t.Helper()
	want := map[string][]string{}
	for id, u := range s.users {
		if id == adminID {
			continue
		}
		want["user:create"] = append(want["user:create"], id)
		if !u.Active {
			want["user:deactivate"] = append(want["user:deactivate"], id)
		}
		if u.Ext.OrganizationRole == "viewer" {
			want["organization:update_member"] = append(want["organization:update_member"], id)
		}
	}
	for name := range s.teams {
		want["team:create"] = append(want["team:create"], name)
	}
	for key, role := range s.members {
		if strings.HasSuffix(key, " "+adminID) {
			continue // a team's creator joins it without an entry of their own
		}
		want["team:invite_user"] = append(want["team:invite_user"], key)
		if role == "viewer" {
			want["team:update_member"] = append(want["team:update_member"], key)
		}
	}
	for id := range s.keys {
		want["user:create_api_key"] = append(want["user:create_api_key"], id)
	}
	compared := 0
	for _, action := range []string{"user:create", "user:deactivate", "organization:update_member", "team:create",
		"team:invite_user", "team:update_member", "user:create_api_key"} {
		keys := want[action]
		var got []string
		for _, e := range s.audit[action] {
			if k := auditKey(action, e); k != adminID {
				got = append(got, k)
			}
		}
		compared += len(got)
		if missing, extra := difference(keys, got), difference(got, keys); len(missing)+len(extra) > 0 {
			t.Errorf("audit %s: no entry for stored %v; entries without a stored change (or repeated) %v", action, missing, extra)
		}
	}
	return compared
}

// difference lists the elements of a, with repeats, that b lacks.
func difference(a, b []string) []string {
	left := map[string]int{}
	for _, k := range b {
		left[k]++
	}
	var out []string
	for _, k := range a {
		if left[k] > 0 {
			left[k]--
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// auditKey names what an entry is about, as auditMatches keys the stored
// changes.
func auditKey(action string, e entry) string {
	switch action {
	case "team:create":
		return e.EntityName
	case "team:invite_user", "team:update_member":
		return e.EntityName + " " + e.UserAsset
	case "user:create_api_key":
		f := strings.Fields(e.Details) // "key <id> <name>"
		if len(f) >= 2 {
			return f[1]
		}
	}
	return e.UserAsset
}
