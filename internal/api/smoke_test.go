package api_test

import (
	"testing"

	"roster/internal/apitest"
)

func TestSignupKeyAndInviteFlow(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	e.Must(200, "GET", "/api/v1/viewer", nil, admin.Key)
	e.Must(200, "GET", "/api/v1/viewer", nil, apitest.BasicKey{User: "api", Key: string(admin.Key)})
	e.Must(200, "GET", "/api/v1/viewer", nil, apitest.BasicKey{User: "", Key: string(admin.Key)})
	bob := e.MustUser(admin.Key, "bob", "member")
	r := e.Must(200, "GET", "/api/v1/users?query=bo", nil, admin.Key)
	users := r.Map(t)["users"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["username"] != "bob" {
		t.Fatalf("search bo: %s", r.Body)
	}
	// Under three characters a query matches the start of the username
	// only (README); from three it matches anywhere.
	for q, want := range map[string]int{"ob": 0, "b": 1, "lic": 1, "LIC": 1, "ice": 1, "xyz": 0} {
		r := e.Must(200, "GET", "/api/v1/users?query="+q, nil, admin.Key)
		if n := len(r.Map(t)["users"].([]any)); n != want {
			t.Errorf("search %q: %d users, want %d: %s", q, n, want, r.Body)
		}
	}
	e.Must(403, "GET", "/api/v1/users", nil, bob.Key)
}
