package scim_test

import (
	"fmt"
	"testing"
	"time"
)

// TestPagingAndProjection: 1-based paging in a stable order, attributes
// and excludedAttributes, and POST .search.
func TestPagingAndProjection(t *testing.T) {
	p, admin := newIdP(t)
	ids := []string{admin.ID}
	for i := 0; i < 5; i++ {
		p.e.Clock.Advance(time.Millisecond) // the test clock stands still otherwise
		body := fmt.Sprintf(`{"userName":"u%d@example.com","name":{"givenName":"G%d"},"title":"t%d"}`, i, i, i)
		ids = append(ids, p.do(201, "POST", "/Users", body)["id"].(string))
	}
	page := list(t, p.do(200, "GET", "/Users?startIndex=2&count=2", nil), 6)
	if len(page) != 2 || page[0]["id"] != ids[1] || page[1]["id"] != ids[2] {
		t.Fatalf("page: %v", page)
	}
	page = list(t, p.do(200, "GET", "/Users?filter="+q(`userName sw "u"`)+"&startIndex=5&count=10", nil), 5)
	if len(page) != 1 || page[0]["id"] != ids[5] {
		t.Fatalf("filtered page: %v", page)
	}
	list(t, p.do(200, "GET", "/Users?count=0", nil), 6)
	u := list(t, p.do(200, "GET", "/Users?attributes=userName,name.givenName&filter="+q(`title eq "t3"`), nil), 1)[0]
	if len(u) != 4 || u["userName"] != "u3@example.com" || get(u, "name", "givenName") != "G3" {
		t.Fatalf("attributes: %v", u)
	}
	u = p.do(200, "GET", "/Users/"+ids[1]+"?excludedAttributes=emails,meta,urn:ietf:params:scim:schemas:extension:roster:2.0:User", nil)
	if u["emails"] != nil || u["meta"] != nil || u[rosterExt] != nil || u["userName"] == nil {
		t.Fatalf("excludedAttributes: %v", u)
	}
	res := list(t, p.do(200, "POST", "/Users/.search", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
		"attributes":["userName"],"filter":"userName eq \"u4@example.com\" or externalId eq \"none\"","startIndex":1,"count":10}`), 1)
	if res[0]["id"] != ids[5] || res[0]["title"] != nil {
		t.Fatalf(".search: %v", res)
	}
}
