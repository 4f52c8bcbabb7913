package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/store"
)

// auditShown bounds the entries one audit page shows.
const auditShown = 200

// AuditPage is the audit log with its filters (L3).
type AuditPage struct {
	Page
	Filter    AuditFilter
	Entries   []*roster.AuditEntry // newest first
	Truncated bool
	Errors    Errors
}

// AuditFilter is the range and the narrowing of the audit log.
type AuditFilter struct {
	Start  string // YYYY-MM-DD
	Days   int
	Action string // an action, or an object such as "user:"
	Who    string // part of an actor's or target's email, a team or details
}

// Objects are the action families the filter offers.
func (AuditFilter) Objects() []string {
	return []string{"user:", "organization:", "team:", "role:", "project:", "run:"}
}

func (web *Web) audit(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	q := r.URL.Query()
	today := web.app.DB().Now().Truncate(24 * time.Hour)
	f := AuditFilter{Start: q.Get("start"), Action: strings.TrimSpace(q.Get("action")), Who: strings.TrimSpace(q.Get("who")), Days: 7}
	p := AuditPage{Page: web.basePage(w, r, a, "Audit log", "audit"), Filter: f}
	if f.Start == "" {
		p.Filter.Start = today.AddDate(0, 0, -6).Format(time.DateOnly)
	}
	start, err := time.Parse(time.DateOnly, p.Filter.Start)
	if err != nil {
		p.Errors = Errors{"start": "give the first day as YYYY-MM-DD"}
	}
	if d := q.Get("days"); d != "" {
		if p.Filter.Days, err = strconv.Atoi(d); err != nil || p.Filter.Days < 1 || p.Filter.Days > 366 {
			p.Errors, p.Filter.Days = Errors{"days": "give a number of days from 1 to 366"}, 7
		}
	}
	if !p.Errors.Any() {
		if err := web.loadAudit(r, a, start, &p); err != nil {
			return err
		}
	}
	status := http.StatusOK
	if p.Errors.Any() {
		status = http.StatusBadRequest
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "audit-results" {
		return web.fragment(w, status, "audit", "audit-results", p)
	}
	return web.page(w, status, "audit", p)
}

// loadAudit reads the range and keeps the newest matching entries.
func (web *Web) loadAudit(r *http.Request, a roster.Actor, start time.Time, p *AuditPage) error {
	af := store.AuditFilter{From: start, To: start.AddDate(0, 0, p.Filter.Days), Limit: app.MaxAuditPage}
	who := strings.ToLower(p.Filter.Who)
	err := web.app.ListAudit(r.Context(), a, af, false, func(e *roster.AuditEntry) error {
		if p.Filter.Action != "" && e.Action != p.Filter.Action && !(strings.HasSuffix(p.Filter.Action, ":") && strings.HasPrefix(e.Action, p.Filter.Action)) {
			return nil
		}
		if who != "" && !strings.Contains(strings.ToLower(e.ActorEmail+"\n"+e.UserEmail+"\n"+e.EntityName+"\n"+e.ProjectName+"\n"+e.Details), who) {
			return nil
		}
		p.Entries = append(p.Entries, e)
		return nil
	})
	if err != nil {
		return err
	}
	slices.Reverse(p.Entries)
	if len(p.Entries) > auditShown {
		p.Entries, p.Truncated = p.Entries[:auditShown], true
	}
	return nil
}
