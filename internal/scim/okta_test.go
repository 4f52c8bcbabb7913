package scim_test

import (
	"testing"

	"roster/internal/apitest"
)

// TestOktaProvisioning replays Okta's SCIM 2.0 reference requests: look
// up, create with a password, full-profile PUT, active toggles, and group
// push with a rename that repeats the group id.
func TestOktaProvisioning(t *testing.T) {
	p, _ := newIdP(t)
	list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "test.user@okta.local"`)+"&startIndex=1&count=100", nil), 0)
	u := p.do(201, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"test.user@okta.local","name":{"givenName":"Test","familyName":"User"},
		"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Test User",
		"locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true}`)
	id := u["id"].(string)
	if u["password"] != nil || u["locale"] != "en-US" {
		t.Fatalf("created: %v", u)
	}
	p.e.MustLogin("test.user@okta.local", "1mz050nq")
	p.do(200, "GET", "/Users/"+id, nil)
	p.do(404, "GET", "/Users/010fbe2c-2f35-4bd0-9ad8-ec3ba4a3aa0a", nil)
	list(t, p.do(200, "GET", "/Users?startIndex=1&count=1", nil), 2)

	// A full-profile PUT replaces the profile; Roster roles stay.
	p.do(200, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","path":"organizationRole","value":"viewer"}]}`)
	u = p.do(200, "PUT", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"`+id+`",
		"userName":"test.user@okta.local","name":{"givenName":"Another","middleName":"Test","familyName":"User"},
		"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],"displayName":"Another Test User",
		"groups":[],"active":true}`)
	if u["displayName"] != "Another Test User" || get(u, "name", "middleName") != "Test" || u["locale"] != nil ||
		u["externalId"] != "00ujl29u0le5T6Aj10h7" || get(u, rosterExt, "organizationRole") != "viewer" {
		t.Fatalf("after PUT: %v", u)
	}
	// Active toggles.
	off := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`
	if u = p.do(200, "PATCH", "/Users/"+id, off); u["active"] != false {
		t.Fatalf("deactivate: %v", u)
	}
	p.e.Must(401, "POST", "/api/v1/login", map[string]string{"login": "test.user@okta.local", "password": "1mz050nq"}, apitest.Anonymous)
	on := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}`
	if u = p.do(200, "PATCH", "/Users/"+id, on); u["active"] != true {
		t.Fatalf("reactivate: %v", u)
	}
	p.do(200, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"password":"t1meMa$9"}}]}`)
	p.e.MustLogin("test.user@okta.local", "t1meMa$9")

	// Group push.
	list(t, p.do(200, "GET", "/Groups?filter="+q(`displayName eq "Test SCIMv2"`)+"&startIndex=1&count=100", nil), 0)
	g := p.do(201, "POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}`)
	gid := g["id"].(string)
	p.do(200, "GET", "/Groups/"+gid, nil)
	g = p.do(200, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"id":"`+gid+`","displayName":"Test SCIMv2 Renamed"}}]}`)
	if g["displayName"] != "Test SCIMv2 Renamed" {
		t.Fatalf("rename: %v", g)
	}
	g = p.do(200, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"add","path":"members","value":[{"value":"`+id+`","display":"test.user@okta.local"}]}]}`)
	if get(g, "members", "0", "value") != id {
		t.Fatalf("add member: %v", g)
	}
	g = p.do(200, "PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"remove","path":"members[value eq \"`+id+`\"]"}]}`)
	if len(g["members"].([]any)) != 0 {
		t.Fatalf("remove member: %v", g)
	}
	// Older Okta integrations push groups with PUT; a member may be named by email.
	g = p.do(200, "PUT", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"`+gid+`",
		"displayName":"Test SCIMv2","members":[{"value":"test.user@okta.local","display":"test.user@okta.local"}]}`)
	if g["displayName"] != "Test SCIMv2" || get(g, "members", "0", "value") != id {
		t.Fatalf("PUT group: %v", g)
	}
	if u = p.do(200, "GET", "/Users/"+id, nil); get(u, "groups", "0", "value") != gid {
		t.Fatalf("user's groups: %v", u)
	}
	p.do(204, "DELETE", "/Groups/"+gid, nil)
}

// TestInvitedUsers: a user invited through the REST API shows in SCIM as
// inactive, with the email as userName, and can be patched and deleted
// (which revokes the invite).
func TestInvitedUsers(t *testing.T) {
	p, _ := newIdP(t)
	id, _ := p.e.MustInvite(p.key, "pending@example.com", "member")
	u := list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "pending@example.com"`), nil), 1)[0]
	if u["id"] != id || u["active"] != false {
		t.Fatalf("invited user: %v", u)
	}
	if u = p.do(200, "PATCH", "/Users/"+id, `{"Operations":[{"op":"add","path":"title","value":"Intern"}]}`); u["title"] != "Intern" {
		t.Fatalf("patched invited user: %v", u)
	}
	p.do(204, "DELETE", "/Users/"+id, nil)
	p.do(404, "GET", "/Users/"+id, nil)
}
