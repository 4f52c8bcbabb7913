package apitest

import (
	"testing"

	"roster/internal/api"
)

// AuditEntries lists the audit entries of today and yesterday with
// action, as cred reads them through REST.
func (e *Env) AuditEntries(t testing.TB, cred Cred, action string) []api.AuditEntry {
	t.Helper()
	var page api.AuditPage
	e.Must(200, "GET", "/admin/audit_logs?numDays=2&limit=1000", nil, cred).JSON(t, &page)
	var out []api.AuditEntry
	for _, a := range page.AuditLogs {
		if a.Action == action {
			out = append(out, a)
		}
	}
	return out
}
