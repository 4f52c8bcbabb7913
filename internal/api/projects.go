package api

import (
	"net/http"

	"roster"
	"roster/internal/app"
	"roster/internal/httpx"
)

func (api *API) createProject(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in ProjectRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := api.app.CreateProject(r.Context(), a, r.PathValue("team"), app.ProjectInput{Name: in.Name, Description: in.Description, Visibility: in.Visibility})
	if err != nil {
		return err
	}
	p, err = api.app.GetProject(r.Context(), a, r.PathValue("team"), p.ID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, projectJSON(p))
}

func (api *API) listProjects(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	ps, err := api.app.ListProjects(r.Context(), a, r.PathValue("team"))
	if err != nil {
		return err
	}
	out := ProjectList{Projects: make([]Project, 0, len(ps))}
	for _, p := range ps {
		out.Projects = append(out.Projects, projectJSON(p))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) getProject(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	p, err := api.app.ViewProject(r.Context(), a, r.PathValue("team"), r.PathValue("project"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, projectJSON(p))
}

func (api *API) updateProject(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in ProjectRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Name != "" {
		return roster.Errorf(roster.EInvalid, "a project's name cannot be changed")
	}
	p, err := api.app.UpdateProject(r.Context(), a, r.PathValue("team"), r.PathValue("project"), app.ProjectInput{Description: in.Description, Visibility: in.Visibility})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, projectJSON(p))
}

func (api *API) deleteProject(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.DeleteProject(r.Context(), a, r.PathValue("team"), r.PathValue("project")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) addProjectMember(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in ProjectMemberRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := api.app.SetProjectMember(r.Context(), a, r.PathValue("team"), r.PathValue("project"), in.Username, true); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (api *API) removeProjectMember(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.SetProjectMember(r.Context(), a, r.PathValue("team"), r.PathValue("project"), r.PathValue("user"), false); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// creditHeader is the user a service account logs for (A5).
func creditHeader(r *http.Request) string {
	if u := r.Header.Get("X-WANDB-USERNAME"); u != "" {
		return u
	}
	return r.Header.Get("X-WANDB-USER-EMAIL")
}

func (in RunRequest) app(r *http.Request) app.RunInput {
	return app.RunInput{Name: in.Name, State: in.State, Config: in.Config, Summary: in.Summary, Credit: creditHeader(r)}
}

func (api *API) createRun(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in RunRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	run, err := api.app.CreateRun(r.Context(), a, r.PathValue("team"), r.PathValue("project"), in.app(r))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, runJSON(run))
}

func (api *API) listRuns(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	limit, err := intParam(r.URL.Query().Get("limit"), "limit", 1, app.MaxPageSize)
	if err != nil {
		return err
	}
	runs, err := api.app.ListRuns(r.Context(), a, r.PathValue("team"), r.PathValue("project"), limit)
	if err != nil {
		return err
	}
	out := RunList{Runs: make([]Run, 0, len(runs))}
	for _, run := range runs {
		out.Runs = append(out.Runs, runJSON(run))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (api *API) getRun(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	run, err := api.app.GetRun(r.Context(), a, r.PathValue("team"), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, runJSON(run))
}

func (api *API) updateRun(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	var in RunRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	run, err := api.app.UpdateRun(r.Context(), a, r.PathValue("team"), r.PathValue("project"), r.PathValue("id"), in.app(r))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, runJSON(run))
}

func (api *API) stopRun(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	run, err := api.app.StopRun(r.Context(), a, r.PathValue("team"), r.PathValue("project"), r.PathValue("id"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, runJSON(run))
}

func (api *API) deleteRun(w http.ResponseWriter, r *http.Request, a roster.Actor) error {
	if err := api.app.DeleteRun(r.Context(), a, r.PathValue("team"), r.PathValue("project"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
