package httpx_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"roster"
	"roster/internal/api"
	"roster/internal/httpx"
)

// FuzzDecodeJSON decodes request bodies into some of the API's request
// types as the handlers do: bad input is a 4xx domain error (never
// internal, so never a 500), and a body that is accepted is one valid JSON
// value whose decoded form encodes and decodes to itself.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"vision","storage":{"type":"default"}}`,
		`{"name":"vision","display_name":"Vision","storage":{"type":"bucket","provider":"aws","bucket":"my-bucket","region":"us-east-1"}}`,
		`{"display_name":"V","settings":{"hide_from_non_members":true},"alerts":{"email":true,"webhook_url":"https://x"}}`,
		`{"email":"new@example.com","role":"editor"}`, `{"username":"grace","role":"admin"}`,
		`{"email":"grace@example.com","role":"member","teams":["vision"]}`,
		`{"name":"baseline","config":{"lr":0.01},"summary":[1,2]}`, `{"state":"finished"}`,
		`{"username":"ada","email":"ada@example.com","password":"correct horse"}`,
		`{"enforced":{"private_projects":true}}`, `{"role":"viewer"}`, `{"name":"laptop"}`,
		``, ` `, `null`, `[]`, `"x"`, `{`, `{"name":1}`, `{"nope":1}`, `{} {}`, `{}x`, `{"name":"\ud800"}`,
		`{"config":{"a":` + string(bytes.Repeat([]byte("["), 20)) + `}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range []any{
			&api.CreateTeamRequest{}, &api.UpdateTeamRequest{}, &api.AddMemberRequest{}, &api.InviteRequest{},
			&api.RunRequest{}, &api.SignupRequest{}, &api.OrganizationRequest{}, &api.UpdateUserRequest{},
		} {
			err := decode(data, v)
			if err != nil {
				if code := roster.ErrorCode(err); code == roster.EInternal || httpx.Status(err) >= 500 {
					t.Fatalf("%T: %q gives a %d (code %q): %v", v, data, httpx.Status(err), code, err)
				}
				continue
			}
			if !json.Valid(data) {
				t.Fatalf("%T: accepted %q, which is not one JSON value", v, data)
			}
			roundTrip(t, v)
		}
	})
}

func decode(data []byte, v any) error {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(data))
	return httpx.DecodeJSON(httptest.NewRecorder(), r, v)
}

// roundTrip checks that a decoded request encodes into a body that
// decodes to the same encoding.
func roundTrip(t *testing.T, v any) {
	t.Helper()
	first, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%T: decoded value does not encode: %v", v, err)
	}
	again := reflect.New(reflect.TypeOf(v).Elem()).Interface()
	if err := decode(first, again); err != nil {
		t.Fatalf("%T: its own encoding %s is refused: %v", v, first, err)
	}
	if second, _ := json.Marshal(again); !bytes.Equal(first, second) {
		t.Fatalf("%T: %s decodes and encodes as %s", v, first, second)
	}
}
