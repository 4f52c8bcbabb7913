package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"roster"
	"roster/internal/app"
	"roster/internal/store"
)

// usersPageSize is how many users one page of the dashboard shows.
const usersPageSize = 20

// UsersPage is the organization dashboard: the user list (U1, O12).
type UsersPage struct {
	Page
	Summary OrgSummary
	Filter  UserFilter
	Table   UsersTable
	Invite  InviteForm
}

// OrgSummary is the seat count and the lone-admin warning (O3, O15).
type OrgSummary struct {
	Seats  app.SeatUsage
	Admins int  // active admins, counted up to two
	OOB    bool // sent out of band beside another fragment
}

// OneAdmin reports whether the seed's advice of two admins is unmet.
func (s OrgSummary) OneAdmin() bool { return s.Admins < 2 }

// UserFilter is the search box, the filters and the page cursor.
type UserFilter struct {
	Query, Role, Status, Cursor string
	Sort                        string // a column of store.UserSorts; "" for username
	Desc                        bool
}

// values encodes the filter with a cursor.
func (f UserFilter) values(cursor string) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"query": f.Query, "role": f.Role, "status": f.Status, "cursor": cursor, "sort": f.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Desc {
		v.Set("dir", "desc")
	}
	return v
}

// query encodes the filter with a cursor for a paging link.
func (f UserFilter) query(cursor string) string { return "/org/users?" + f.values(cursor).Encode() }

// CSV is the link that exports every user the filter selects, in its order.
func (f UserFilter) CSV() string { return "/org/users.csv?" + f.values("").Encode() }

// Column is a sortable column header of the users table.
type Column struct {
	Label, Sort string
	URL         string // orders by this column, or reverses it when it is the order
	AriaSort    string // ascending, descending or none
}

// Columns are the table's sortable headers for this filter.
func (f UserFilter) Columns() []Column {
	cur := f.Sort
	if cur == "" {
		cur = "username"
	}
	var out []Column
	for _, c := range [][2]string{{"Name", "name"}, {"Username", "username"}, {"Email", "email"}, {"Role", "role"},
		{"Status", "status"}, {"Last active", "last_active"}} {
		g := UserFilter{Query: f.Query, Role: f.Role, Status: f.Status, Sort: c[1]}
		col := Column{Label: c[0], Sort: c[1], AriaSort: "none"}
		if c[1] == cur {
			col.AriaSort, g.Desc = "ascending", !f.Desc
			if f.Desc {
				col.AriaSort = "descending"
			}
		}
		col.URL = g.query("")
		out = append(out, col)
	}
	return out
}

// readUserFilter reads the filter from the query; an unknown order is the
// default one.
func readUserFilter(r *http.Request) UserFilter {
	q := r.URL.Query()
	f := UserFilter{Query: q.Get("query"), Role: q.Get("role"), Status: q.Get("status"), Cursor: q.Get("cursor"),
		Sort: q.Get("sort"), Desc: q.Get("dir") == "desc"}
	if !store.ValidUserSort(f.Sort) || f.Sort == "username" {
		f.Sort = ""
	}
	return f
}

// UsersTable is the table of users with its paging links.
type UsersTable struct {
	Filter            UserFilter
	Rows              []UserRow
	NextURL, FirstURL string
	Filtered          bool
	OOB               bool
}

// UserRow is one user in the table.
type UserRow struct {
	CSRF                      string
	ID, Name, Username, Email string
	Role, Status              string
	LastActive                time.Time
	Teams                     []string
	Self                      bool
	AwaitingAdmin             bool   // the invite has no link until an admin resends it (H2)
	Error                     string // beside the role or the menu
	// Invite is the pending invite and how far its mail got; nil unless
	// the user is invited and the viewer an admin.
	Invite *app.InviteState
	// LockedUntil is set while failed sign-ins lock the account for
	// browsers and clients that never signed in to it (D5).
	LockedUntil time.Time
	// Expiry says when the pending invite's link stops working, or that
	// it has; "" for users with no pending invite.
	Expiry string
}

