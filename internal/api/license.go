package api

import (
	"net/http"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

// License is the license page (O14, O15): the license governing the
// caller's organization.
type License struct {
	Status string `json:"status" enum:"none,valid,expired,invalid"`
	// Scope is what the license shown is for: the instance (every
	// organization without a license of its own, sharing its seats) or
	// this organization; Organization names it then.
	Scope        string     `json:"scope" enum:"instance,organization"`
	Organization string     `json:"organization,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	Licensee     string     `json:"licensee,omitempty"`
	Seats        Seats      `json:"seats"`
	Features     []string   `json:"features"`
	ExpiresOn    string     `json:"expires_on,omitempty"`
	ExpiresAt    *time.Time `json:"expires_at"`
	IssuedAt     *time.Time `json:"issued_at"`
}

// Seats counts the organization's seats in use; limit and available are
// null when unlimited. Under the instance license, available is what is
// left of the limit every organization it governs shares, shown only to
// instance admins (it would tell the other organizations' count).
type Seats struct {
	Limit     *int `json:"limit"`
	Used      int  `json:"used"`
	Available *int `json:"available"`
}

func licenseJSON(info *app.LicenseInfo) License {
	out := License{Status: info.Status, Scope: info.Scope, Reason: info.Reason, Seats: Seats{Used: info.SeatsUsed}, Features: []string{}}
	for _, f := range info.Features {
		out.Features = append(out.Features, string(f))
	}
	if l := info.License; l != nil {
		exp, iss := l.ExpiresAt(), l.IssuedAt
		out.Licensee, out.ExpiresOn, out.ExpiresAt, out.Organization = l.Licensee, l.Expires, &exp, l.Organization
		if !iss.IsZero() {
			out.IssuedAt = &iss
		}
	}
	if info.SeatLimit > 0 {
		limit, avail := info.SeatLimit, info.SeatsLeft
		out.Seats.Limit = &limit
		if info.SeatsLeftShown {
			out.Seats.Available = &avail
		}
	}
	return out
}

func (api *API) license(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	info, err := api.app.License(r.Context(), a)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, licenseJSON(info))
}
