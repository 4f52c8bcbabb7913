package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"roster"
	"roster/internal/store"
)

// RunInput creates or changes a run; nil fields stay as they are.
type RunInput struct {
	Name    *string
	State   *string
	Config  json.RawMessage
	Summary json.RawMessage
	// Credit names the user a service account logs for (A5), from
	// X-WANDB-USERNAME or X-WANDB-USER-EMAIL.
	Credit string
}

// creditedAuthor picks a run's author (A5): the credited user when a team
// service account names an active member of the team, else the creator.
func creditedAuthor(ctx context.Context, tx *store.Tx, a roster.Actor, teamID, credit string) (string, error) {
	if a.ServiceAccount == nil || credit == "" || len(credit) > 254 {
		return a.PrincipalID(), nil
	}
	var u *roster.User
	var err error
	if strings.Contains(credit, "@") {
		u, err = tx.UserByEmail(ctx, orgID(a), credit)
	} else {
		u, err = tx.UserByUsername(ctx, orgID(a), credit)
	}
	if roster.IsNotFound(err) {
		return a.PrincipalID(), nil
	}
	if err != nil {
		return "", err
	}
	ok, err := tx.ActiveTeamMember(ctx, teamID, u.ID)
	if err != nil || !ok {
		return a.PrincipalID(), err
	}
	return u.ID, nil
}

// CreateRun logs a run in a project (W2).
func (s *Service) CreateRun(ctx context.Context, a roster.Actor, teamRef, projectRef string, in RunInput) (*roster.Run, error) {
	r := &roster.Run{ID: roster.NewID("r"), State: roster.RunRunning, Config: in.Config, Summary: in.Summary, CreatorID: a.PrincipalID()}
	if in.Name != nil {
		r.Name = *in.Name
	}
	if in.State != nil {
		st, err := roster.ParseRunState(*in.State)
		if err != nil {
			return nil, err
		}
		r.State = st
	}
	if err := roster.ValidateRun(r); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		pv, err := s.loadProject(ctx, tx, a, teamRef, projectRef)
		if err != nil {
			return err
		}
		if err := pv.require(roster.PermRunCreate); err != nil {
			return err
		}
		if r.AuthorID, err = creditedAuthor(ctx, tx, a, pv.team.ID, in.Credit); err != nil {
			return err
		}
		r.OrgID, r.TeamID, r.ProjectID = pv.team.OrgID, pv.team.ID, pv.project.ID
		if r.Name == "" {
			r.Name = r.ID
		}
		if r.State != roster.RunRunning {
			r.FinishedAt = tx.Now()
		}
		if err := tx.CreateRun(ctx, r); err != nil {
			return err
		}
		if err := s.queueRunAlerts(ctx, tx, pv, r); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActRunCreate, pv.where(), "run "+r.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("create run: %w", err)
	}
	s.WakeMailer() // its alerts, if any, are due
	return s.GetRun(ctx, a, teamRef, projectRef, r.ID)
}

// ListRuns lists a project's runs, newest first.
func (s *Service) ListRuns(ctx context.Context, a roster.Actor, teamRef, projectRef string, limit int) ([]*roster.Run, error) {
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	var out []*roster.Run
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		pv, err := s.loadProject(ctx, tx, a, teamRef, projectRef)
		if err != nil {
			return err
		}
		if err := pv.require(roster.PermRunRead); err != nil {
			return err
		}
		out, err = tx.ListRuns(ctx, pv.project.ID, limit)
		return err
	})
	return out, err
}

// GetRun returns one run.
func (s *Service) GetRun(ctx context.Context, a roster.Actor, teamRef, projectRef, id string) (*roster.Run, error) {
	var r *roster.Run
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		pv, err := s.loadProject(ctx, tx, a, teamRef, projectRef)
		if err != nil {
			return err
		}
		if err := pv.require(roster.PermRunRead); err != nil {
			return err
		}
		r, err = findRun(ctx, tx, pv, id, tx.Run)
		return err
	})
	return r, err
}

