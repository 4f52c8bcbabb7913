package api_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"roster"
	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/license"
)

// signer issues licenses with a fresh key pair.
type signer struct {
	pub  string
	priv string
}

func newSigner(t *testing.T) signer {
	t.Helper()
	pub, priv, err := license.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return signer{pub, priv}
}

func (s signer) issue(t *testing.T, seats int, expires time.Time, features ...license.Feature) string {
	t.Helper()
	return s.issueFor(t, "", seats, expires, features...)
}

// issueFor issues a license for organization org ("" for the instance).
func (s signer) issueFor(t *testing.T, org string, seats int, expires time.Time, features ...license.Feature) string {
	t.Helper()
	key, err := license.ParsePrivateKey(s.priv)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := license.Issue(license.License{Licensee: "Acme", Seats: seats, Features: features, Organization: org,
		Expires: expires.Format(license.DateLayout), IssuedAt: time.Now()}, key)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func withLicense(t *testing.T, doc, pub string) *apitest.Env {
	t.Helper()
	return apitest.NewWith(t, apitest.Options{Config: app.Config{License: doc, LicenseKey: pub}})
}

var nextYear = time.Now().AddDate(1, 0, 0)

func TestConcurrentInvitesNeverExceedSeats(t *testing.T) {
	s := newSigner(t)
	e := withLicense(t, s.issue(t, 11, nextYear), s.pub) // the admin holds one seat: 10 are free
	admin := e.MustSignup("alice")
	const n = 50
	var wg sync.WaitGroup
	codes := make([]int, n)
	bodies := make([]map[string]any, n)
	for i := range n {
		wg.Go(func() {
			r := e.Do("POST", "/api/v1/users", map[string]string{"email": fmt.Sprintf("user%d@example.com", i)}, admin.Key)
			codes[i], bodies[i] = r.StatusCode, r.Map(t)
		})
	}
	wg.Wait()
	created, refused := 0, 0
	for i, c := range codes {
		switch {
		case c == 201:
			created++
		case c == 409 && bodies[i]["code"] == "seat_limit_reached" && bodies[i]["detail"] != nil &&
			strings.HasPrefix(bodies[i]["detail"].(string), "seat limit reached (11 of 11 used)"):
			refused++
		default:
			t.Errorf("invite %d: status %d: %v", i, c, bodies[i])
		}
	}
	if created != 10 || refused != 40 {
		t.Fatalf("created %d and refused %d, want 10 and 40", created, refused)
	}
	r := e.Must(200, "GET", "/api/v1/users?status=invited&limit=200", nil, admin.Key)
	if got := len(r.Map(t)["users"].([]any)); got != 10 {
		t.Fatalf("%d invited users, want 10", got)
	}
	if got := e.AuditCount(roster.ActUserCreate); got != 10 {
		t.Fatalf("%d user:create audit entries, want 10", got)
	}
	lic := e.Must(200, "GET", "/api/v1/license", nil, admin.Key).Map(t)
	seats := lic["seats"].(map[string]any)
	if seats["limit"] != 11.0 || seats["used"] != 11.0 || seats["available"] != 0.0 {
		t.Fatalf("seats %v", seats)
	}
}

func TestDeactivateFreesSeatAndReactivateTakesOne(t *testing.T) {
	s := newSigner(t)
	e := withLicense(t, s.issue(t, 2, nextYear), s.pub)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	r := e.Must(409, "POST", "/api/v1/users", map[string]string{"email": "carol@example.com"}, admin.Key)
	if r.Map(t)["code"] != "seat_limit_reached" {
		t.Fatalf("invite over the limit: %s", r.Body)
	}
	e.Must(200, "POST", "/api/v1/users/bob/deactivate", nil, admin.Key)
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "carol@example.com"}, admin.Key)
	r = e.Must(409, "POST", "/api/v1/users/bob/reactivate", nil, admin.Key)
	if m := r.Map(t); m["code"] != "seat_limit_reached" || !strings.HasPrefix(m["detail"].(string), "seat limit reached (2 of 2 used)") {
		t.Fatalf("reactivate with no free seat: %s", r.Body)
	}
	if got := e.Must(200, "GET", "/api/v1/users/bob", nil, admin.Key).Map(t)["status"]; got != "deactivated" {
		t.Fatalf("bob is %v after a refused reactivation", got)
	}
	e.Must(204, "DELETE", "/api/v1/users/carol@example.com/invite", nil, admin.Key)
	e.Must(200, "POST", "/api/v1/users/bob/reactivate", nil, admin.Key)
	e.Must(200, "GET", "/api/v1/viewer", nil, bob.Key)
	if got := e.AuditCount(roster.ActUserReactivate); got != 1 {
		t.Fatalf("%d reactivate audit entries, want 1", got)
	}
}

