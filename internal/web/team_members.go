package web

import (
	"net/http"
	"net/url"
	"strings"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
	"roster/internal/license"
	"roster/internal/store"
)

// membersPageSize is how many members one page of the Members tab shows.
const membersPageSize = 50

// MembersPage is the team's Members tab (U2, T4, T5), a page at a time.
type MembersPage struct {
	Page
	Team    TeamHeader
	Query   string
	Cursor  string // where this page starts; "" for the first
	Members []MemberRow
	Roles   []RoleChoice // built-in and custom team roles
	Form    MemberForm
	Admins  int
	Total   int // members of the team, whatever the query
	// NextURL and FirstURL page through the list; "" when there is none.
	NextURL, FirstURL string
	Notice            *Notice
}

// FewAdmins reports whether the team has fewer than two admins (T5).
func (p MembersPage) FewAdmins() bool { return p.Admins < 2 }

// MemberRow is one member of the team.
type MemberRow struct {
	ID, Name, Username, Email, Role, Status string
	Service                                 bool // a service account: no role picker, no delete
	Error                                   string
}

// Display names the member in labels.
func (m MemberRow) Display() string {
	if m.Username != "" {
		return m.Username
	}
	return m.Email
}

// MemberForm adds someone by email or username.
type MemberForm struct {
	Who, Role string
	Errors    Errors
}

// membersURL is the tab's address for a query and a page cursor.
func membersURL(h TeamHeader, query, cursor string) string {
	v := url.Values{}
	if query != "" {
		v.Set("q", query)
	}
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if len(v) == 0 {
		return h.Path() + "/settings/members"
	}
	return h.Path() + "/settings/members?" + v.Encode()
}

// membersPage loads one page of the tab; query narrows the list and
// cursor says where the page starts.
func (web *Web) membersPage(w http.ResponseWriter, r *http.Request, a roster.Actor, query, cursor string) (MembersPage, error) {
	_, h, err := web.teamHeader(r, a, "settings", "members")
	if err != nil {
		return MembersPage{}, err
	}
	p := MembersPage{Page: web.basePage(w, r, a, h.Display+" · Members", "team"), Team: h, Query: query, Cursor: cursor, Form: MemberForm{Role: "member"}}
	page, err := web.app.ListTeamMembersPage(r.Context(), a, h.Name, store.MemberFilter{Query: query, Cursor: cursor, Limit: membersPageSize})
	if err != nil {
		return p, err
	}
	p.Admins, p.Total = page.Admins, page.Total
	if page.NextCursor != "" {
		p.NextURL = membersURL(h, query, page.NextCursor)
	}
	if cursor != "" {
		p.FirstURL = membersURL(h, query, "")
	}
	for _, m := range page.Members {
		p.Members = append(p.Members, MemberRow{ID: m.PrincipalID, Name: m.Name, Username: m.Username, Email: m.Email,
			Role: m.RoleName(), Status: string(m.Status), Service: m.PrincipalKind == roster.KindServiceAccount})
	}
	p.Roles, err = web.teamRoles(r, a)
	return p, err
}

// teamRoles are the roles a member may be given: built-in, then custom.
func (web *Web) teamRoles(r *http.Request, a roster.Actor) ([]RoleChoice, error) {
	out := []RoleChoice{{Name: "admin", Label: "Admin", Help: "manages members and settings"},
		{Name: "member", Label: "Member", Help: "logs runs, creates projects"},
		{Name: "viewer", Label: "Read-only", Help: "reads the team's projects and runs", Off: web.app.FeatureRefusal(r.Context(), a, license.ViewerTeamRole)}}
	customOff := web.app.FeatureRefusal(r.Context(), a, license.CustomRoles)
	custom, err := web.app.ListCustomRoles(r.Context(), a)
	if err != nil {
		return nil, err
	}
	for _, cr := range custom {
		out = append(out, RoleChoice{Name: cr.Name, Label: cr.Name, Help: "custom, based on " + teamRoleLabel(string(cr.Base)), Off: customOff})
	}
	return out, nil
}

