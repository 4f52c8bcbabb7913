package scim_test

import (
	"net/http"
	"strings"
	"testing"

	"roster"
	"roster/internal/apitest"
)

const entExt = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// managerOf reads the enterprise manager's value of a user document.
func managerOf(u map[string]any) any { return get(u, entExt, "manager", "value") }

// TestEntraManagerForms: Entra sends the enterprise manager as a plain
// string, by its URN path, by the bare path with an array, and by the
// dotted path; every form is stored and read back as {"value": ...}.
func TestEntraManagerForms(t *testing.T) {
	p, _ := newIdP(t)
	boss := p.do(201, "POST", "/Users", `{"userName":"boss@corp.example"}`)["id"].(string)
	u := p.do(201, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","`+entExt+`"],
		"userName":"emp@corp.example","`+entExt+`":{"department":"R&D","manager":"`+boss+`"}}`)
	id := u["id"].(string)
	if managerOf(u) != boss || get(u, entExt, "department") != "R&D" {
		t.Fatalf("create with a string manager: %v", u)
	}
	patch := func(op string) map[string]any {
		t.Helper()
		return p.do(200, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`+op+`]}`)
	}
	for _, c := range []struct{ op, want string }{
		{`{"op":"Add","path":"` + entExt + `:manager","value":"m-1"}`, "m-1"},
		{`{"op":"replace","path":"manager","value":[{"$ref":"../Users/m-2","value":"m-2"}]}`, "m-2"},
		{`{"op":"replace","path":"` + entExt + `.manager","value":"m-3"}`, "m-3"},
		{`{"op":"replace","path":"` + entExt + `:manager.value","value":"m-4"}`, "m-4"},
		{`{"op":"add","path":"` + entExt + `:manager","value":{"value":"m-5"}}`, "m-5"},
		{`{"op":"add","value":{"` + entExt + `:manager":"m-6"}}`, "m-6"},
	} {
		if got := patch(c.op); managerOf(got) != c.want {
			t.Fatalf("%s: manager %v: %v", c.op, get(got, entExt, "manager"), got)
		}
	}
	u = p.do(200, "PUT", "/Users/"+id, `{"userName":"emp@corp.example","`+entExt+`":{"manager":"Jane Boss"}}`)
	if m, ok := get(u, entExt, "manager").(map[string]any); !ok || m["value"] != "Jane Boss" {
		t.Fatalf("PUT with a string manager: %v", u)
	}
	if u = p.do(200, "GET", "/Users/"+id, nil); managerOf(u) != "Jane Boss" {
		t.Fatalf("read back: %v", u)
	}
	if u = patch(`{"op":"remove","path":"` + entExt + `:manager"}`); get(u, entExt, "manager") != nil {
		t.Fatalf("remove manager: %v", u)
	}
	// Still refused: values that are no manager at all.
	for _, v := range []string{`5`, `true`, `[{"value":"a"},{"value":"b"}]`} {
		r := p.do(400, "PATCH", "/Users/"+id, `{"Operations":[{"op":"add","path":"`+entExt+`:manager","value":`+v+`}]}`)
		scimError(t, r, "400", "invalidValue")
	}
}

