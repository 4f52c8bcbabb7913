package web

import (
	"fmt"
	"net/http"
	"time"

	"roster"
)

// UsagePage is the team's Usage tab (T10).
type UsagePage struct {
	Page
	Team                    TeamHeader
	Members, Projects, Runs int
	Stored                  string
	Chart                   Chart
}

// Chart is a server-rendered bar chart of runs per day; the template
// draws it as SVG from these coordinates.
type Chart struct {
	Width, Height int
	Left, Bottom  int // the plot's left edge and baseline
	Bars          []Bar
	Ticks         []Tick
	Labels        []AxisLabel
	Total         int
}

// Bar is one day.
type Bar struct {
	X, Y, W, H int
	Day        string
	Count      int
}

// Tick is a value line on the y axis.
type Tick struct {
	Y     int
	Label string
}

// AxisLabel is a date under the x axis.
type AxisLabel struct {
	X    int
	Text string
}

func (web *Web) usage(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	_, h, err := web.teamHeader(r, a, "settings", "usage")
	if err != nil {
		return err
	}
	u, err := web.app.TeamUsage(r.Context(), a, h.Name)
	if err != nil {
		return err
	}
	p := UsagePage{Page: web.basePage(w, r, a, h.Display+" · Usage", "team"), Team: h, Members: u.Members, Projects: u.Projects,
		Runs: u.Runs, Stored: bytesLabel(u.StoredBytes), Chart: runsChart(u.RunsPerDay, web.app.DB().Now())}
	return web.page(w, http.StatusOK, "usage", p)
}

// runsChart lays out the 30 days ending today.
func runsChart(perDay map[string]int, today time.Time) Chart {
	const days, slot, barW = 30, 22, 16
	c := Chart{Width: 720, Height: 240, Left: 44, Bottom: 204}
	plotH := c.Bottom - 12
	first := today.Truncate(24*time.Hour).AddDate(0, 0, -(days - 1))
	peak := 0
	for i := range days {
		peak = max(peak, perDay[first.AddDate(0, 0, i).Format(time.DateOnly)])
	}
	top := niceCeil(peak)
	for i := range days {
		d := first.AddDate(0, 0, i)
		n := perDay[d.Format(time.DateOnly)]
		h := n * plotH / top
		x := c.Left + 8 + i*slot
		c.Bars = append(c.Bars, Bar{X: x, Y: c.Bottom - h, W: barW, H: h, Day: d.Format(time.DateOnly), Count: n})
		c.Total += n
		if i%5 == 0 || i == days-1 {
			c.Labels = append(c.Labels, AxisLabel{X: x + barW/2, Text: d.Format("Jan 2")})
		}
	}
	for _, v := range []int{0, top / 2, top} {
		c.Ticks = append(c.Ticks, Tick{Y: c.Bottom - v*plotH/top, Label: fmt.Sprint(v)})
	}
	return c
}

// niceCeil rounds a peak up to 2, 4, 10, 20, 40, 100... so ticks are even.
func niceCeil(n int) int {
	for step := 1; ; step *= 10 {
		for _, m := range []int{2, 4, 10} {
			if n <= m*step {
				return m * step
			}
		}
	}
}

// bytesLabel writes a size for people.
func bytesLabel(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
