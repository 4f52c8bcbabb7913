package scim_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"roster/internal/apitest"
)

// isoSCIMUser is a SCIM user document named after prefix.
func isoSCIMUser(prefix string) string {
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%[1]s-scim",
		"externalId":"ext-%[1]s","emails":[{"value":"%[1]s-scim@example.com","primary":true}],
		"name":{"givenName":"Scim","familyName":"%[1]s"}}`, prefix)
}

const isoPatchOp = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[%s]}`

// isoSCIM is the first organization and corp-b, each with a SCIM client
// on its admin's key, a SCIM-provisioned user and a group.
type isoSCIM struct {
	e                  *apitest.Env
	a, b               *idp
	aUser, aGroup      string // the first organization's SCIM user and group ids
	bUser, bGroup      string
	aRole              string // the first organization's custom role id
	aMember, aMemberID string // a user of the first organization made through REST
}

func newIsoSCIM(t *testing.T) *isoSCIM {
	e := apitest.New(t)
	root := e.MustSignup("alder")
	aspen := e.MustUser(root.Key, "aspen", "member")
	b := e.MustOrg("corp-b", "birch")
	s := &isoSCIM{e: e, a: &idp{t: t, e: e, key: root.Key}, b: &idp{t: t, e: e, key: b.Admin.Key}, aMember: "aspen", aMemberID: aspen.ID}
	s.aUser = s.a.do(201, "POST", "/Users", isoSCIMUser("acorn"))["id"].(string)
	s.bUser = s.b.do(201, "POST", "/Users", isoSCIMUser("bramble"))["id"].(string)
	group := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"%s-group","members":[{"value":"%s"}]}`
	s.aGroup = s.a.do(201, "POST", "/Groups", fmt.Sprintf(group, "acorn", s.aUser))["id"].(string)
	s.bGroup = s.b.do(201, "POST", "/Groups", fmt.Sprintf(group, "bramble", s.bUser))["id"].(string)
	role := e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "acorn-role", "base": "member", "permissions": []string{"run:delete"}}, root.Key)
	s.aRole = role.Map(t)["id"].(string)
	return s
}

// isoSecrets are the first organization's names and ids.
func (s *isoSCIM) secrets() []string {
	return []string{"acorn", "alder", "aspen", s.aUser, s.aGroup, s.aMemberID, s.aRole}
}

// leaks reports the first organization's names in body once the asked
// values are removed.
func (s *isoSCIM) leaks(t *testing.T, what string, body []byte, asked ...string) {
	t.Helper()
	b := string(body)
	for _, v := range asked {
		b = strings.ReplaceAll(b, v, "")
	}
	for _, sec := range s.secrets() {
		if strings.Contains(b, sec) {
			t.Errorf("%s shows the first organization's %q: %s", what, sec, body)
		}
	}
}

// SCIM with corp-b's key (issue 18): filters on the first organization's
// userName, emails and externalId find nothing, and list pages hold only
// corp-b's users and groups.
func TestOrgIsolationSCIMFilters(t *testing.T) {
	s := newIsoSCIM(t)
	for _, filter := range []string{
		`userName eq "acorn-scim"`, `userName eq "ACORN-SCIM"`, `userName sw "acorn"`, `userName eq "aspen"`,
		`emails eq "acorn-scim@example.com"`, `emails.value eq "acorn-scim@example.com"`, `emails co "acorn"`,
		`emails[value eq "aspen@example.com"]`, `externalId eq "ext-acorn"`, `name.familyName eq "acorn"`,
		`id eq "` + s.aUser + `"`, `userName eq "acorn-scim" or externalId eq "ext-acorn"`,
	} {
		r := s.e.For(t).Do("GET", "/scim/v2/Users?filter="+url.QueryEscape(filter), nil, s.b.key)
		if r.StatusCode != 200 || !strings.Contains(string(r.Body), `"totalResults":0`) {
			t.Errorf("corp-b's filter %s: %d %s, want totalResults 0", filter, r.StatusCode, r.Body)
		}
		// The same filter finds the user in the first organization.
		if strings.Contains(filter, "acorn") {
			r = s.e.For(t).Do("GET", "/scim/v2/Users?filter="+url.QueryEscape(filter), nil, s.a.key)
			if r.StatusCode != 200 || strings.Contains(string(r.Body), `"totalResults":0`) {
				t.Errorf("the first organization's filter %s: %d %s, want its user", filter, r.StatusCode, r.Body)
			}
		}
	}
	for _, filter := range []string{`displayName eq "acorn-group"`, `displayName sw "acorn"`, `id eq "` + s.aGroup + `"`,
		`members.value eq "` + s.aUser + `"`} {
		r := s.e.For(t).Do("GET", "/scim/v2/Groups?filter="+url.QueryEscape(filter), nil, s.b.key)
		if r.StatusCode != 200 || !strings.Contains(string(r.Body), `"totalResults":0`) {
			t.Errorf("corp-b's group filter %s: %d %s, want totalResults 0", filter, r.StatusCode, r.Body)
		}
	}
	for _, path := range []string{"/Users", "/Users?count=1000", "/Users?startIndex=1&count=2", "/Groups", "/Groups?count=1000", "/Roles"} {
		r := s.e.For(t).Do("GET", "/scim/v2"+path, nil, s.b.key)
		if r.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, r.StatusCode, r.Body)
		}
		s.leaks(t, "GET "+path, r.Body)
	}
	list(t, s.b.do(200, "GET", "/Users?count=1000", nil), 2) // birch and bramble-scim, no one else
	list(t, s.b.do(200, "GET", "/Groups", nil), 1)
}

// With corp-b's key, the first organization's SCIM ids answer every
// method exactly as unknown ids do (404 with the same document), and
// nothing changes in the first organization.
func TestOrgIsolationSCIMIDs(t *testing.T) {
	s := newIsoSCIM(t)
	before := s.e.Do("GET", "/scim/v2/Users/"+s.aUser, nil, s.a.key).Body
	beforeGroup := s.e.Do("GET", "/scim/v2/Groups/"+s.aGroup, nil, s.a.key).Body
	beforeRole := s.e.Do("GET", "/scim/v2/Roles/"+s.aRole, nil, s.a.key).Body
	s.a.do(200, "GET", "/Roles/"+s.aRole, nil)
	s.a.do(200, "GET", "/Groups/"+s.aGroup, nil)
	const fakeUser, fakeGroup, fakeRole = "u_00000000000000000000", "t_00000000000000000000", "role_00000000000000000000"
	calls := []struct{ method, path, body string }{
		{"GET", "/Users/{u}", ""},
		{"PUT", "/Users/{u}", isoSCIMUser("bramble-put")},
		{"PATCH", "/Users/{u}", fmt.Sprintf(isoPatchOp, `{"op":"replace","path":"active","value":false}`)},
		{"PATCH", "/Users/{u}", fmt.Sprintf(isoPatchOp, `{"op":"replace","value":{"userName":"taken-over"}}`)},
		{"DELETE", "/Users/{u}", ""},
		{"GET", "/Groups/{g}", ""},
		{"PUT", "/Groups/{g}", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"taken-over"}`},
		{"PATCH", "/Groups/{g}", fmt.Sprintf(isoPatchOp, `{"op":"replace","path":"displayName","value":"taken-over"}`)},
		{"PATCH", "/Groups/{g}", fmt.Sprintf(isoPatchOp, `{"op":"remove","path":"members[value eq \"{u}\"]"}`)},
		{"DELETE", "/Groups/{g}", ""},
		// corp-b's own group, given the first organization's user as member.
		{"PATCH", "/Groups/" + s.bGroup, fmt.Sprintf(isoPatchOp, `{"op":"add","path":"members","value":[{"value":"{u}"}]}`)},
		{"PUT", "/Groups/" + s.bGroup, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"bramble-group","members":[{"value":"{u}"}]}`},
		{"POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"bramble-new","members":[{"value":"{u}"}]}`},
		{"GET", "/Roles/{r}", ""},
		{"PUT", "/Roles/{r}", `{"schemas":["urn:ietf:params:scim:schemas:extension:roster:2.0:Role"],"displayName":"taken-over","inheritedFrom":"viewer"}`},
		{"PATCH", "/Roles/{r}", fmt.Sprintf(isoPatchOp, `{"op":"replace","path":"description","value":"taken over"}`)},
		{"DELETE", "/Roles/{r}", ""},
		{"POST", "/Users/.search", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"id eq \"{u}\""}`},
		{"POST", "/Groups/.search", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"id eq \"{g}\""}`},
	}
	for _, c := range calls {
		t.Run(c.method+" "+c.path+" "+c.body, func(t *testing.T) {
			e := s.e.For(t)
			fill := func(s, u, g, r string) string { return strings.NewReplacer("{u}", u, "{g}", g, "{r}", r).Replace(s) }
			real := e.Do(c.method, "/scim/v2"+fill(c.path, s.aUser, s.aGroup, s.aRole), fill(c.body, s.aUser, s.aGroup, s.aRole), s.b.key)
			fake := e.Do(c.method, "/scim/v2"+fill(c.path, fakeUser, fakeGroup, fakeRole), fill(c.body, fakeUser, fakeGroup, fakeRole), s.b.key)
			if real.StatusCode < 400 && !strings.HasSuffix(c.path, ".search") {
				t.Errorf("the first organization's ids: status %d: %s", real.StatusCode, real.Body)
			}
			got := strings.NewReplacer(s.aUser, fakeUser, s.aGroup, fakeGroup, s.aRole, fakeRole).Replace(string(real.Body))
			if real.StatusCode != fake.StatusCode || got != string(fake.Body) {
				t.Errorf("the first organization's ids: %d %s\nunknown ids: %d %s", real.StatusCode, real.Body, fake.StatusCode, fake.Body)
			}
			s.leaks(t, c.method+" "+c.path, real.Body, s.aUser, s.aGroup, s.aRole)
		})
	}
	if after := s.e.Do("GET", "/scim/v2/Users/"+s.aUser, nil, s.a.key).Body; string(after) != string(before) {
		t.Errorf("the first organization's SCIM user changed:\n%s\n%s", before, after)
	}
	if after := s.e.Do("GET", "/scim/v2/Groups/"+s.aGroup, nil, s.a.key).Body; string(after) != string(beforeGroup) {
		t.Errorf("the first organization's SCIM group changed:\n%s\n%s", beforeGroup, after)
	}
	if after := s.e.Do("GET", "/scim/v2/Roles/"+s.aRole, nil, s.a.key).Body; string(after) != string(beforeRole) {
		t.Errorf("the first organization's SCIM role changed:\n%s\n%s", beforeRole, after)
	}
}

