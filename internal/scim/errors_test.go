package scim_test

import (
	"net/http"
	"strings"
	"testing"

	"roster/internal/apitest"
)

const alice = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@example.com","externalId":"a-1"}`

// TestRFCErrors covers the error cases of RFC 7644: duplicates, bad
// filters, unknown ids, stale versions, malformed JSON, media types and
// missing credentials, each as a SCIM Error document.
func TestRFCErrors(t *testing.T) {
	p, _ := newIdP(t)
	id := p.do(201, "POST", "/Users", alice)["id"].(string)
	scimError(t, p.do(409, "POST", "/Users", alice), "409", "uniqueness")
	scimError(t, p.do(409, "POST", "/Users", strings.Replace(alice, "alice@", "ALICE@", 1)), "409", "uniqueness")
	scimError(t, p.do(409, "POST", "/Users", `{"userName":"other","emails":[{"value":"alice@example.com"}]}`), "409", "uniqueness")
	scimError(t, p.do(400, "POST", "/Users", `{"userName":"no-email"}`), "400", "invalidValue")
	scimError(t, p.do(400, "POST", "/Users", `{"emails":[{"value":"x@example.com"}]}`), "400", "invalidValue")
	scimError(t, p.do(400, "POST", "/Users", `{"userName":"b@example.com","active":"maybe"}`), "400", "invalidValue")

	scimError(t, p.do(400, "GET", "/Users?filter="+q(`userName eq`), nil), "400", "invalidFilter")
	scimError(t, p.do(400, "GET", "/Users?filter="+q(`nope eq "x"`), nil), "400", "invalidFilter")
	scimError(t, p.do(400, "GET", "/Users?filter="+q(strings.Repeat("x", 5000)), nil), "400", "invalidFilter")
	scimError(t, p.do(400, "GET", "/Users?count=ten", nil), "400", "invalidValue")
	scimError(t, p.do(404, "GET", "/Users/u_doesnotexist", nil), "404", "")
	scimError(t, p.do(404, "PATCH", "/Users/u_doesnotexist", `{"Operations":[{"op":"replace","value":{"active":false}}]}`), "404", "")
	scimError(t, p.do(404, "GET", "/Nothing", nil), "404", "")

	// ETags: If-Match with the current version passes, a stale one is 412.
	r := p.e.Do("GET", "/scim/v2/Users/"+id, nil, p.key)
	stale := r.Header.Get("ETag")
	if !strings.HasPrefix(stale, `W/"`) {
		t.Fatalf("ETag %q", stale)
	}
	patch := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"%s"}]}`
	resp, _ := p.raw("PATCH", "/scim/v2/Users/"+id, "application/scim+json", strings.Replace(patch, "%s", "one", 1),
		map[string]string{"Authorization": "Bearer " + string(p.key), "If-Match": stale})
	if resp.StatusCode != 200 || resp.Header.Get("ETag") == stale {
		t.Fatalf("PATCH with current If-Match: %d %s", resp.StatusCode, resp.Header.Get("ETag"))
	}
	resp, doc := p.raw("PATCH", "/scim/v2/Users/"+id, "application/scim+json", strings.Replace(patch, "%s", "two", 1),
		map[string]string{"Authorization": "Bearer " + string(p.key), "If-Match": stale})
	if resp.StatusCode != 412 {
		t.Fatalf("stale If-Match: %d", resp.StatusCode)
	}
	scimError(t, doc, "412", "")
	cur := p.e.Do("GET", "/scim/v2/Users/"+id, nil, p.key).Header.Get("ETag")
	if cur == stale {
		t.Fatal("version did not move")
	}
	resp, _ = p.raw("GET", "/scim/v2/Users/"+id, "", "", map[string]string{"Authorization": "Bearer " + string(p.key),
		"If-None-Match": cur})
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match with the current version: %d", resp.StatusCode)
	}

	// Bodies: malformed JSON, media types, size.
	scimError(t, p.do(400, "POST", "/Users", `{"userName": "x"`), "400", "invalidSyntax")
	scimError(t, p.do(400, "POST", "/Users", `["not an object"]`), "400", "invalidSyntax")
	auth := map[string]string{"Authorization": "Bearer " + string(p.key)}
	resp, doc = p.raw("POST", "/scim/v2/Users", "text/plain", alice, auth)
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain: %d", resp.StatusCode)
	}
	scimError(t, doc, "415", "")
	for _, ct := range []string{"application/json", "application/scim+json; charset=utf-8"} {
		resp, _ = p.raw("POST", "/scim/v2/Users", ct, strings.ReplaceAll(alice, "alice", "carol"+strings.Split(ct, "/")[1][:4]), auth)
		if resp.StatusCode != 201 {
			t.Fatalf("%s: %d", ct, resp.StatusCode)
		}
	}
	resp, doc = p.raw("POST", "/scim/v2/Users", "application/scim+json", `{"userName":"`+strings.Repeat("x", 2<<20)+`"}`, auth)
	if resp.StatusCode != 413 {
		t.Fatalf("huge body: %d", resp.StatusCode)
	}
	scimError(t, doc, "413", "")

	// PATCH errors.
	for _, c := range []struct{ body, scimType string }{
		{`{"Operations":[{"op":"replace","path":"emails[type eq","value":"x"}]}`, "invalidPath"},
		{`{"Operations":[{"op":"replace","path":"nosuch","value":"x"}]}`, "invalidPath"},
		{`{"Operations":[{"op":"remove"}]}`, "noTarget"},
		{`{"Operations":[{"op":"replace","path":"addresses[type eq \"work\" or type eq \"home\"].locality","value":"x"}]}`, "noTarget"},
		{`{"Operations":[{"op":"replace","path":"id","value":"x"}]}`, "mutability"},
		{`{"Operations":[{"op":"move","path":"title","value":"x"}]}`, "invalidSyntax"},
		{`{"Operations":[]}`, "invalidSyntax"},
		{`{"Operations":[` + strings.TrimSuffix(strings.Repeat(`{"op":"add","path":"title","value":"x"},`, 1001), ",") + `]}`, "tooMany"},
	} {
		scimError(t, p.do(400, "PATCH", "/Users/"+id, c.body), "400", c.scimType)
	}
	// A failing operation leaves the earlier ones unapplied (atomic).
	p.do(400, "PATCH", "/Users/"+id, `{"Operations":[{"op":"replace","path":"title","value":"changed"},{"op":"replace","path":"id","value":"x"}]}`)
	if u := p.do(200, "GET", "/Users/"+id, nil); u["title"] != "one" {
		t.Fatalf("half-applied PATCH: %v", u)
	}
	resp, doc = p.raw("DELETE", "/scim/v2/ServiceProviderConfig", "", "", auth)
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET" {
		t.Fatalf("DELETE discovery: %d %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	scimError(t, doc, "405", "")
}

// TestAuthentication: API keys of organization admins and organization
// service accounts only; sessions are not accepted.
func TestAuthentication(t *testing.T) {
	p, admin := newIdP(t)
	resp, doc := p.raw("GET", "/scim/v2/Users", "", "", nil)
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no credentials: %d", resp.StatusCode)
	}
	scimError(t, doc, "401", "")
	resp, _ = p.raw("GET", "/scim/v2/Users", "", "", map[string]string{"Authorization": "Bearer roster-nope"})
	if resp.StatusCode != 401 {
		t.Fatalf("bad key: %d", resp.StatusCode)
	}
	if r := p.e.Do("GET", "/scim/v2/Users", nil, admin.Session); r.StatusCode != 401 {
		t.Fatalf("session cookie: %d", r.StatusCode)
	}
	if r := p.e.Do("GET", "/scim/Users", nil, apitest.BasicKey{User: "scim", Key: string(admin.Key)}); r.StatusCode != 200 {
		t.Fatalf("Basic on /scim: %d %s", r.StatusCode, r.Body)
	}
	member := p.e.MustUser(admin.Key, "mia", "member")
	if r := p.e.Do("GET", "/scim/v2/Users", nil, member.Key); r.StatusCode != 403 {
		t.Fatalf("member key: %d", r.StatusCode)
	}
	p.e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "okta-home", "storage": map[string]string{"type": "default"}}, admin.Key)
	sa := p.e.Must(201, "POST", "/api/v1/service-accounts", map[string]string{"name": "okta", "default_team": "okta-home"}, admin.Key).Map(t)
	saKey := apitest.Key(sa["key"].(string))
	if r := p.e.Do("POST", "/scim/v2/Users", `{"userName":"sa-made@example.com"}`, saKey); r.StatusCode != 201 {
		t.Fatalf("org service account: %d %s", r.StatusCode, r.Body)
	}
	// Service accounts are not SCIM users (A2): root, mia and the new one.
	list(t, p.do(200, "GET", "/Users", nil), 3)
}
