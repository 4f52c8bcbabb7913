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
	e.Must(403, "GET", "/api/v1/users", nil, bob.Key)
}
