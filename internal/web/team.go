package web

import (
	"net/http"
	"net/url"
	"slices"

	"roster"
	"roster/internal/app"
)

// TeamHeader is the team's name, avatar and tabs on every team page.
type TeamHeader struct {
	Name, Display, Role string
	HasAvatar           bool
	Tab, SubTab         string
	Can                 TeamCan
	Version             int64 // changes the avatar's URL after an upload
	OOB                 bool  // sent out of band beside a settings form, after a change
}

// TeamCan says which controls the actor may use in the team.
type TeamCan struct {
	Invite, ChangeRoles, Remove, Settings, ServiceAccounts, Usage bool
}

// Path is the team's URL.
func (h TeamHeader) Path() string { return "/teams/" + url.PathEscape(h.Name) }

// teamHeader loads the team and what the actor may do in it.
func (web *Web) teamHeader(r *http.Request, a roster.Actor, tab, sub string) (*app.TeamInfo, TeamHeader, error) {
	info, err := web.app.GetTeam(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return nil, TeamHeader{}, err
	}
	has := func(p roster.Permission) bool { return slices.Contains(info.Permissions, p) }
	t := info.Team
	h := TeamHeader{Name: t.Name, Display: t.DisplayName, Role: info.Role, HasAvatar: t.HasAvatar, Tab: tab, SubTab: sub,
		Version: t.UpdatedAt.Unix(), Can: TeamCan{Invite: has(roster.PermTeamInvite), ChangeRoles: has(roster.PermTeamUpdateMemberRole),
			Remove: has(roster.PermTeamRemoveMember), Settings: has(roster.PermTeamUpdateSettings),
			ServiceAccounts: has(roster.PermTeamManageServiceAccounts), Usage: has(roster.PermTeamReadUsage)}}
	return info, h, nil
}

// TeamHomePage is a team's home: projects and recent runs (T1).
type TeamHomePage struct {
	Page
	Team     TeamHeader
	Projects []*roster.Project
	Runs     []RunItem
}

// RunItem is a run with its project.
type RunItem struct {
	*roster.Run
	Project string
}

// recentRuns is how many runs the team home lists.
const recentRuns = 10

func (web *Web) team(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	_, h, err := web.teamHeader(r, a, "overview", "")
	if err != nil {
		return err
	}
	p := TeamHomePage{Page: web.basePage(w, r, a, h.Display, "team"), Team: h}
	if p.Projects, err = web.app.ListProjects(r.Context(), a, h.Name); err != nil {
		return err
	}
	for i, pr := range p.Projects {
		if i == 20 {
			break // the newest runs of the first projects are enough here
		}
		runs, err := web.app.ListRuns(r.Context(), a, h.Name, pr.Name, recentRuns)
		if err != nil && roster.ErrorCode(err) != roster.EForbidden {
			return err
		}
		for _, run := range runs {
			p.Runs = append(p.Runs, RunItem{Run: run, Project: pr.Name})
		}
	}
	slices.SortFunc(p.Runs, func(x, y RunItem) int { return y.CreatedAt.Compare(x.CreatedAt) })
	p.Runs = p.Runs[:min(len(p.Runs), recentRuns)]
	return web.page(w, http.StatusOK, "team", p)
}

func (web *Web) teamAvatar(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	ct, data, err := web.app.TeamAvatar(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, err = w.Write(data)
	return err
}

func (web *Web) teamSettings(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	return redirect(w, r, "/teams/"+url.PathEscape(r.PathValue("team"))+"/settings/members")
}
