package web

import (
	"net/http"

	"roster"
)

// ActivityPage charts the organization's active users per day (issue #14).
type ActivityPage struct {
	Page
	Chart Chart
	Peak  int
}

func (web *Web) activity(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	perDay, err := web.app.OrgActivity(r.Context(), a)
	if err != nil {
		return err
	}
	p := ActivityPage{Page: web.basePage(w, r, a, "Activity", "activity"), Chart: runsChart(perDay, web.app.DB().Now())}
	for _, b := range p.Chart.Bars {
		p.Peak = max(p.Peak, b.Count)
	}
	return web.page(w, http.StatusOK, "activity", p)
}
