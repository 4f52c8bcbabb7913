package app

import (
	"context"
	"fmt"

	"roster"
	"roster/internal/store"
)

// projectView is a project as one principal stands in it.
type projectView struct {
	*teamView
	project *roster.Project
	perms   roster.PermSet // narrowed by the project's visibility
}

// where names the project for its audit entries.
func (pv *projectView) where() where { return projectWhere(pv.team, pv.project) }

// errNoProject hides projects the actor may not read.
func errNoProject(ref string) error {
	return roster.Errorf(roster.ENotFound, "no project %q", truncate(ref, 64))
}

// loadProject loads a project the actor may read, with their permissions.
func (s *Service) loadProject(ctx context.Context, tx *store.Tx, a roster.Actor, teamRef, ref string) (*projectView, error) {
	v, err := s.loadTeam(ctx, tx, a, teamRef)
	if err != nil {
		return nil, err
	}
	if ref == "" || len(ref) > 128 {
		return nil, errNoProject(ref)
	}
	p, member, err := tx.ProjectWithMember(ctx, v.team.ID, ref, a.PrincipalID())
	if roster.IsNotFound(err) {
		return nil, errNoProject(ref)
	}
	if err != nil {
		return nil, err
	}
	perms := v.access.ProjectPerms(p.Visibility, member)
	if !perms.Has(roster.PermProjectRead) {
		return nil, errNoProject(ref)
	}
	return &projectView{teamView: v, project: p, perms: perms}, nil
}

func (pv *projectView) require(p roster.Permission) error {
	if pv.perms.Has(p) {
		return nil
	}
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonMissingPermission,
		"you need the %s permission in project %s/%s", p, pv.team.Name, pv.project.Name)
}

// checkVisibility refuses public and open visibility where the team's
// privacy settings forbid it (T6).
func checkVisibility(v *teamView, vis roster.Visibility) error {
	if !vis.SharesBeyondTeam() {
		return nil
	}
	if v.access.Settings.PrivateProjects || v.access.Settings.ForbidPublicSharing {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonPublicForbidden, "team %s does not allow %s projects", v.team.Name, vis)
	}
	return nil
}

// actorKind is the kind of principal acting.
func actorKind(a roster.Actor) roster.PrincipalKind {
	if a.ServiceAccount != nil {
		return roster.KindServiceAccount
	}
	return roster.KindUser
}

// mayChangeVisibility reports whether the actor may set the project's
// visibility: holders of project:update, and the project's creator while
// they may still create projects in the team (W&B: "the owner of a
// project, a team admin, or an organization admin").
func (pv *projectView) mayChangeVisibility(a roster.Actor) error {
	if pv.perms.Has(roster.PermProjectUpdate) {
		return nil
	}
	if pv.project.CreatedBy == a.PrincipalID() && pv.perms.Has(roster.PermProjectCreate) {
		return nil
	}
	return roster.ReasonErrorf(roster.EForbidden, roster.ReasonMissingPermission,
		"only the project's creator or holders of project:update in team %s may change the visibility of %s", pv.team.Name, pv.project.Name)
}

// ProjectInput creates or changes a project.
type ProjectInput struct {
	Name        string
	Description *string
	Visibility  string
}

// CreateProject creates a project in a team (W1).
func (s *Service) CreateProject(ctx context.Context, a roster.Actor, teamRef string, in ProjectInput) (*roster.Project, error) {
	vis, err := roster.ParseVisibility(in.Visibility)
	if err != nil {
		return nil, err
	}
	p := &roster.Project{ID: roster.NewID("p"), Name: in.Name, Visibility: vis, CreatedBy: a.PrincipalID()}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if err := roster.ValidateProject(p); err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermProjectCreate); err != nil {
			return err
		}
		if err := checkVisibility(v, vis); err != nil {
			return err
		}
		p.OrgID, p.TeamID = v.team.OrgID, v.team.ID
		if err := tx.CreateProject(ctx, p); err != nil {
			if roster.ErrorCode(err) == roster.EConflict {
				return roster.ReasonErrorf(roster.EConflict, roster.ReasonProjectNameTaken, "team %s already has a project %s", v.team.Name, p.Name)
			}
			return err
		}
		if vis == roster.VisibilityRestricted && a.PrincipalID() != "" {
			if err := tx.AddProjectMember(ctx, p.ID, a.PrincipalID(), actorKind(a)); err != nil {
				return err
			}
		}
		return auditAt(ctx, tx, a, roster.ActProjectCreate, projectWhere(v.team, p), "visibility "+string(vis))
	})
	if err != nil {
		return nil, fmt.Errorf("create project %s: %w", in.Name, err)
	}
	return p, nil
}

// ListProjects lists the projects of a team the actor may read.
func (s *Service) ListProjects(ctx context.Context, a roster.Actor, teamRef string) ([]*roster.Project, error) {
	var out []*roster.Project
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		all, err := tx.ListProjects(ctx, v.team.ID, a.PrincipalID())
		if err != nil {
			return err
		}
		for _, e := range all {
			if v.access.ProjectPerms(e.Project.Visibility, e.Member).Has(roster.PermProjectRead) {
				out = append(out, e.Project)
			}
		}
		return nil
	})
	return out, err
}

// GetProject returns a project the actor may read.
func (s *Service) GetProject(ctx context.Context, a roster.Actor, teamRef, ref string) (*roster.Project, error) {
	var p *roster.Project
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		pv, err := s.loadProject(ctx, tx, a, teamRef, ref)
		if err == nil {
			p = pv.project
		}
		return err
	})
	return p, err
}

