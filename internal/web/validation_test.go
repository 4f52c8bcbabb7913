package web_test

import (
	"io"
	"net/url"
	"strings"
	"testing"
)

// The web forms share the app's rules: control characters in a display
// name are a 400 beside the field, a display name another team shows is a
// 409, on team creation and on rename.
func TestTeamFormsRefuseBadDisplayNames(t *testing.T) {
	f := newFixture(t)
	f.env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "nlp", "display_name": "Language"}, f.ada.Key)
	token := f.csrf(t)
	for _, c := range []struct {
		path   string
		form   url.Values
		status int
		text   string
	}{
		{"/teams/vision/settings/general", url.Values{"display_name": {"Evil\r\nBcc: x@example.test"}}, 400, "display name must be one line"},
		{"/teams/vision/settings/general", url.Values{"display_name": {"LANGUAGE"}}, 409, "already exists"},
		{"/teams/vision/settings/general", url.Values{"display_name": {"NLP"}}, 409, "is the name of team nlp"},
		{"/org/teams", url.Values{"name": {"cv"}, "display_name": {"language"}, "storage": {"default"}}, 409, "already exists"},
		{"/org/teams", url.Values{"name": {"cv"}, "display_name": {"cv\u202eexe"}, "storage": {"default"}}, 400, "display name must be one line"},
	} {
		c.form.Set("csrf", token)
		resp := f.request(t, "POST", c.path, c.form, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != c.status || !strings.Contains(string(body), c.text) {
			t.Errorf("POST %s %v: %d, want %d with %q:\n%.2000s", c.path, c.form, resp.StatusCode, c.status, c.text, body)
		}
	}
	got := f.env.Must(200, "GET", "/api/v1/teams/vision", nil, f.ada.Key).Map(t)
	if got["display_name"] != "vision" {
		t.Fatalf("vision's display name became %q", got["display_name"])
	}
}