// corp-b provisions a user with the userName, email and externalId of a
// user of the first organization: 201, a user of its own, and the first
// organization's user is untouched.
func TestOrgIsolationSCIMSameNames(t *testing.T) {
	s := newIsoSCIM(t)
	before := s.e.Do("GET", "/scim/v2/Users/"+s.aUser, nil, s.a.key).Body
	u := s.b.do(201, "POST", "/Users", isoSCIMUser("acorn"))
	if u["id"] == s.aUser || u["userName"] != "acorn-scim" {
		t.Fatalf("corp-b's acorn-scim = %v", u)
	}
	// A REST-made user's username and email too.
	u2 := s.b.do(201, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"aspen",
		"emails":[{"value":"aspen@example.com","primary":true}]}`)
	if u2["id"] == s.aMemberID {
		t.Fatalf("corp-b's aspen is the first organization's: %v", u2)
	}
	// Changing and removing corp-b's copies leaves the first organization's alone.
	s.b.do(200, "PATCH", "/Users/"+u["id"].(string), fmt.Sprintf(isoPatchOp, `{"op":"replace","path":"active","value":false}`))
	s.b.do(204, "DELETE", "/Users/"+u2["id"].(string), nil)
	list(t, s.b.do(200, "GET", "/Users?filter="+url.QueryEscape(`userName eq "acorn-scim"`), nil), 1)
	if after := s.e.Do("GET", "/scim/v2/Users/"+s.aUser, nil, s.a.key).Body; string(after) != string(before) {
		t.Errorf("the first organization's SCIM user changed:\n%s\n%s", before, after)
	}
	if r := s.e.Do("GET", "/api/v1/users/aspen", nil, s.a.key); r.StatusCode != 200 || !strings.Contains(string(r.Body), `"active"`) {
		t.Errorf("the first organization's aspen: %d %s", r.StatusCode, r.Body)
	}
	// And the first organization still finds only its own.
	list(t, s.a.do(200, "GET", "/Users?filter="+url.QueryEscape(`userName eq "acorn-scim"`), nil), 1)
	list(t, s.a.do(200, "GET", "/Users?filter="+url.QueryEscape(`externalId eq "ext-acorn"`), nil), 1)
}

// With corp-b's key, the first organization's team and role names in a
// user's teamRoles answer as made-up names do.
func TestOrgIsolationSCIMNames(t *testing.T) {
	s := newIsoSCIM(t)
	calls := []struct{ method, path, body string }{
		{"POST", "/Users", `{"userName":"new-{n}@example.com","teamRoles":[{"teamName":"{team}"}]}`},
		{"POST", "/Users", `{"userName":"new-{n}@example.com","teamRoles":[{"teamName":"bramble-group","roleName":"{role}"}]}`},
		{"PATCH", "/Users/" + s.bUser, fmt.Sprintf(isoPatchOp, `{"op":"add","path":"teamRoles","value":[{"teamName":"{team}"}]}`)},
		{"PATCH", "/Users/" + s.bUser, fmt.Sprintf(isoPatchOp, `{"op":"add","path":"teamRoles","value":[{"teamName":"bramble-group","roleName":"{role}"}]}`)},
	}
	for i, c := range calls {
		t.Run(c.method+" "+c.body, func(t *testing.T) {
			e := s.e.For(t)
			fill := func(team, role string, n int) string {
				return strings.NewReplacer("{team}", team, "{role}", role, "{n}", fmt.Sprint(n)).Replace(c.body)
			}
			real := e.Do(c.method, "/scim/v2"+c.path, fill("acorn-group", "acorn-role", 2*i), s.b.key)
			fake := e.Do(c.method, "/scim/v2"+c.path, fill("no-such-team", "no-such-role", 2*i+1), s.b.key)
			got := strings.NewReplacer("acorn-group", "no-such-team", "acorn-role", "no-such-role", fmt.Sprintf("new-%d@", 2*i), fmt.Sprintf("new-%d@", 2*i+1)).Replace(string(real.Body))
			if real.StatusCode < 400 || real.StatusCode != fake.StatusCode || got != string(fake.Body) {
				t.Errorf("the first organization's names: %d %s\nmade-up ones: %d %s", real.StatusCode, real.Body, fake.StatusCode, fake.Body)
			}
		})
	}
}
