package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
	"roster/internal/store"
)

const day = 24 * time.Hour

// auditRange reads I2's startDate, numDays and endDate as W&B documents
// them: startDate (default today) is the newest day of the window and
// numDays counts days backward from it, so numDays=0 (or none) is
// startDate alone and numDays=7 is startDate and the 7 days before. An
// explicit endDate instead makes startDate the first day and endDate the
// last, both inclusive; it cannot be combined with numDays.
func auditRange(q map[string][]string, now time.Time) (from, to time.Time, err error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	numDays, err := intParam(get("numDays"), "numDays", 0, 3660)
	if err != nil {
		return from, to, err
	}
	parseDay := func(name string) (time.Time, error) {
		t, err := time.Parse("2006-01-02", get(name))
		if err != nil {
			return t, roster.Errorf(roster.EInvalid, "%s must be a date like 2026-01-31", name)
		}
		return t, nil
	}
	start := now.UTC().Truncate(day)
	if get("startDate") != "" {
		if start, err = parseDay("startDate"); err != nil {
			return from, to, err
		}
	}
	if get("endDate") == "" {
		return start.AddDate(0, 0, -numDays), start.Add(day), nil
	}
	if get("numDays") != "" {
		return from, to, roster.Errorf(roster.EInvalid, "give numDays (days back from startDate) or endDate (the last day after startDate), not both")
	}
	end, err := parseDay("endDate")
	if err != nil {
		return from, to, err
	}
	if end.Before(start) {
		return from, to, roster.Errorf(roster.EInvalid, "endDate must not come before startDate")
	}
	return start, end.Add(day), nil
}

func (api *API) auditLogs(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	q := r.URL.Query()
	from, to, err := auditRange(q, api.app.DB().Now())
	if err != nil {
		return err
	}
	limit, err := intParam(q.Get("limit"), "limit", 1, app.MaxAuditPage)
	if err != nil {
		return err
	}
	anonymize := false
	if v := q.Get("anonymize"); v != "" {
		if anonymize, err = strconv.ParseBool(v); err != nil {
			return roster.Errorf(roster.EInvalid, "anonymize must be true or false")
		}
	}
	f := store.AuditFilter{From: from, To: to, Limit: limit, Action: strings.TrimSpace(q.Get("action")), Actor: strings.TrimSpace(q.Get("actor"))}
	if c := q.Get("cursor"); c != "" {
		if f.AfterTime, f.AfterID, err = decodeAuditCursor(c); err != nil {
			return err
		}
	}
	if limit == 0 && q.Get("endDate") == "" {
		return api.streamAudit(w, r, a, f, anonymize)
	}
	if f.Limit == 0 {
		f.Limit = app.MaxAuditPage
	}
	page := AuditPage{AuditLogs: []AuditEntry{}, RangeStartTime: from.Format(time.RFC3339), RangeEndTime: to.Format(time.RFC3339)}
	var last *roster.AuditEntry
	err = api.app.ListAudit(r.Context(), a, f, anonymize, func(e *roster.AuditEntry) error {
		page.AuditLogs = append(page.AuditLogs, auditJSON(e))
		last = e
		return nil
	})
	if err != nil {
		return err
	}
	page.Count = len(page.AuditLogs)
	if page.Count == f.Limit {
		page.NextCursor = encodeAuditCursor(last)
	}
	return httpx.WriteJSON(w, http.StatusOK, page)
}

// encodeAuditCursor names the last entry of a page by its place in the
// log's order: time, then id.
func encodeAuditCursor(e *roster.AuditEntry) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(e.Timestamp.UnixMicro(), 10) + "." + strconv.FormatInt(e.ID, 10)))
}

func decodeAuditCursor(c string) (time.Time, int64, error) {
	bad := roster.Errorf(roster.EInvalid, "cursor is not one this server gave out")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, 0, bad
	}
	tsPart, idPart, ok := strings.Cut(string(b), ".")
	ts, err1 := strconv.ParseInt(tsPart, 10, 64)
	id, err2 := strconv.ParseInt(idPart, 10, 64)
	if !ok || err1 != nil || err2 != nil || id < 0 {
		return time.Time{}, 0, bad
	}
	return time.UnixMicro(ts).UTC(), id, nil
}

// auditWriteTimeout bounds how long one page of a stream may take to reach
// a client; one that stops reading is cut off then.
const auditWriteTimeout = 30 * time.Second

// streamAudit writes the range as newline-delimited JSON, a page at a time,
// each page read in its own short transaction and flushed under its own
// write deadline. Errors after the first page can only end the stream, so
// authorization is checked first.
func (api *API) streamAudit(w http.ResponseWriter, r *http.Request, a roster.Actor, f store.AuditFilter, anonymize bool) error {
	started := false
	rc := http.NewResponseController(w)
	enc := json.NewEncoder(w)
	err := api.app.StreamAudit(r.Context(), a, f, anonymize, func(page []*roster.AuditEntry) error {
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		if err := rc.SetWriteDeadline(time.Now().Add(auditWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		for _, e := range page {
			if err := enc.Encode(auditJSON(e)); err != nil {
				return err
			}
		}
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	})
	if err != nil && started {
		api.adapter.Log.WarnContext(r.Context(), "audit stream cut short", "err", err)
		return nil
	}
	return err
}