func (web *Web) members(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	q := r.URL.Query()
	p, err := web.membersPage(w, r, a, strings.TrimSpace(q.Get("q")), q.Get("cursor"))
	if err != nil {
		return err
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "members-list" {
		return web.fragment(w, http.StatusOK, "members", "members-list", p)
	}
	return web.page(w, http.StatusOK, "members", p)
}

// memberFields places add-member errors beside their fields.
var memberFields = map[string]string{
	roster.ReasonInvalidEmail: "who", roster.ReasonEmailTaken: "who", roster.ReasonAlreadyMember: "who", roster.ENotFound: "who", roster.EInvalid: "who",
	roster.ReasonSeatLimitReached: "who", roster.ReasonAdminTeamAccessDisabled: "who", roster.ReasonInvalidRole: "role", roster.ReasonMissingPermission: "role",
}

// showMembers answers a membership change with the members section, at
// the page and query the change was made from.
func (web *Web) showMembers(w http.ResponseWriter, r *http.Request, a roster.Actor, status int, edit func(*MembersPage)) error {
	p, err := web.membersPage(w, r, a, form(r, "q"), form(r, "cursor"))
	if err != nil {
		return err
	}
	edit(&p)
	return web.show(w, r, status, "members", "members-section", p)
}

func (web *Web) addMember(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f := MemberForm{Who: form(r, "who"), Role: form(r, "role")}
	in := app.AddMemberInput{Username: f.Who, Role: f.Role}
	if strings.Contains(f.Who, "@") {
		in.Username, in.Email = "", f.Who
	}
	res, err := web.app.AddTeamMember(r.Context(), a, r.PathValue("team"), in)
	if err != nil {
		errs, status, err := formErrors(err, memberFields)
		if err != nil {
			return err
		}
		f.Errors = errs
		return web.showMembers(w, r, a, status, func(p *MembersPage) { p.Form = f })
	}
	n := ok(display(res.User) + " joined the team as " + teamRoleLabel(res.Member.RoleName()) + ".")
	if res.Invite != nil {
		n = web.inviteNotice(res.Invite, "Invited to the organization and the team: ")
	}
	return web.showMembers(w, r, a, http.StatusOK, func(p *MembersPage) { p.Notice = n })
}

func (web *Web) changeMemberRole(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	user, role := r.PathValue("user"), form(r, "role")
	m, err := web.app.ChangeTeamRole(r.Context(), a, r.PathValue("team"), user, role)
	if err != nil {
		if roster.ErrorCode(err) == roster.EInternal {
			return err
		}
		return web.showMembers(w, r, a, httpx.Status(err), func(p *MembersPage) { p.markError(user, roster.ErrorMessage(err)) })
	}
	who := m.Username
	if who == "" {
		who = m.Email
	}
	return web.showMembers(w, r, a, http.StatusOK, func(p *MembersPage) {
		p.Notice = ok(who + " is now " + teamRoleLabel(m.RoleName()) + " in this team.")
	})
}

func (web *Web) removeMember(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	user := r.PathValue("user")
	if err := web.app.RemoveTeamMember(r.Context(), a, r.PathValue("team"), user); err != nil {
		if roster.ErrorCode(err) == roster.EInternal {
			return err
		}
		return web.showMembers(w, r, a, httpx.Status(err), func(p *MembersPage) { p.markError(user, roster.ErrorMessage(err)) })
	}
	return web.showMembers(w, r, a, http.StatusOK, func(p *MembersPage) {
		p.Notice = ok("Member removed from the team; their runs stay.")
	})
}

// markError shows msg in the row of the member with id.
func (p *MembersPage) markError(id, msg string) {
	for i := range p.Members {
		if p.Members[i].ID == id {
			p.Members[i].Error = msg
			return
		}
	}
	p.Notice = &Notice{Kind: "error", Text: msg}
}
