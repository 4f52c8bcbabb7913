package api_test

import (
	"testing"

	"roster/internal/apitest"
)

// A member of a second organization renames their own API key: the key is
// found in their organization, not the first (#18).
func TestKeyRenameInASecondOrganization(t *testing.T) {
	e := apitest.New(t)
	e.MustSignup("root")
	b := e.MustOrg("corp-b", "bella")
	var list struct {
		Keys []struct{ ID, Name string } `json:"api_keys"`
	}
	e.Must(200, "GET", "/api/v1/users/me/api-keys", nil, b.Admin.Key).JSON(t, &list)
	if len(list.Keys) != 1 {
		t.Fatalf("keys: %+v", list)
	}
	r := e.Must(200, "PATCH", "/api/v1/users/me/api-keys/"+list.Keys[0].ID, map[string]string{"name": "laptop"}, b.Admin.Key)
	if got := r.Map(t)["name"]; got != "laptop" {
		t.Fatalf("renamed key: %s", r.Body)
	}
}
