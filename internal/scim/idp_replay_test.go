package scim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The recorded Okta and Azure AD exchanges of github.com/elimity-com/scim
// (internal/idp_test/testdata, MIT) replayed against a real Roster, in the
// order of a provisioning cycle. The data is read from the conformance
// folder (see conformanceDir and conformance.md), never edited.
//
// elimity's own test compares whole bodies against fake handlers that
// return canned resources. Against Roster the rule is what a provider
// depends on:
//   - the status code must be the recorded one;
//   - every field of the recorded answer must be in Roster's answer with
//     the same value (objects compare field by field, arrays element by
//     element with the same length); Roster may add fields (its extension,
//     groups, meta.version);
//   - ids are Roster's: a recorded id is rewritten to the id Roster gave
//     the resource it stands for, in paths, bodies and recorded answers;
//   - server-chosen fields compare by kind: meta.created and
//     meta.lastModified are RFC 3339 times, meta.location ends with the
//     recorded (relative) location, itemsPerPage is the number of
//     Resources returned;
//   - a recorded null (roles, members, Resources) means no value, which
//     RFC 7643 section 2.5 equates with absent: absent, null or [] match;
//   - schemas must include the recorded ones.
//
// Where a recorded answer is a fake handler's constant that no server
// could derive from the exchange, the step says so in ignore or want, with
// why. Resources the recording reads but never made are provisioned first
// (seed), from the recorded answer.

// pendingMerge lists steps expected to fail until the issue #11 branches
// merge, with the bullet that explains each. A listed step that passes
// fails the test, so the list cannot go stale: empty it as fixes land.
var pendingMerge = map[string]string{}

// replayStep is one recorded exchange in the cycle.
type replayStep struct {
	file string // provider/name of the recorded exchange
	// alias maps recorded ids to other recorded ids: the fake handlers
	// answer each request with a new constant id where a real provider
	// would name the resource it created earlier in the cycle.
	alias map[string]string
	// seed provisions, before the step, the user its recorded answer
	// describes (the answer minus id and meta), and maps its id.
	seed bool
	// seedUsers provisions users the recording names but never created:
	// recorded id -> userName.
	seedUsers map[string]string
	ignore    map[string]string // answer fields not compared -> why
	want      map[string]any    // answer fields whose recorded value is replaced; why in a comment
}

// replayCycles are the two providers' exchanges in cycle order: look up,
// create, read, update, group push, and deprovisioning last.
var replayCycles = map[string][]replayStep{
	"okta": {
		{file: "okta/user_exists"},
		{file: "okta/create_user"},
		{file: "okta/retrieve_user", ignore: map[string]string{
			"emails.0.display": "the fake Get adds a display the create never sent",
		}},
		{file: "okta/update_user"},
		{file: "okta/create_group"},
		{file: "okta/retrieve_group", ignore: map[string]string{
			"members": "the fake Get returns a member (\"SCIM 2 Group A\") that no request in the recording added",
		}},
		// The fake Patch answers "Test SCIMv20"; the request renames the group to "Test SCIMv2".
		{file: "okta/update_group_name", want: map[string]any{"displayName": "Test SCIMv2"}},
		{file: "okta/update_group_membership", seedUsers: map[string]string{
			"89bb1940-b905-4575-9e7f-6f887cfb368e": "second.user@okta.local",
		}},
		{file: "okta/update_user_patch"},
	},
	"azuread": {
		{file: "azuread/get_user_query_0"},
		{file: "azuread/create_user"},
		{file: "azuread/get_user_query_resp", seed: true},
		{file: "azuread/get_user_resp", seed: true},
		{file: "azuread/create_group"},
		// The group reads and the update name the group the cycle created;
		// the fake handlers answer with another constant externalId.
		{file: "azuread/get_group", alias: map[string]string{"40734ae655284ad3abcc": "927fa2c08dcb4a7fae9e"},
			want: map[string]any{"externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"}},
		{file: "azuread/get_group_dn", alias: map[string]string{"8c601452cc934a9ebef9": "927fa2c08dcb4a7fae9e"},
			want: map[string]any{"Resources.0.externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"}},
		{file: "azuread/update_group", alias: map[string]string{
			"fa2ce26709934589afc5": "927fa2c08dcb4a7fae9e", "f648f8d5ea4e4cd38e9c": "48af03ac28ad4fb88478"},
			want: map[string]any{"externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159"}},
		// The update patches the user the cycle created, whose externalId it does not touch.
		{file: "azuread/update_user", alias: map[string]string{"6764549bef60420686bc": "48af03ac28ad4fb88478"},
			want: map[string]any{"externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"},
			ignore: map[string]string{
				"name.formatted": "the fake Patch rewrites formatted; the request replaces familyName only and RFC 7643 does not derive formatted",
			}},
	},
}

// exchange is one recorded file: a request and the answer the provider expects.
type exchange struct {
	Request    json.RawMessage
	Response   map[string]any
	Method     string
	Path       string
	StatusCode int
}