func TestLicensePage(t *testing.T) {
	s := newSigner(t)
	other := newSigner(t)
	valid := s.issue(t, 5, nextYear, license.SCIM, license.SSO)
	body, sig, _ := strings.Cut(valid, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(body)
	tampered := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"seats":5`, `"seats":500`, 1))) + "." + sig
	for _, tc := range []struct {
		name, doc, key, status, reason string
	}{
		{"none", "", "", "none", ""},
		{"valid", valid, s.pub, "valid", ""},
		{"tampered", tampered, s.pub, "invalid", "changed after signing"},
		{"wrongly signed", other.issue(t, 5, nextYear), s.pub, "invalid", "different key"},
		{"expired", s.issue(t, 5, time.Now().AddDate(0, 0, -2)), s.pub, "expired", "expired on"},
		{"no public key", valid, "", "invalid", "ROSTER_LICENSE_PUBLIC_KEY"},
		{"garbage", "not-a-license", s.pub, "invalid", "not a Roster license"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := withLicense(t, tc.doc, tc.key)
			admin := e.MustSignup("alice")
			m := e.Must(200, "GET", "/api/v1/license", nil, admin.Key).Map(t)
			if m["status"] != tc.status || !strings.Contains(fmt.Sprint(m["reason"]), tc.reason) {
				t.Fatalf("status %v, reason %v; want %s, %q", m["status"], m["reason"], tc.status, tc.reason)
			}
			seats := m["seats"].(map[string]any)
			features := fmt.Sprint(m["features"])
			if tc.status == "valid" {
				if seats["limit"] != 5.0 || seats["available"] != 4.0 || features != "[scim sso]" || m["licensee"] != "Acme" {
					t.Fatalf("valid license page: %v", m)
				}
				err := e.App.RequireFeature(t.Context(), roster.DefaultOrgID, "custom_roles")
				if roster.ErrorCode(err) != roster.EForbidden || roster.ErrorReason(err) != "feature_not_licensed" ||
					!strings.Contains(roster.ErrorMessage(err), "custom_roles") {
					t.Fatalf("RequireFeature(custom_roles) = %v", err)
				}
				if err := e.App.RequireFeature(t.Context(), roster.DefaultOrgID, "scim"); err != nil {
					t.Fatalf("RequireFeature(scim) = %v", err)
				}
				return
			}
			// Without a usable license: no seat limit and every feature on.
			if seats["limit"] != nil || seats["available"] != nil || seats["used"] != 1.0 ||
				features != "[custom_roles viewer_team_role service_accounts scim sso]" {
				t.Fatalf("license page without a usable license: %v", m)
			}
			for _, f := range license.AllFeatures() {
				if err := e.App.RequireFeature(t.Context(), roster.DefaultOrgID, string(f)); err != nil {
					t.Fatalf("RequireFeature(%s) = %v", f, err)
				}
			}
			for i := range 6 {
				e.Must(201, "POST", "/api/v1/users", map[string]string{"email": fmt.Sprintf("u%d@example.com", i)}, admin.Key)
			}
		})
	}
}

func TestLicensePageIsForAdmins(t *testing.T) {
	e := apitest.New(t)
	admin := e.MustSignup("alice")
	bob := e.MustUser(admin.Key, "bob", "member")
	e.Must(403, "GET", "/api/v1/license", nil, bob.Key)
	e.Must(401, "GET", "/api/v1/license", nil, apitest.Anonymous)
}

func TestLicenseExpiresWhileRunning(t *testing.T) {
	s := newSigner(t)
	e := withLicense(t, s.issue(t, 1, time.Now().AddDate(0, 0, 1)), s.pub)
	admin := e.MustSignup("alice")
	e.Must(409, "POST", "/api/v1/users", map[string]string{"email": "bob@example.com"}, admin.Key)
	e.Clock.Advance(72 * time.Hour)
	e.Must(201, "POST", "/api/v1/users", map[string]string{"email": "bob@example.com"}, admin.Key)
	if m := e.Must(200, "GET", "/api/v1/license", nil, admin.Key).Map(t); m["status"] != "expired" {
		t.Fatalf("license after its expiry: %v", m)
	}
}