// TestAdoptUsersFromBeforeSCIM: users made by sign-up and invites are
// found by their email as userName, and the first SCIM write that names
// them adopts them instead of answering 409 or making a second user.
func TestAdoptUsersFromBeforeSCIM(t *testing.T) {
	p, admin := newIdP(t)
	alice := p.e.MustUser(admin.Key, "alice", "member")
	bob := p.e.MustUser(admin.Key, "bob", "member")
	carol := p.e.MustUser(admin.Key, "carol", "viewer")
	seats := func() any {
		return p.e.Must(200, "GET", "/api/v1/license", nil, admin.Key).Map(t)["seats"].(map[string]any)["used"]
	}
	seatsBefore, creates := seats(), p.e.AuditCount(roster.ActUserCreate)

	for _, f := range []string{`userName eq "ALICE@example.com"`, `userName eq "alice"`, `emails eq "Alice@Example.com"`,
		`emails.value eq "alice@example.com"`, `emails[value eq "alice@example.com"]`, `userName eq "alice@example.com" or userName eq "zed"`} {
		found := list(t, p.do(200, "GET", "/Users?filter="+q(f), nil), 1)
		if found[0]["id"] != alice.ID {
			t.Fatalf("%s found %v", f, found[0])
		}
	}
	list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "alice@example.org"`), nil), 0)

	// Okta's create after the look-up: 201 with alice's id, nothing new.
	updates := p.scimAudits(roster.ActUserUpdate)
	r := p.e.Do("POST", "/scim/v2/Users", `{"userName":"Alice@Example.com","externalId":"00u-alice",
		"name":{"givenName":"Alice","familyName":"Liddell"},"emails":[{"primary":true,"value":"alice@example.com","type":"work"}],"active":true}`, p.key)
	if r.StatusCode != 201 {
		t.Fatalf("adopting create: %d %s", r.StatusCode, r.Body)
	}
	u := r.Map(t)
	if u["id"] != alice.ID || u["userName"] != "Alice@Example.com" || u["externalId"] != "00u-alice" ||
		r.Header.Get("Location") == "" || u["active"] != true {
		t.Fatalf("adopted: %v", u)
	}
	if p.scimAudits(roster.ActUserUpdate) != updates+1 || p.e.AuditCount(roster.ActUserCreate) != creates {
		t.Fatal("adoption must write one user:update entry and no user:create")
	}
	if got := seats(); got != seatsBefore {
		t.Fatalf("seats used %v, were %v", got, seatsBefore)
	}
	p.e.MustLogin("alice", apitest.Password) // the Roster username is kept
	list(t, p.do(200, "GET", "/Users", nil), 4)
	list(t, p.do(200, "GET", "/Users?filter="+q(`externalId eq "00u-alice"`), nil), 1)

	// Now SCIM-managed: the same create is a conflict, and so is another
	// userName with alice's address.
	scimError(t, p.do(409, "POST", "/Users", `{"userName":"alice@example.com"}`), "409", "uniqueness")
	scimError(t, p.do(409, "POST", "/Users", `{"userName":"a.liddell","emails":[{"value":"alice@example.com"}]}`), "409", "uniqueness")
	list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "alice"`), nil), 0) // answers to its SCIM userName only

	// PUT on bob's id adopts him; PATCH on carol's too.
	u = p.do(200, "PUT", "/Users/"+bob.ID, `{"userName":"bob@example.com","externalId":"00u-bob","displayName":"Bob B"}`)
	if u["userName"] != "bob@example.com" || u["externalId"] != "00u-bob" {
		t.Fatalf("PUT adoption: %v", u)
	}
	u = p.do(200, "PATCH", "/Users/"+carol.ID, `{"Operations":[{"op":"replace","path":"userName","value":"carol@example.com"},
		{"op":"add","path":"externalId","value":"00u-carol"}]}`)
	if u["userName"] != "carol@example.com" || u["externalId"] != "00u-carol" || get(u, rosterExt, "organizationRole") != "viewer" {
		t.Fatalf("PATCH adoption: %v", u)
	}
	p.e.MustLogin("bob", apitest.Password)
	if got := seats(); got != seatsBefore {
		t.Fatalf("seats used %v after PUT and PATCH adoption, were %v", got, seatsBefore)
	}

	// A pending invite is adopted too, and stays pending until accepted.
	pending, _ := p.e.MustInvite(admin.Key, "dana@corp.example", "member")
	seatsBefore = seats()
	u = p.do(201, "POST", "/Users", `{"userName":"dana@corp.example","externalId":"00u-dana","active":true}`)
	if u["id"] != pending || u["externalId"] != "00u-dana" || u["active"] != false {
		t.Fatalf("adopted invite: %v", u)
	}
	if got := seats(); got != seatsBefore {
		t.Fatalf("seats used %v, were %v", got, seatsBefore)
	}
}

