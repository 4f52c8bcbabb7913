package web_test

import (
	"strings"
	"testing"

	"roster/internal/apitest"
)

// T9: the Alerts tab shows a team admin each recent alert and how far it
// got, and says that email alerts wait for a mail server; a member sees the
// settings but not the deliveries.
func TestAlertsTabShowsDeliveries(t *testing.T) {
	e := apitest.New(t)
	ada := e.MustSignup("ada")
	bob := e.MustUser(ada.Key, "bob", "member")
	e.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "ml", "storage": map[string]string{"type": "default"}}, ada.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/members", map[string]any{"username": "bob", "role": "member"}, ada.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects", map[string]any{"name": "p1"}, ada.Key)
	e.Must(200, "PATCH", "/api/v1/teams/ml", map[string]any{"alerts": map[string]any{"email_on_finish": true,
		"webhook_url": "https://hooks.example.com/services/T/B/X"}}, ada.Key)
	e.Must(201, "POST", "/api/v1/teams/ml/projects/p1/runs", map[string]any{"name": "resnet", "state": "finished"}, bob.Key)

	admin := e.MustWebSignIn("ada", apitest.Password).Get("/teams/ml/settings/alerts")
	body := string(admin.Body)
	for _, want := range []string{`id="deliveries-table"`, "Run resnet finished in ml / p1", "team webhook", "queued", `id="no-mail-sink"`} {
		if !strings.Contains(body, want) {
			t.Errorf("admin's Alerts tab lacks %q", want)
		}
	}
	if strings.Contains(body, "bob@example.com") {
		t.Errorf("an email alert was queued without a mail sink")
	}
	member := e.MustWebSignIn("bob", apitest.Password).Get("/teams/ml/settings/alerts")
	if member.StatusCode != 200 || strings.Contains(string(member.Body), "deliveries-table") || strings.Contains(string(member.Body), "No alerts sent yet") {
		t.Fatalf("member's Alerts tab: %d, shows deliveries", member.StatusCode)
	}
}