// findRun loads a run of pv's project with load: tx.Run to read it, or
// tx.RunForUpdate to change it.
func findRun(ctx context.Context, tx *store.Tx, pv *projectView, id string, load func(context.Context, string, string) (*roster.Run, error)) (*roster.Run, error) {
	if id == "" || len(id) > 64 {
		return nil, roster.Errorf(roster.ENotFound, "no run %q", truncate(id, 64))
	}
	r, err := load(ctx, pv.project.ID, id)
	if roster.IsNotFound(err) {
		return nil, roster.Errorf(roster.ENotFound, "no run %q in project %s", id, pv.project.Name)
	}
	return r, err
}

// changeRun locks and loads a run and checks op on it under the own-run
// rule (R1); the change is made to the run as it is under the lock, so a
// concurrent change of another field is kept.
func (s *Service) changeRun(ctx context.Context, tx *store.Tx, a roster.Actor, teamRef, projectRef, id string, op roster.Permission) (*projectView, *roster.Run, error) {
	pv, err := s.loadProject(ctx, tx, a, teamRef, projectRef)
	if err != nil {
		return nil, nil, err
	}
	r, err := findRun(ctx, tx, pv, id, tx.RunForUpdate)
	if err != nil {
		return nil, nil, err
	}
	own := r.AuthorID == a.PrincipalID() || r.CreatorID == a.PrincipalID()
	if !roster.CanChangeRun(pv.perms, op, own) {
		return nil, nil, roster.ReasonErrorf(roster.EForbidden, roster.ReasonMissingPermission,
			"you need the %s permission to change other people's runs in %s/%s", op, pv.team.Name, pv.project.Name)
	}
	return pv, r, nil
}

// UpdateRun changes a run's name, state, config or summary.
func (s *Service) UpdateRun(ctx context.Context, a roster.Actor, teamRef, projectRef, id string, in RunInput) (*roster.Run, error) {
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		pv, r, err := s.changeRun(ctx, tx, a, teamRef, projectRef, id, roster.PermRunUpdate)
		if err != nil {
			return err
		}
		return s.applyRunChange(ctx, tx, a, pv, r, in, roster.ActRunUpdate)
	})
	if err != nil {
		return nil, err
	}
	s.WakeMailer() // its alerts, if any, are due
	return s.GetRun(ctx, a, teamRef, projectRef, id)
}

func (s *Service) applyRunChange(ctx context.Context, tx *store.Tx, a roster.Actor, pv *projectView, r *roster.Run, in RunInput, action string) error {
	was := r.State
	if in.Name != nil {
		r.Name = *in.Name
	}
	if in.State != nil {
		st, err := roster.ParseRunState(*in.State)
		if err != nil {
			return err
		}
		r.State = st
	}
	if in.Config != nil {
		r.Config = in.Config
	}
	if in.Summary != nil {
		r.Summary = in.Summary
	}
	if err := roster.ValidateRun(r); err != nil {
		return err
	}
	if r.State != was && r.State != roster.RunRunning {
		r.FinishedAt = tx.Now()
		if err := s.queueRunAlerts(ctx, tx, pv, r); err != nil {
			return err
		}
	}
	if err := tx.UpdateRun(ctx, r); err != nil {
		return err
	}
	return auditAt(ctx, tx, a, action, pv.where(), "run "+r.ID+" "+string(r.State))
}

// StopRun stops a running run.
func (s *Service) StopRun(ctx context.Context, a roster.Actor, teamRef, projectRef, id string) (*roster.Run, error) {
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		pv, r, err := s.changeRun(ctx, tx, a, teamRef, projectRef, id, roster.PermRunStop)
		if err != nil {
			return err
		}
		if r.State != roster.RunRunning {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonRunNotRunning, "run %s is already %s", r.ID, r.State)
		}
		stopped := string(roster.RunStopped)
		return s.applyRunChange(ctx, tx, a, pv, r, RunInput{State: &stopped}, roster.ActRunStop)
	})
	if err != nil {
		return nil, err
	}
	s.WakeMailer() // its alerts, if any, are due
	return s.GetRun(ctx, a, teamRef, projectRef, id)
}

// DeleteRun deletes a run.
func (s *Service) DeleteRun(ctx context.Context, a roster.Actor, teamRef, projectRef, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		pv, r, err := s.changeRun(ctx, tx, a, teamRef, projectRef, id, roster.PermRunDelete)
		if err != nil {
			return err
		}
		if err := tx.DeleteRun(ctx, r.ID); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActRunDelete, pv.where(), "run "+r.ID)
	})
}