// TestAdoptionDenials: only SCIM callers adopt, a user is adopted once, one
// request cannot name two users, and service accounts are never users.
func TestAdoptionDenials(t *testing.T) {
	p, admin := newIdP(t)
	dave := p.e.MustUser(admin.Key, "dave", "member")
	p.e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, admin.Key)
	p.e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]string{"username": "dave", "role": "admin"}, admin.Key)
	erin := p.e.MustUser(admin.Key, "erin", "member")
	frank := p.e.MustUser(admin.Key, "frank", "member")
	adopt := `{"userName":"erin@example.com","externalId":"evil"}`
	for _, key := range []apitest.Key{dave.Key, erin.Key} { // a team admin's key, a member's key
		if r := p.e.Do("POST", "/scim/v2/Users", adopt, key); r.StatusCode != 403 {
			t.Fatalf("non-SCIM caller adopting: %d %s", r.StatusCode, r.Body)
		}
		if r := p.e.Do("PUT", "/scim/v2/Users/"+erin.ID, adopt, key); r.StatusCode != 403 {
			t.Fatalf("non-SCIM caller PUT: %d %s", r.StatusCode, r.Body)
		}
	}
	if u := p.do(200, "GET", "/Users/"+erin.ID, nil); u["externalId"] != nil || u["userName"] != "erin" {
		t.Fatalf("erin changed: %v", u)
	}

	// One request naming two different users adopts neither.
	scimError(t, p.do(409, "POST", "/Users", `{"userName":"erin@example.com","emails":[{"value":"frank@example.com","primary":true}]}`), "409", "uniqueness")
	scimError(t, p.do(409, "POST", "/Users", `{"userName":"frank","emails":[{"value":"erin@example.com","primary":true}]}`), "409", "uniqueness")
	// PUT on one user may not take another's address as userName.
	scimError(t, p.do(409, "PUT", "/Users/"+frank.ID, `{"userName":"erin@example.com"}`), "409", "uniqueness")

	// A SCIM-managed user is not adopted again under another userName.
	p.do(201, "POST", "/Users", `{"userName":"erin@example.com","externalId":"00u-erin"}`)
	if u := p.do(201, "POST", "/Users", `{"userName":"erin","emails":[{"value":"erin2@corp.example"}]}`); u["id"] == erin.ID {
		t.Fatalf("erin re-adopted by her old username: %v", u)
	}
	scimError(t, p.do(409, "POST", "/Users", `{"userName":"e.r@corp.example","emails":[{"value":"ERIN@example.com"}]}`), "409", "uniqueness")
	if u := p.do(200, "GET", "/Users/"+erin.ID, nil); u["externalId"] != "00u-erin" {
		t.Fatalf("erin re-adopted: %v", u)
	}

	// Service accounts: a userName equal to one's name makes a new user.
	p.e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "bots", "storage": map[string]string{"type": "default"}}, admin.Key)
	sa := p.e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "okta-bot", "default_team": "bots"}, admin.Key).Map(t)
	saID := sa["id"].(string)
	u := p.do(201, "POST", "/Users", `{"userName":"okta-bot","emails":[{"value":"okta-bot@corp.example"}]}`)
	if u["id"] == saID {
		t.Fatalf("service account adopted: %v", u)
	}
	p.do(404, "PUT", "/Users/"+saID, `{"userName":"okta-bot2@corp.example"}`)
	p.do(404, "PATCH", "/Users/"+saID, `{"Operations":[{"op":"replace","path":"userName","value":"x@corp.example"}]}`)
	list(t, p.do(200, "GET", "/Users?filter="+q(`userName eq "`+saID+`"`), nil), 0)
}

// TestDerivedNameParts: users SCIM never named get name parts from their
// display name, so that Okta's check of the first listed user passes.
func TestDerivedNameParts(t *testing.T) {
	p, admin := newIdP(t)
	ada := p.e.MustUser(admin.Key, "ada", "member")
	p.e.Must(200, "PATCH", "/api/v1/users/"+ada.ID, map[string]string{"name": "Ada King Lovelace"}, ada.Key)
	u := p.do(200, "GET", "/Users/"+ada.ID, nil)
	if get(u, "name", "givenName") != "Ada" || get(u, "name", "familyName") != "King Lovelace" ||
		get(u, "name", "formatted") != "Ada King Lovelace" {
		t.Fatalf("derived name: %v", u["name"])
	}
	first := list(t, p.do(200, "GET", "/Users?count=1&startIndex=1", nil), 2)[0]
	given, _ := get(first, "name", "givenName").(string)
	family, _ := get(first, "name", "familyName").(string)
	if given == "" || family == "" {
		t.Fatalf("Okta's first user check: %v", first)
	}
	if root := p.do(200, "GET", "/Users/"+admin.ID, nil); get(root, "name", "givenName") != "root" ||
		get(root, "name", "familyName") != "root" || get(root, "name", "formatted") != "root" {
		t.Fatalf("one-word name: %v", root["name"])
	}
	list(t, p.do(200, "GET", "/Users?filter="+q(`name.familyName eq "king lovelace"`), nil), 1)

	// What SCIM sent is kept as sent, and a PATCH does not freeze what was derived.
	u = p.do(201, "POST", "/Users", `{"userName":"g@corp.example","displayName":"Grace Hopper","name":{"givenName":"Grace"}}`)
	if get(u, "name", "familyName") != nil || get(u, "name", "givenName") != "Grace" {
		t.Fatalf("sent name parts: %v", u["name"])
	}
	u = p.do(200, "PATCH", "/Users/"+ada.ID, `{"Operations":[{"op":"replace","path":"displayName","value":"Augusta Byron"}]}`)
	if get(u, "name", "givenName") != "Augusta" || get(u, "name", "familyName") != "Byron" {
		t.Fatalf("after renaming: %v", u["name"])
	}
}