// conformanceDir finds the public conformance data: ROSTER_CONFORMANCE_DIR,
// else shared/conformance beside the repository. The data is third-party
// and comes from the steering repository's shared/, never from a commit
// here; while it is missing the test is skipped with a message saying so,
// unless ROSTER_REQUIRE_CONFORMANCE=true makes that a failure.
func conformanceDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ROSTER_CONFORMANCE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "conformance")
	}
	if _, err := os.Stat(filepath.Join(dir, "elimity-scim", "idp")); err != nil {
		if os.Getenv("ROSTER_REQUIRE_CONFORMANCE") == "true" {
			t.Fatalf("conformance data missing (%v): see internal/scim/conformance.md", err)
		}
		t.Skipf("NOT RUN: conformance data missing (%v): see internal/scim/conformance.md", err)
	}
	return dir
}

// TestIdPReplay replays the recorded exchanges; see the rule above.
func TestIdPReplay(t *testing.T) {
	dir := filepath.Join(conformanceDir(t), "elimity-scim", "idp")
	seen := map[string]bool{}
	for _, provider := range []string{"okta", "azuread"} {
		t.Run(provider, func(t *testing.T) {
			p, _ := newIdP(t)
			r := &replayer{p: p, ids: map[string]string{}}
			for _, step := range replayCycles[provider] {
				seen[step.file] = true
				t.Run(strings.TrimPrefix(step.file, provider+"/"), func(t *testing.T) {
					judge(t, step.file, r.run(t, dir, step))
				})
			}
		})
	}
	// Every recorded file is in a cycle.
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	for _, f := range files {
		name := filepath.Base(filepath.Dir(f)) + "/" + strings.TrimSuffix(filepath.Base(f), ".json")
		if !seen[name] {
			t.Errorf("recorded exchange %s is in no replay cycle", name)
		}
	}
	for name := range pendingMerge {
		if !seen[name] {
			t.Errorf("pendingMerge names %s, which is in no replay cycle", name)
		}
	}
}

// judge fails the step on problems, unless it is pending a merge, and fails
// a pending step that passes.
func judge(t *testing.T, name string, problems []string) {
	t.Helper()
	bullet, pending := pendingMerge[name]
	switch {
	case pending && len(problems) == 0:
		t.Errorf("%s passes now: remove it from pendingMerge (%s)", name, bullet)
	case pending:
		t.Logf("pending merge (%s): %s", bullet, strings.Join(problems, "; "))
	case len(problems) > 0:
		t.Errorf("%s:\n  %s", name, strings.Join(problems, "\n  "))
	}
}

// replayer holds one provider's cycle: the server and the ids Roster gave.
type replayer struct {
	p   *idp
	ids map[string]string // recorded id -> Roster id
}

