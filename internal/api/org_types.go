package api

import (
	"time"

	"roster"
	"roster/internal/app"
)

// Org is an organization as instance admins see it, with its use (#18).
type Org struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name"`
	Status      string    `json:"status" enum:"active,suspended"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Users counts the users who are not removed; SeatsUsed the invited
	// and active ones (O13).
	Users     int `json:"users"`
	SeatsUsed int `json:"seats_used"`
	Teams     int `json:"teams"`
	// SeatLimit is the seat limit of the license governing the
	// organization, null when unlimited; License says which governs it:
	// the instance license (whose limit every organization it governs
	// shares) or the organization's own.
	SeatLimit *int   `json:"seat_limit"`
	License   string `json:"license" enum:"instance,organization"`
}

// OrgList is every organization of the instance.
type OrgList struct {
	Organizations []Org `json:"organizations"`
}

// CreateOrgRequest creates an organization, and invites its first admin
// when admin_email is given.
type CreateOrgRequest struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
	AdminEmail  string `json:"admin_email,omitempty"`
}

// CreatedOrg is a new organization and the invite of its first admin.
type CreatedOrg struct {
	Org
	// Admin is the invited first admin, with the invite link when it is
	// shown instead of mailed.
	Admin *InvitedUser `json:"admin,omitempty"`
}

// UpdateOrgRequest changes an organization; absent fields stay. Status
// active resumes a suspended organization, suspended suspends it.
type UpdateOrgRequest struct {
	Name        *string `json:"name,omitempty"`
	DisplayName *string `json:"display_name,omitempty"`
	Status      *string `json:"status,omitempty" enum:"active,suspended"`
}

func orgJSON(o *roster.OrgSummary) Org {
	out := Org{ID: o.ID, Name: o.Name, DisplayName: o.DisplayName, Status: string(o.Status),
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, Users: o.Users, SeatsUsed: o.SeatsUsed, Teams: o.Teams, License: o.License}
	if o.SeatLimit > 0 {
		limit := o.SeatLimit
		out.SeatLimit = &limit
	}
	return out
}

func createdOrgJSON(o *roster.OrgSummary, invite *app.InviteResult, showURL bool) CreatedOrg {
	out := CreatedOrg{Org: orgJSON(o)}
	if invite != nil {
		inv := invitedJSON(invite, showURL)
		out.Admin = &inv
	}
	return out
}