// ViewProject returns one project as GetProject does, for someone opening
// it; the read is recorded (project:read), as W&B does.
func (s *Service) ViewProject(ctx context.Context, a roster.Actor, teamRef, ref string) (*roster.Project, error) {
	var p *roster.Project
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		pv, err := s.loadProject(ctx, tx, a, teamRef, ref)
		if err != nil {
			return err
		}
		p = pv.project
		return auditAt(ctx, tx, a, roster.ActProjectRead, pv.where(), "")
	})
	return p, err
}

// UpdateProject changes a project's description or visibility.
func (s *Service) UpdateProject(ctx context.Context, a roster.Actor, teamRef, ref string, in ProjectInput) (*roster.Project, error) {
	var p *roster.Project
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		pv, err := s.loadProject(ctx, tx, a, teamRef, ref)
		if err != nil {
			return err
		}
		if in.Description != nil || in.Visibility == "" {
			if err := pv.require(roster.PermProjectUpdate); err != nil {
				return err
			}
		}
		if in.Visibility != "" {
			if err := pv.mayChangeVisibility(a); err != nil {
				return err
			}
		}
		// Change the project as it is under the lock, so that a concurrent
		// change of the other field is kept.
		if p, err = tx.ProjectForUpdate(ctx, pv.project.ID); roster.IsNotFound(err) {
			return errNoProject(ref)
		} else if err != nil {
			return err
		}
		if err := applyProjectInput(ctx, tx, a, pv, p, in); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActProjectUpdate, projectWhere(pv.team, p), "visibility "+string(p.Visibility))
	})
	return p, err
}

// applyProjectInput changes p as in asks and stores it; a creator who
// makes their project restricted stays in it.
func applyProjectInput(ctx context.Context, tx *store.Tx, a roster.Actor, pv *projectView, p *roster.Project, in ProjectInput) error {
	if in.Visibility != "" {
		vis, err := roster.ParseVisibility(in.Visibility)
		if err != nil {
			return err
		}
		if err := checkVisibility(pv.teamView, vis); err != nil {
			return err
		}
		if vis == roster.VisibilityRestricted && p.Visibility != vis && p.CreatedBy == a.PrincipalID() {
			if err := tx.AddProjectMember(ctx, p.ID, a.PrincipalID(), actorKind(a)); err != nil {
				return err
			}
		}
		p.Visibility = vis
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if err := roster.ValidateProject(p); err != nil {
		return err
	}
	return tx.UpdateProject(ctx, p)
}

// DeleteProject deletes a project and its runs.
func (s *Service) DeleteProject(ctx context.Context, a roster.Actor, teamRef, ref string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		pv, err := s.loadProject(ctx, tx, a, teamRef, ref)
		if err != nil {
			return err
		}
		if err := pv.require(roster.PermProjectDelete); err != nil {
			return err
		}
		if err := tx.DeleteProject(ctx, pv.project.ID); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActProjectDelete, pv.where(), "")
	})
}

// SetProjectMember adds (or removes) a team member, a service account of
// the team or an organization service account to a restricted project
// (W1, A1). Team admins and holders of project:update only.
func (s *Service) SetProjectMember(ctx context.Context, a roster.Actor, teamRef, ref, principalRef string, add bool) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		pv, err := s.loadProject(ctx, tx, a, teamRef, ref)
		if err != nil {
			return err
		}
		if err := pv.require(roster.PermProjectUpdate); err != nil {
			return err
		}
		id, kind, w, err := projectMemberTarget(ctx, tx, pv, principalRef)
		if err != nil {
			return err
		}
		action := roster.ActProjectRemoveMember
		if add {
			action = roster.ActProjectAddMember
			err = tx.AddProjectMember(ctx, pv.project.ID, id, kind)
		} else {
			err = tx.RemoveProjectMember(ctx, pv.project.ID, id, kind)
		}
		if roster.IsNotFound(err) {
			return roster.Errorf(roster.ENotFound, "%s is not a member of project %s", truncate(principalRef, 64), pv.project.Name)
		}
		if err != nil {
			return err
		}
		details := ""
		if kind == roster.KindServiceAccount {
			details = "service account " + id
		}
		return auditAt(ctx, tx, a, action, w, details)
	})
}

// projectMemberTarget resolves who is added to a restricted project: a
// service account by id (the team's own, or an organization service
// account), else a user who is a member of the team.
func projectMemberTarget(ctx context.Context, tx *store.Tx, pv *projectView, ref string) (string, roster.PrincipalKind, where, error) {
	w := pv.where()
	if sa, err := tx.ServiceAccount(ctx, pv.team.OrgID, ref); err == nil {
		if !sa.IsOrgScoped() && sa.TeamID != pv.team.ID {
			return "", "", w, roster.ReasonErrorf(roster.EConflict, roster.ReasonServiceAccountOtherTeam,
				"service account %s belongs to another team and acts only there; add a service account of team %s or an organization service account",
				sa.Name, pv.team.Name)
		}
		return sa.ID, roster.KindServiceAccount, w, nil
	} else if !roster.IsNotFound(err) {
		return "", "", w, err
	}
	u, _, err := memberTarget(ctx, tx, pv.teamView, ref)
	if err != nil {
		return "", "", w, err
	}
	w.user = u
	return u.ID, roster.KindUser, w, nil
}