// Display names the user in labels and confirmations.
func (u UserRow) Display() string {
	if u.Username != "" {
		return u.Username
	}
	return u.Email
}

// StatusLabel is the status as the seed words it.
func (u UserRow) StatusLabel() string {
	switch roster.UserStatus(u.Status) {
	case roster.StatusInvited:
		if u.AwaitingAdmin {
			return "Invite awaiting an admin"
		}
		return "Invite pending"
	case roster.StatusDeactivated:
		return "Deactivated"
	}
	return "Active"
}

// chipsShown is how many team chips a row shows before "+N more".
const chipsShown = 3

// ShownTeams are the teams the row shows as chips.
func (u UserRow) ShownTeams() []string { return u.Teams[:min(len(u.Teams), chipsShown)] }

// MoreTeams are the teams behind the row's "+N more".
func (u UserRow) MoreTeams() []string { return u.Teams[min(len(u.Teams), chipsShown):] }

// Roles are the organization roles a role picker offers.
func (UserRow) Roles() []string { return []string{"admin", "member", "viewer"} }

func (web *Web) users(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f := readUserFilter(r)
	p, err := web.usersPage(w, r, a, f)
	if err != nil {
		return err
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "users-table" {
		return web.fragment(w, http.StatusOK, "users", "users-table", p.Table)
	}
	return web.page(w, http.StatusOK, "users", p)
}

// usersCSV exports every user the filter selects, in its order, a page
// of the store at a time.
func (web *Web) usersCSV(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f := readUserFilter(r)
	f.Cursor = ""
	cw := csv.NewWriter(w)
	for started := false; ; {
		sf, err := f.store(app.MaxPageSize)
		if err != nil {
			return err
		}
		page, err := web.app.ListUsers(r.Context(), a, sf)
		if err != nil {
			if started { // the answer is under way: it can only end short
				return nil
			}
			return err
		}
		ids := make([]string, 0, len(page.Users))
		for _, u := range page.Users {
			ids = append(ids, u.ID)
		}
		teams, err := web.app.UserTeams(r.Context(), a, ids)
		if err != nil {
			return err
		}
		if !started {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="roster-users.csv"`)
			w.Header().Set("Cache-Control", "no-store")
			cw.Write([]string{"username", "name", "email", "role", "status", "last_active_at", "created_at", "teams"})
			started = true
		}
		for _, u := range page.Users {
			last := ""
			if !u.LastActiveAt.IsZero() {
				last = u.LastActiveAt.UTC().Format(time.RFC3339)
			}
			cw.Write(csvSafe(u.Username, u.Name, u.Email, string(u.Role), string(u.Status), last,
				u.CreatedAt.UTC().Format(time.RFC3339), strings.Join(teams[u.ID], " ")))
		}
		cw.Flush()
		if err := cw.Error(); err != nil || page.NextCursor == "" {
			return err
		}
		f.Cursor = page.NextCursor
	}
}

// usersPage loads everything the dashboard shows.
func (web *Web) usersPage(w http.ResponseWriter, r *http.Request, a roster.Actor, f UserFilter) (UsersPage, error) {
	p := UsersPage{Page: web.basePage(w, r, a, "Users", "users"), Filter: f}
	if f.Status == string(roster.StatusInvited) {
		p.Title, p.Section = "Pending invites", "invites"
	}
	var err error
	if p.Summary, err = web.summary(r.Context(), a); err != nil {
		return p, err
	}
	if p.Table, err = web.usersTable(r.Context(), a, p.CSRF, f); err != nil {
		return p, err
	}
	p.Invite, err = web.newInviteForm(r.Context(), a, p.CSRF, p.Summary)
	return p, err
}

// summary counts seats and admins.
func (web *Web) summary(ctx context.Context, a roster.Actor) (OrgSummary, error) {
	seats, err := web.opt.Seats.SeatUsage(ctx, a)
	if err != nil {
		return OrgSummary{}, err
	}
	admins, err := web.app.ListUsers(ctx, a, store.UserFilter{Role: roster.OrgAdmin, Status: roster.StatusActive, Limit: 2})
	if err != nil {
		return OrgSummary{}, err
	}
	return OrgSummary{Seats: seats, Admins: len(admins.Users)}, nil
}

// usersTable lists one page of users with their teams.
func (web *Web) usersTable(ctx context.Context, a roster.Actor, csrf string, f UserFilter) (UsersTable, error) {
	sf, err := f.store(usersPageSize)
	if err != nil {
		return UsersTable{}, err
	}
	page, err := web.app.ListUsers(ctx, a, sf)
	if err != nil {
		return UsersTable{}, err
	}
	t := UsersTable{Filter: f, Filtered: f.Query != "" || f.Role != "" || f.Status != ""}
	if page.NextCursor != "" {
		t.NextURL = f.query(page.NextCursor)
	}
	if f.Cursor != "" {
		t.FirstURL = f.query("")
	}
	ids := make([]string, 0, len(page.Users))
	for _, u := range page.Users {
		ids = append(ids, u.ID)
	}
	teams, err := web.app.UserTeams(ctx, a, ids)
	if err != nil {
		return UsersTable{}, err
	}
	for _, u := range page.Users {
		row := userRow(a, csrf, u, teams[u.ID])
		row.withInvite(page.Invites[u.ID], web.app.DB().Now())
		row.LockedUntil = page.LockedUntil[u.ID]
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// store is the filter as the store takes it, limit users a page.
func (f UserFilter) store(limit int) (store.UserFilter, error) {
	sf := store.UserFilter{Query: f.Query, Cursor: f.Cursor, Limit: limit, Sort: f.Sort, Desc: f.Desc}
	var err error
	if f.Role != "" {
		if sf.Role, err = roster.ParseOrgRole(f.Role); err != nil {
			return sf, err
		}
	}
	if f.Status != "" {
		if sf.Status, err = roster.ParseUserStatus(f.Status); err != nil {
			return sf, err
		}
	}
	return sf, nil
}

// withInvite shows the row's pending invite, and when its link expires
// as of now.
func (u *UserRow) withInvite(st *app.InviteState, now time.Time) {
	u.Invite = st
	u.AwaitingAdmin = st != nil && st.Delivery == app.DeliveryAwaitingAdmin
	if st == nil || st.ExpiresAt.IsZero() || u.AwaitingAdmin {
		return
	}
	switch left := st.ExpiresAt.Sub(now); {
	case left <= 0:
		u.Expiry = "Link expired " + st.ExpiresAt.UTC().Format("2006-01-02") + "; resend the invite for a new one"
	case left < 24*time.Hour:
		u.Expiry = "Link expires in " + plural(max(1, int(left/time.Hour)), "hour")
	default:
		u.Expiry = "Link expires in " + plural(int((left+24*time.Hour-1)/(24*time.Hour)), "day")
	}
}

// DeliveryLabel says how far the invite's mail got, for the status
// column; "" when there is nothing to say.
func (u UserRow) DeliveryLabel() string {
	if u.Invite == nil {
		return ""
	}
	switch u.Invite.Delivery {
	case "queued":
		return "Invite email queued"
	case "sent":
		return "Invite email sent " + when(u.Invite.SentAt)
	case "failed":
		if u.Invite.NextAttemptAt.IsZero() {
			return fmt.Sprintf("Invite email failed after %d attempts; get a link to send it yourself", u.Invite.Attempts)
		}
		return "Invite email failed, retrying " + when(u.Invite.NextAttemptAt)
	case "canceled":
		return "Invite email canceled"
	case app.DeliveryManual:
		return "Link handed over by an admin"
	}
	return ""
}

// userRow is the view of one user.
func userRow(a roster.Actor, csrf string, u *roster.User, teams []string) UserRow {
	return UserRow{CSRF: csrf, ID: u.ID, Name: u.Name, Username: u.Username, Email: u.Email, Role: string(u.Role),
		Status: string(u.Status), LastActive: u.LastActiveAt, Teams: teams, Self: u.ID == a.UserID()}
}