// TestIdPRequestTolerance: unquoted filter values, value filters in
// attributes, trailing slashes and lower-case resource paths.
func TestIdPRequestTolerance(t *testing.T) {
	p, admin := newIdP(t)
	id := p.do(201, "POST", "/Users", `{"userName":"jyoung@corp.example","externalId":"jyoung",
		"emails":[{"value":"jyoung@corp.example","type":"work"},{"value":"jy@home.example","type":"home"}]}`)["id"].(string)
	for _, f := range []string{`externalId eq jyoung`, `userName eq jyoung@corp.example`, `userName Eq JYoung@corp.example and active eq true`,
		`(externalId eq jyoung)`, `emails[type eq work and value eq jyoung@corp.example]`} {
		if got := list(t, p.do(200, "GET", "/Users?filter="+q(f), nil), 1); got[0]["id"] != id {
			t.Fatalf("%s: %v", f, got)
		}
	}
	list(t, p.do(200, "GET", "/Users?filter="+q(`externalId eq jyoung2`), nil), 0)
	scimError(t, p.do(400, "GET", "/Users?filter="+q(`externalId eq`), nil), "400", "invalidFilter")

	for _, a := range []string{`emails[type eq "work"]`, `emails[type eq "work"].value`, `userName,emails[type eq "a,b"]`} {
		u := p.do(200, "GET", "/Users/"+id+"?attributes="+q(a), nil)
		if emails, _ := u["emails"].([]any); len(emails) != 2 || u["externalId"] != nil || u["id"] != id {
			t.Fatalf("attributes=%s: %v", a, u)
		}
	}
	u := p.do(200, "GET", "/Users/"+id+"?excludedAttributes="+q(`emails[type eq "home"]`), nil)
	if u["emails"] != nil || u["userName"] == nil {
		t.Fatalf("excludedAttributes: %v", u)
	}
	scimError(t, p.do(400, "GET", "/Users/"+id+"?attributes="+q(`emails[type eq "work"`), nil), "400", "invalidValue")

	gid := p.do(201, "POST", "/groups/", `{"displayName":"Vision"}`)["id"].(string)
	for _, path := range []string{"/Users/", "/users", "/USERS", "/users/" + id, "/Users/" + id + "/", "/groups", "/Groups/",
		"/groups/" + gid, "/roles", "/serviceproviderconfig", "/ServiceProviderConfig/", "/resourcetypes/user", "/schemas"} {
		p.do(200, "GET", path, nil)
		if r := p.e.Do("GET", "/scim"+path, nil, p.key); r.StatusCode != 200 {
			t.Fatalf("/scim%s: %d %s", path, r.StatusCode, r.Body)
		}
	}
	p.do(200, "PATCH", "/users/"+id+"/", `{"Operations":[{"op":"add","path":"title","value":"Eng"}]}`)
	p.do(200, "POST", "/users/.search", `{"filter":"externalId eq jyoung"}`)

	// Denials still hold on every spelling.
	if r := p.e.Do("GET", "/scim/v2/users", nil, apitest.Anonymous); r.StatusCode != 401 {
		t.Fatalf("no key: %d", r.StatusCode)
	}
	member := p.e.MustUser(admin.Key, "mia", "member")
	if r := p.e.Do("GET", "/scim/v2/users/", nil, member.Key); r.StatusCode != 403 {
		t.Fatalf("member key: %d", r.StatusCode)
	}
	p.do(404, "GET", "/Users/"+strings.ToUpper(id), nil) // ids stay exact
	p.do(404, "GET", "/userz", nil)
	r := p.e.Do("DELETE", "/scim/v2/serviceproviderconfig", nil, p.key)
	if r.StatusCode != 405 || r.Header.Get("Allow") != "GET" {
		t.Fatalf("DELETE discovery: %d %v", r.StatusCode, r.Header)
	}
}

// TestBodyMediaTypes: a body without Content-Type is JSON; SCIM's and
// JSON's media types with parameters are accepted; others get a 415 that
// says what to send.
func TestBodyMediaTypes(t *testing.T) {
	p, _ := newIdP(t)
	auth := map[string]string{"Authorization": "Bearer " + string(p.key)}
	resp, u := p.raw("POST", "/scim/v2/Users", "", `{"userName":"noct@corp.example"}`, auth)
	if resp.StatusCode != 201 {
		t.Fatalf("no content type: %d %v", resp.StatusCode, u)
	}
	id := u["id"].(string)
	for _, ct := range []string{"", "application/scim+json; charset=utf-8", "application/json;charset=UTF-8", "Application/SCIM+JSON"} {
		resp, m := p.raw("PATCH", "/scim/v2/Users/"+id, ct, `{"Operations":[{"op":"add","path":"title","value":"T"}]}`, auth)
		if resp.StatusCode != 200 {
			t.Fatalf("content type %q: %d %v", ct, resp.StatusCode, m)
		}
	}
	for _, ct := range []string{"text/plain", "application/xml", "multipart/form-data; boundary=x"} {
		resp, m := p.raw("POST", "/scim/v2/Users", ct, `{"userName":"x@corp.example"}`, auth)
		if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(m["detail"].(string), "application/scim+json") {
			t.Fatalf("content type %q: %d %v", ct, resp.StatusCode, m)
		}
	}
}
