package api

import (
	"io"
	"net/http"
	"strconv"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

func (api *API) createTeam(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in CreateTeamRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if _, err := api.app.CreateTeam(r.Context(), a, app.CreateTeamInput{Name: in.Name, DisplayName: in.DisplayName, Storage: in.Storage}); err != nil {
		return err
	}
	info, err := api.app.GetTeam(r.Context(), a, in.Name)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/teams/"+info.Team.Name)
	return httpx.WriteJSON(w, http.StatusCreated, teamJSON(info))
}

func (api *API) listTeams(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	archived, err := boolParam(r, "archived")
	if err != nil {
		return err
	}
	teams, err := api.app.ListTeams(r.Context(), a, archived)
	if err != nil {
		return err
	}
	out := TeamList{Teams: make([]TeamSummary, 0, len(teams))}
	for _, e := range teams {
		out.Teams = append(out.Teams, teamSummaryJSON(e))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, roster.Errorf(roster.EInvalid, "%s must be true or false", name)
	}
	return b, nil
}

func (api *API) getTeam(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	info, err := api.app.GetTeam(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, teamJSON(info))
}

func (api *API) updateTeam(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in UpdateTeamRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	info, err := api.app.UpdateTeam(r.Context(), a, r.PathValue("team"), app.UpdateTeamInput{
		DisplayName: in.DisplayName, Settings: in.Settings, Alerts: in.Alerts, Storage: in.Storage, IDPGroups: in.IDPGroups})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, teamJSON(info))
}

func (api *API) archiveTeam(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.ArchiveTeam(r.Context(), a, r.PathValue("team")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) restoreTeam(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.RestoreTeam(r.Context(), a, r.PathValue("team")); err != nil {
		return err
	}
	return api.getTeam(w, r, a)
}

func (api *API) putAvatar(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, app.MaxAvatarBytes))
	if err != nil {
		return httpx.JSONError(err)
	}
	if err := api.app.SetTeamAvatar(r.Context(), a, r.PathValue("team"), data); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) getAvatar(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	ct, data, err := api.app.TeamAvatar(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=60")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, err = w.Write(data)
	return err
}

func (api *API) teamUsage(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	u, err := api.app.TeamUsage(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, Usage{Members: u.Members, Projects: u.Projects, Runs: u.Runs,
		StoredBytes: u.StoredBytes, RunsPerDay: u.RunsPerDay})
}

func (api *API) alertDeliveries(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	d, err := api.app.TeamAlertDeliveries(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return err
	}
	out := AlertDeliveries{MailSink: d.MailSink, Deliveries: make([]AlertDelivery, 0, len(d.Deliveries))}
	for _, m := range d.Deliveries {
		out.Deliveries = append(out.Deliveries, AlertDelivery{ID: m.ID, Channel: app.AlertChannel(m), Recipient: m.To, Subject: m.Subject,
			Status: string(m.Status), Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt,
			NextAttemptAt: timePtr(m.NextAttemptAt), SentAt: timePtr(m.SentAt)})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) listMembers(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	ms, err := api.app.ListTeamMembers(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return err
	}
	out := MemberList{Members: make([]Member, 0, len(ms))}
	for _, m := range ms {
		out.Members = append(out.Members, memberJSON(m))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) addMember(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in AddMemberRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := api.app.AddTeamMember(r.Context(), a, r.PathValue("team"), app.AddMemberInput{Username: in.Username, Email: in.Email, Role: in.Role})
	if err != nil {
		return err
	}
	out := AddedMember{Member: memberJSON(res.Member), Invited: res.Invite != nil}
	if res.Invite != nil {
		out.Invite = inviteStatusJSON(res.Invite.State)
		if !api.mailSink {
			out.InviteURL = res.Invite.URL
		}
		if res.Invite.AwaitingAdmin() {
			out.Notice = app.NoticeInviteAwaitingAdmin
		}
	}
	return httpx.WriteJSON(w, http.StatusCreated, out)
}

func (api *API) updateMember(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in RoleRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := api.app.ChangeTeamRole(r.Context(), a, r.PathValue("team"), r.PathValue("user"), in.Role)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, memberJSON(m))
}

func (api *API) removeMember(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.RemoveTeamMember(r.Context(), a, r.PathValue("team"), r.PathValue("user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) getOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := api.app.OrgPolicy(r.Context(), a)
	if err != nil {
		return err
	}
	off, err := api.app.KeyCreationDisabled(r.Context(), a)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, Organization{ID: api.app.CallerOrgID(a), Enforced: p, DisableAPIKeyCreation: off})
}

func (api *API) updateOrganization(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in OrganizationRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Enforced != nil {
		if err := api.app.SetOrgPolicy(r.Context(), a, *in.Enforced); err != nil {
			return err
		}
	}
	if in.DisableAPIKeyCreation != nil {
		if err := api.app.SetKeyCreationDisabled(r.Context(), a, *in.DisableAPIKeyCreation); err != nil {
			return err
		}
	}
	return api.getOrganization(w, r, a)
}
