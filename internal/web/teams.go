package web

import (
	"net/http"
	"net/url"
	"strings"

	"roster"
	"roster/internal/app"
	"roster/internal/store"
)

// TeamItem is a team in a list.
type TeamItem struct {
	Name, Display, Role, Storage string
	Members                      int
}

// HomePage lists the teams of the signed-in user and the others they may
// see.
type HomePage struct {
	Page
	Mine, Others []TeamItem
}

// TeamsPage is the dashboard's list of teams, with the archived ones an
// admin may restore (T11).
type TeamsPage struct {
	Page
	Teams, Archived []TeamItem
	Notice          *Notice
	Query           string // the search box
	Total           int    // live teams the search matches
	// NextURL and FirstURL page through the live teams; "" when there is
	// none.
	NextURL, FirstURL string
}

// teamsPageSize is how many teams one page of the teams list shows.
const teamsPageSize = 50

// teamsURL is the teams list's address for a search and a page cursor.
func teamsURL(query, after string) string {
	v := url.Values{}
	if query != "" {
		v.Set("q", query)
	}
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return "/org/teams"
	}
	return "/org/teams?" + v.Encode()
}

// NewTeamPage holds the "Create new team" form (T2).
type NewTeamPage struct {
	Page
	Form TeamForm
}

// TeamForm is the "Create new team" form's values and errors.
type TeamForm struct {
	Name, Display, Storage                 string
	Provider, Bucket, Path, Region, KMSKey string
	Errors                                 Errors
}

// Providers are the bucket providers of T2.
func (TeamForm) Providers() []string { return []string{"aws", "gcp", "azure", "minio", "coreweave"} }

// teamItems turns list entries into views: the live teams, or the
// archived ones.
func (web *Web) teamItems(r *http.Request, a roster.Actor, archived ...bool) ([]TeamItem, error) {
	teams, err := web.app.ListTeams(r.Context(), a, len(archived) > 0 && archived[0])
	if err != nil {
		return nil, err
	}
	return teamItemsOf(teams), nil
}

// teamItemsOf turns list entries into views.
func teamItemsOf(teams []store.TeamListEntry) []TeamItem {
	out := make([]TeamItem, 0, len(teams))
	for _, e := range teams {
		st := "Instance default"
		if e.Team.Storage.Type == roster.StorageBucket {
			st = e.Team.Storage.Provider + ": " + e.Team.Storage.Bucket
		}
		out = append(out, TeamItem{Name: e.Team.Name, Display: e.Team.DisplayName, Role: e.RoleName, Members: e.Members, Storage: st})
	}
	return out
}

// teamsHome is the landing page of a signed-in user.
func (web *Web) teamsHome(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	items, err := web.teamItems(r, a)
	if err != nil {
		return err
	}
	p := HomePage{Page: web.basePage(w, r, a, "Your teams", "home")}
	for _, t := range items {
		if t.Role != "" {
			p.Mine = append(p.Mine, t)
		} else {
			p.Others = append(p.Others, t)
		}
	}
	return web.page(w, http.StatusOK, "home", p)
}

// teamsPage loads the organization's teams, live and archived.
func (web *Web) teamsPage(w http.ResponseWriter, r *http.Request, a roster.Actor, n *Notice) (TeamsPage, error) {
	p := TeamsPage{Page: web.basePage(w, r, a, "Teams", "teams"), Notice: n}
	if !a.IsOrgAdmin() {
		return p, errAdminsOnly
	}
	q := r.URL.Query()
	p.Query = strings.ToValidUTF8(strings.TrimSpace(q.Get("q")), "\uFFFD")
	after := q.Get("after")
	page, err := web.app.ListTeamsPage(r.Context(), a, false, app.TeamQuery{Query: p.Query, After: after, Limit: teamsPageSize})
	if err != nil {
		return p, err
	}
	p.Total, p.Teams = page.Total, teamItemsOf(page.Teams)
	if page.NextCursor != "" {
		p.NextURL = teamsURL(p.Query, page.NextCursor)
	}
	if after != "" {
		p.FirstURL = teamsURL(p.Query, "")
	}
	p.Archived, err = web.teamItems(r, a, true)
	return p, err
}

func (web *Web) orgTeams(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := web.teamsPage(w, r, a, nil)
	if err != nil {
		return err
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "teams-list" {
		return web.fragment(w, http.StatusOK, "teams", "teams-list", p)
	}
	return web.page(w, http.StatusOK, "teams", p)
}

// archiveTeam archives a team (T11) and answers with the lists.
func (web *Web) archiveTeam(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	name := r.PathValue("team")
	if err := web.app.ArchiveTeam(r.Context(), a, name); err != nil {
		return err
	}
	p, err := web.teamsPage(w, r, a, ok("Team "+name+" archived: its members lost access; its projects and runs are kept until you restore it."))
	if err != nil {
		return err
	}
	return web.show(w, r, http.StatusOK, "teams", "teams-section", p)
}

// restoreTeam brings an archived team back (T11).
func (web *Web) restoreTeam(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	name := r.PathValue("team")
	if err := web.app.RestoreTeam(r.Context(), a, name); err != nil {
		return err
	}
	p, err := web.teamsPage(w, r, a, ok("Team "+name+" restored."))
	if err != nil {
		return err
	}
	return web.show(w, r, http.StatusOK, "teams", "teams-section", p)
}

var errAdminsOnly = roster.ReasonErrorf(roster.EForbidden, roster.ReasonNotAdmin, "only organization admins may open the organization dashboard")

func (web *Web) newTeamForm(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := web.app.CanCreateTeam(a); err != nil {
		return err
	}
	p := NewTeamPage{Page: web.basePage(w, r, a, "Create new team", "teams"), Form: TeamForm{Storage: roster.StorageDefault, Provider: "aws"}}
	return web.show(w, r, http.StatusOK, "newteam", "team-modal", p)
}

// teamFields places team creation errors beside their fields.
var teamFields = map[string]string{
	roster.ReasonInvalidTeamName: "name", roster.ReasonTeamNameTaken: "name",
	roster.ReasonTeamDisplayTaken: "display_name", roster.ReasonInvalidText: "display_name", roster.ReasonInvalidStorage: "provider", roster.ReasonInvalidBucket: "bucket",
}

func (web *Web) createTeam(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	f := TeamForm{Name: form(r, "name"), Display: form(r, "display_name"), Storage: form(r, "storage"), Provider: form(r, "provider"),
		Bucket: form(r, "bucket"), Path: form(r, "path"), Region: form(r, "region"), KMSKey: form(r, "kms_key")}
	st := roster.Storage{Type: f.Storage}
	if f.Storage == roster.StorageBucket {
		st = roster.Storage{Type: f.Storage, Provider: f.Provider, Bucket: f.Bucket, Path: f.Path, Region: f.Region, KMSKey: f.KMSKey}
	}
	t, err := web.app.CreateTeam(r.Context(), a, app.CreateTeamInput{Name: f.Name, DisplayName: f.Display, Storage: st})
	if err != nil {
		errs, status, err := formErrors(err, teamFields)
		if err != nil {
			return err
		}
		f.Errors = errs
		p := NewTeamPage{Page: web.basePage(w, r, a, "Create new team", "teams"), Form: f}
		return web.show(w, r, status, "newteam", "team-form", p)
	}
	return redirect(w, r, "/teams/"+url.PathEscape(t.Name))
}