// run replays one step and returns what differs from the recorded answer.
func (r *replayer) run(t *testing.T, dir string, step replayStep) []string {
	raw, err := os.ReadFile(filepath.Join(dir, step.file+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var ex exchange
	if err := json.Unmarshal(raw, &ex); err != nil {
		t.Fatalf("%s: %v", step.file, err)
	}
	if err := r.seed(step, ex); err != nil {
		return []string{err.Error()}
	}
	for from, to := range step.alias {
		if id, ok := r.ids[to]; ok {
			r.ids[from] = id
		}
	}
	status, got, err := r.send(ex.Method, r.rewrite(ex.Path), []byte(r.rewrite(string(ex.Request))))
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	if status != ex.StatusCode {
		problems = append(problems, fmt.Sprintf("status %d, want %d: %s", status, ex.StatusCode, got))
	}
	var answer map[string]any
	if len(got) > 0 {
		if err := json.Unmarshal(got, &answer); err != nil {
			return append(problems, fmt.Sprintf("answer is not a JSON object: %s", got))
		}
	}
	// A create's recorded id stands for the id Roster gave.
	if rec, ok := ex.Response["id"].(string); ok && ex.Method == "POST" && status == 201 {
		if id, ok := answer["id"].(string); ok {
			r.ids[rec] = id
		}
	}
	if ex.Response == nil || status != ex.StatusCode {
		return problems
	}
	want := r.rewriteValue(ex.Response).(map[string]any)
	for path, v := range step.want {
		setPath(want, path, v)
	}
	return append(problems, match(want, answer, "", step.ignore)...)
}

// seed provisions what the step needs before it: users the recording
// names but never made, and the user a recorded answer describes.
func (r *replayer) seed(step replayStep, ex exchange) error {
	for rec, userName := range step.seedUsers {
		if err := r.seedUser(rec, map[string]any{"userName": userName, "active": true}); err != nil {
			return err
		}
	}
	if !step.seed {
		return nil
	}
	rec := ex.Response
	if res, ok := rec["Resources"].([]any); ok && len(res) == 1 {
		rec = res[0].(map[string]any)
	}
	doc := map[string]any{}
	for k, v := range rec {
		if k != "id" && k != "meta" {
			doc[k] = v
		}
	}
	return r.seedUser(rec["id"].(string), doc)
}

// seedUser provisions a user through SCIM and maps rec to its id.
func (r *replayer) seedUser(rec string, doc map[string]any) error {
	body, _ := json.Marshal(doc)
	status, got, err := r.send("POST", "/Users", body)
	if err != nil {
		return err
	}
	var m map[string]any
	json.Unmarshal(got, &m)
	id, _ := m["id"].(string)
	if status != 201 || id == "" {
		return fmt.Errorf("seeding user %s: status %d: %s", rec, status, got)
	}
	r.ids[rec] = id
	return nil
}

// send makes one SCIM request as a provider does: bearer key, SCIM JSON.
// The recordings keep no headers; Okta and Entra send application/scim+json.
func (r *replayer) send(method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(r.p.t.Context(), method, r.p.e.Server.URL+"/scim/v2"+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	req.Header.Set("Accept", "application/scim+json")
	req.Header.Set("Authorization", "Bearer "+string(r.p.key))
	resp, err := r.p.e.Server.Client().Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// rewrite replaces recorded ids with Roster's, longest first.
func (r *replayer) rewrite(s string) string {
	recs := make([]string, 0, len(r.ids))
	for rec := range r.ids {
		recs = append(recs, rec)
	}
	sort.Slice(recs, func(i, j int) bool { return len(recs[i]) > len(recs[j]) })
	for _, rec := range recs {
		s = strings.ReplaceAll(s, rec, r.ids[rec])
	}
	return s
}

// rewriteValue rewrites every string in a decoded document.
func (r *replayer) rewriteValue(v any) any {
	switch x := v.(type) {
	case string:
		return r.rewrite(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.rewriteValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = r.rewriteValue(e)
		}
		return out
	}
	return v
}

// setPath sets a dotted path ("Resources.0.externalId") in a document.
func setPath(doc map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	var cur any = doc
	for _, k := range keys[:len(keys)-1] {
		cur = get(cur, k)
	}
	if m, ok := cur.(map[string]any); ok {
		m[keys[len(keys)-1]] = v
	}
}

// match compares a recorded answer with Roster's by the rule above.
func match(want, got any, path string, ignore map[string]string) []string {
	name := strings.TrimPrefix(path, ".")
	if _, ok := ignore[name]; ok {
		return nil
	}
	if want == nil {
		if empty(got) {
			return nil
		}
		return []string{fmt.Sprintf("%s: %v, want no value", name, got)}
	}
	switch lastTwo(name) {
	case "meta.created", "meta.lastModified":
		if s, ok := got.(string); !ok || !isTime(s) {
			return []string{fmt.Sprintf("%s: %v, want an RFC 3339 time", name, got)}
		}
		return nil
	case "meta.location":
		if s, ok := got.(string); !ok || !strings.HasSuffix(s, "/"+want.(string)) {
			return []string{fmt.Sprintf("%s: %v, want a URL ending in /%v", name, got, want)}
		}
		return nil
	}
	if strings.HasSuffix(name, "schemas") {
		return nil // checked with their object, by schemasOf
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %v, want an object", name, got)}
		}
		var out []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out = append(out, schemasOf(name, w, g)...)
		for _, k := range keys {
			if k == "itemsPerPage" {
				out = append(out, itemsPerPage(g)...)
				continue
			}
			out = append(out, match(w[k], g[k], path+"."+k, ignore)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %v, want %d elements like %v", name, got, len(w), w)}
		}
		var out []string
		for i := range w {
			out = append(out, match(w[i], g[i], fmt.Sprintf("%s.%d", path, i), ignore)...)
		}
		return out
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		return []string{fmt.Sprintf("%s: %v, want %v", name, got, want)}
	}
	return nil
}

// lastTwo is a dotted path's last two keys: "meta.created" of "Resources.0.meta.created".
func lastTwo(path string) string {
	keys := strings.Split(path, ".")
	if len(keys) < 2 {
		return path
	}
	return strings.Join(keys[len(keys)-2:], ".")
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	}
	return false
}

func isTime(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

func itemsPerPage(list map[string]any) []string {
	res, _ := list["Resources"].([]any)
	if n, ok := list["itemsPerPage"].(float64); !ok || int(n) != len(res) {
		return []string{fmt.Sprintf("itemsPerPage: %v for %d Resources", list["itemsPerPage"], len(res))}
	}
	return nil
}

// schemasOf checks that an object's schemas include the recorded core
// schema and each recorded extension whose attributes the recorded object
// carries (RFC 7643 section 3 lists only the schemas of attributes present).
func schemasOf(name string, want, got map[string]any) []string {
	w, _ := want["schemas"].([]any)
	g, _ := got["schemas"].([]any)
	have := map[any]bool{}
	for _, s := range g {
		have[s] = true
	}
	var out []string
	for _, s := range w {
		urn, _ := s.(string)
		_, used := want[urn]
		if (used || !strings.Contains(urn, ":extension:")) && !have[urn] {
			out = append(out, fmt.Sprintf("%s.schemas: %v lacks %v", name, g, urn))
		}
	}
	return out
}
