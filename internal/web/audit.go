package web

import (
	"encoding/csv"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"roster"
	"roster/internal/store"
)

// auditShown bounds the entries one audit page shows.
const auditShown = 200

// AuditPage is the audit log with its filters (L3), newest first, a page
// at a time.
type AuditPage struct {
	Page
	Filter  AuditFilter
	Entries []*roster.AuditEntry // newest first
	// Older is the query of the next, older page; empty on the last.
	Older  template.URL
	Errors Errors
}

// AuditFilter is the range and the narrowing of the audit log.
type AuditFilter struct {
	Start  string // YYYY-MM-DD, the first day
	Days   int
	Action string // an action, or a family such as "user:"
	Actor  string // the actor's email, exactly
	Who    string // part of an actor's or target's email, a team, a project or details
	Before string // the cursor of the page: entries older than this one
}

// Families are the action families the filter offers.
func (AuditFilter) Families() []string {
	return []string{"user:", "organization:", "team:", "role:", "project:", "run:"}
}

// Actions are the actions the filter offers.
func (AuditFilter) Actions() []string { return roster.AuditActions }

// query is the filter as a URL query, with before as the page's cursor;
// url.Values encodes it, so it is safe in an href as it is.
func (f AuditFilter) query(before string) template.URL {
	q := url.Values{"start": {f.Start}, "days": {strconv.Itoa(f.Days)}}
	for k, v := range map[string]string{"action": f.Action, "actor": f.Actor, "who": f.Who, "before": before} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return template.URL(q.Encode())
}

// CSV is the query of the CSV export of the filtered range, and of its
// first page.
func (f AuditFilter) CSV() template.URL { return f.query("") }

// readAuditFilter reads the filter from the query, with an error per
// field that does not parse.
func (web *Web) readAuditFilter(r *http.Request) (AuditFilter, store.AuditFilter, Errors) {
	q := r.URL.Query()
	today := web.app.DB().Now().Truncate(24 * time.Hour)
	f := AuditFilter{Start: q.Get("start"), Action: strings.TrimSpace(q.Get("action")), Actor: strings.TrimSpace(q.Get("actor")),
		Who: strings.TrimSpace(q.Get("who")), Before: q.Get("before"), Days: 7}
	if f.Start == "" {
		f.Start = today.AddDate(0, 0, -6).Format(time.DateOnly)
	}
	var errs Errors
	start, err := time.Parse(time.DateOnly, f.Start)
	if err != nil {
		errs = Errors{"start": "give the first day as YYYY-MM-DD"}
	}
	if d := q.Get("days"); d != "" {
		if f.Days, err = strconv.Atoi(d); err != nil || f.Days < 1 || f.Days > 366 {
			errs, f.Days = Errors{"days": "give a number of days from 1 to 366"}, 7
		}
	}
	sf := store.AuditFilter{From: start, To: start.AddDate(0, 0, f.Days), Newest: true, Action: f.Action, Actor: f.Actor, Text: f.Who}
	if f.Before != "" {
		if sf.AfterTime, sf.AfterID, err = decodeAuditCursor(f.Before); err != nil {
			errs = Errors{"start": "the page link is broken; start again from the filters"}
		}
	}
	return f, sf, errs
}

func (web *Web) audit(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f, sf, errs := web.readAuditFilter(r)
	p := AuditPage{Page: web.basePage(w, r, a, "Audit log", "audit"), Filter: f, Errors: errs}
	if !p.Errors.Any() {
		if err := web.loadAudit(r, a, sf, &p); err != nil {
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

// loadAudit reads one page of the newest matching entries.
func (web *Web) loadAudit(r *http.Request, a roster.Actor, sf store.AuditFilter, p *AuditPage) error {
	sf.Limit = auditShown + 1
	err := web.app.ListAudit(r.Context(), a, sf, false, func(e *roster.AuditEntry) error {
		p.Entries = append(p.Entries, e)
		return nil
	})
	if err != nil {
		return err
	}
	if len(p.Entries) > auditShown {
		p.Entries = p.Entries[:auditShown]
		p.Older = p.Filter.query(encodeAuditCursor(p.Entries[auditShown-1]))
	}
	return nil
}

// auditCSV streams the filtered range as CSV, newest first, every entry.
func (web *Web) auditCSV(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	_, sf, errs := web.readAuditFilter(r)
	for _, msg := range errs {
		return roster.Errorf(roster.EInvalid, "%s", msg)
	}
	cw := csv.NewWriter(w)
	started := false
	return web.app.StreamAudit(r.Context(), a, sf, false, func(page []*roster.AuditEntry) error {
		if !started {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="roster-audit.csv"`)
			w.Header().Set("Cache-Control", "no-store")
			cw.Write([]string{"timestamp", "action", "actor_email", "actor_ip", "user_email", "entity_name", "project_name",
				"interface", "response_code", "details"})
			started = true
		}
		for _, e := range page {
			code := ""
			if e.ResponseCode != 0 {
				code = strconv.Itoa(e.ResponseCode)
			}
			cw.Write(csvSafe(e.Timestamp.Format(time.RFC3339Nano), e.Action, e.ActorEmail, e.ActorIP, e.UserEmail,
				e.EntityName, e.ProjectName, string(e.Via), code, e.Details))
		}
		cw.Flush()
		return cw.Error()
	})
}

// csvSafe quotes cells a spreadsheet would run as a formula (CSV
// injection): a leading =, +, -, @, tab or carriage return gets a '.
func csvSafe(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

// encodeAuditCursor names an entry by its place in the log's order.
func encodeAuditCursor(e *roster.AuditEntry) string {
	return strconv.FormatInt(e.Timestamp.UnixMicro(), 10) + "." + strconv.FormatInt(e.ID, 10)
}

func decodeAuditCursor(c string) (time.Time, int64, error) {
	tsPart, idPart, ok := strings.Cut(c, ".")
	ts, err1 := strconv.ParseInt(tsPart, 10, 64)
	id, err2 := strconv.ParseInt(idPart, 10, 64)
	if !ok || err1 != nil || err2 != nil || id < 0 {
		return time.Time{}, 0, errors.New("bad audit cursor")
	}
	return time.UnixMicro(ts).UTC(), id, nil
}
