package app

import (
	"context"
	"fmt"
	"strings"

	"roster"
	"roster/internal/auth"
	"roster/internal/store"
)

// NewServiceAccount is a created service account with its first key,
// whose secret is shown once.
type NewServiceAccount struct {
	Account *roster.ServiceAccount
	Key     *NewKey
}

// mintServiceAccount stores a service account with one API key in tx.
func mintServiceAccount(ctx context.Context, tx *store.Tx, sa *roster.ServiceAccount) (*NewKey, error) {
	if err := tx.CreateServiceAccount(ctx, sa); err != nil {
		return nil, err
	}
	secret, hash := auth.NewAPIKey()
	k := &roster.APIKey{ID: roster.NewID("key"), OrgID: sa.OrgID, PrincipalID: sa.ID, Name: sa.Name,
		Hint: secret[len(secret)-4:], Hash: hash}
	if err := tx.CreateAPIKey(ctx, k); err != nil {
		return nil, err
	}
	return &NewKey{Key: k, Secret: secret}, nil
}

// createExternalServiceAccount stores a service account with its
// federated subject and no key in tx.
func createExternalServiceAccount(ctx context.Context, tx *store.Tx, sa *roster.ServiceAccount) error {
	if err := tx.CreateServiceAccount(ctx, sa); err != nil {
		return err
	}
	if err := tx.SetFederatedSubject(ctx, sa); err != nil {
		if roster.ErrorCode(err) == roster.EConflict {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonSubjectTaken,
				"another service account already signs in with subject %q; delete it first or choose another subject", truncate(sa.Subject, 200))
		}
		return err
	}
	return nil
}

func validateSAName(name string) error {
	if n := len([]rune(name)); n == 0 || n > roster.MaxNameLen {
		return roster.Errorf(roster.EInvalid, "service account name must be 1 to %d characters", roster.MaxNameLen)
	}
	return roster.ValidateText("service account name", name, roster.MaxNameLen)
}

// saNameFree refuses a service account name already used by a live
// service account of the team (teamID), or of the organization when teamID
// is empty; the team or organization row lock keeps two concurrent creates
// apart on PostgreSQL.
func saNameFree(ctx context.Context, tx *store.Tx, org, teamID, name, scope string) error {
	var err error
	if teamID == "" {
		err = tx.LockOrg(ctx, org)
	} else {
		err = tx.LockTeam(ctx, teamID)
	}
	if err != nil {
		return err
	}
	taken, err := tx.ServiceAccountNameTaken(ctx, org, teamID, name)
	if err != nil {
		return err
	}
	if taken {
		return roster.ReasonErrorf(roster.EConflict, roster.ReasonServiceAccountNameTaken,
			"%s already has a service account named %s; choose another name, or delete that one first", scope, truncate(name, 64))
	}
	return nil
}

// CreateTeamServiceAccount creates a team service account holding the
// service role in its team (A1). Team admins only.
func (s *Service) CreateTeamServiceAccount(ctx context.Context, a roster.Actor, teamRef, name string) (*NewServiceAccount, error) {
	return s.createTeamServiceAccount(ctx, a, teamRef, name, "")
}

// CreateExternalServiceAccount creates a team service account that has no
// API key and signs in with JWTs whose sub is subject (identity
// federation); otherwise it is a team service account. Team admins only.
func (s *Service) CreateExternalServiceAccount(ctx context.Context, a roster.Actor, teamRef, name, subject string) (*NewServiceAccount, error) {
	subject = strings.TrimSpace(subject)
	if subject == "" {
		return nil, roster.ReasonErrorf(roster.EInvalid, roster.ReasonFederatedSubject,
			"an external service account needs a subject: the sub claim of the JWTs it signs in with, such as repo:acme/train:ref:refs/heads/main")
	}
	if err := roster.ValidateText("subject", subject, roster.MaxFederatedSubjectLen); err != nil {
		return nil, roster.ReasonErrorf(roster.EInvalid, roster.ReasonFederatedSubject,
			"subject must be at most %d printable characters", roster.MaxFederatedSubjectLen)
	}
	return s.createTeamServiceAccount(ctx, a, teamRef, name, subject)
}

func (s *Service) createTeamServiceAccount(ctx context.Context, a roster.Actor, teamRef, name, subject string) (*NewServiceAccount, error) {
	if err := validateSAName(name); err != nil {
		return nil, err
	}
	if err := s.RequireFeature(ctx, orgID(a), featureServiceAccounts); err != nil {
		return nil, err
	}
	if s.cfg.DisableTeamServiceAccountCreation {
		return nil, roster.ReasonErrorf(roster.EForbidden, roster.ReasonTeamServiceAccountsDisabled,
			"team service accounts cannot be created on this instance (GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION=true); "+
				"ask an organization admin for an organization service account, or the operator to unset that setting")
	}
	out := &NewServiceAccount{}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermTeamManageServiceAccounts); err != nil {
			return err
		}
		// A service account acts with the service role; whoever makes one
		// must hold every right it will have (M3).
		if !v.access.Holds(roster.ServicePerms) {
			return roster.ReasonErrorf(roster.EForbidden, roster.ReasonRoleAboveYours,
				"a team service account can %v in team %s, which you cannot; ask a team admin",
				(roster.ServicePerms &^ v.perms).List(), v.team.Name)
		}
		if err := saNameFree(ctx, tx, v.team.OrgID, v.team.ID, name, "team "+v.team.Name); err != nil {
			return err
		}
		sa := &roster.ServiceAccount{ID: roster.NewID("sa"), OrgID: v.team.OrgID, Name: name, TeamID: v.team.ID,
			CreatedBy: a.PrincipalID(), TeamName: v.team.Name, Subject: subject}
		details := sa.Name + " (" + sa.ID + ")"
		if subject == "" {
			if out.Key, err = mintServiceAccount(ctx, tx, sa); err != nil {
				return err
			}
		} else if err := createExternalServiceAccount(ctx, tx, sa); err != nil {
			return err
		} else {
			details += " federated subject " + truncate(subject, 200)
		}
		out.Account = sa
		m := &roster.Membership{TeamID: v.team.ID, PrincipalID: sa.ID, PrincipalKind: roster.KindServiceAccount, Role: roster.TeamService}
		if err := tx.AddMember(ctx, m); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActTeamCreateServiceAccount, teamWhere(v.team), details)
	})
	if err != nil {
		return nil, fmt.Errorf("create service account in team %s: %w", teamRef, err)
	}
	return out, nil
}

// TeamServiceAccountCreationDisabled reports whether
// GORILLA_DISABLE_TEAM_SERVICE_ACCOUNT_CREATION is on, for pages to offer
// no form.
func (s *Service) TeamServiceAccountCreationDisabled() bool {
	return s.cfg.DisableTeamServiceAccountCreation
}

// CreateOrgServiceAccount creates an organization service account with a
// default team (A1), which must exist and not be archived. Organization
// admins only.
func (s *Service) CreateOrgServiceAccount(ctx context.Context, a roster.Actor, name, defaultTeam string) (*NewServiceAccount, error) {
	if err := requireAdmin(a); err != nil {
		return nil, err
	}
	if err := validateSAName(name); err != nil {
		return nil, err
	}
	if err := s.RequireFeature(ctx, orgID(a), featureServiceAccounts); err != nil {
		return nil, err
	}
	if defaultTeam == "" {
		return nil, roster.ReasonErrorf(roster.EInvalid, roster.ReasonDefaultTeamRequired,
			"an organization service account needs a default team: the team its runs go to when a client names none (WANDB_ENTITY unset)")
	}
	out := &NewServiceAccount{}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeamAny(ctx, tx, a, defaultTeam)
		if roster.IsNotFound(err) {
			return roster.ReasonErrorf(roster.EInvalid, roster.ReasonDefaultTeamRequired, "default team %q does not exist", truncate(defaultTeam, 64))
		} else if err != nil {
			return err
		}
		if v.access.Archived {
			return roster.ReasonErrorf(roster.EInvalid, roster.ReasonDefaultTeamRequired, "default team %s is archived; restore it or choose another", v.team.Name)
		}
		if err := saNameFree(ctx, tx, orgID(a), "", name, "the organization"); err != nil {
			return err
		}
		sa := &roster.ServiceAccount{ID: roster.NewID("sa"), OrgID: orgID(a), Name: name, CreatedBy: a.PrincipalID(),
			DefaultTeamID: v.team.ID, TeamName: v.team.Name}
		if out.Key, err = mintServiceAccount(ctx, tx, sa); err != nil {
			return err
		}
		out.Account = sa
		return auditAt(ctx, tx, a, roster.ActOrgCreateServiceAccount, where{team: sa.TeamName, teamID: sa.DefaultTeamID}, sa.Name+" ("+sa.ID+")")
	})
	if err != nil {
		return nil, fmt.Errorf("create organization service account: %w", err)
	}
	return out, nil
}

// ListServiceAccounts lists a team's service accounts (team admins), or the
// organization's when teamRef is empty (organization admins).
func (s *Service) ListServiceAccounts(ctx context.Context, a roster.Actor, teamRef string) ([]*roster.ServiceAccount, error) {
	var out []*roster.ServiceAccount
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		teamID, _, err := s.serviceAccountScope(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		out, err = tx.ListServiceAccounts(ctx, orgID(a), teamID)
		return err
	})
	return out, err
}

// DeleteServiceAccount deletes a service account and its keys; runs it
// created keep their creator.
func (s *Service) DeleteServiceAccount(ctx context.Context, a roster.Actor, teamRef, id string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		// Who may delete comes first, so that others cannot tell which
		// service account ids exist.
		teamID, team, err := s.serviceAccountScope(ctx, tx, a, teamRef)
		if err != nil {
			return err
		}
		action := roster.ActOrgDeleteServiceAccount
		if teamID != "" {
			action = roster.ActTeamDeleteServiceAccount
		}
		sa, err := tx.ServiceAccount(ctx, orgID(a), id)
		if roster.IsNotFound(err) {
			return roster.Errorf(roster.ENotFound, "no service account %q", truncate(id, 64))
		}
		if err != nil {
			return err
		}
		switch {
		case teamRef == "" && !sa.IsOrgScoped():
			return roster.Errorf(roster.ENotFound, "no organization service account %q", id)
		case teamRef != "" && sa.TeamID != teamID:
			return roster.Errorf(roster.ENotFound, "no service account %q in team %s", id, team)
		case teamRef != "":
			if err := tx.RemoveMember(ctx, teamID, sa.ID); err != nil && !roster.IsNotFound(err) {
				return err
			}
		}
		if err := tx.DeleteServiceAccount(ctx, sa.ID); err != nil {
			return err
		}
		if err := tx.DeletePrincipalAPIKeys(ctx, sa.ID); err != nil {
			return err
		}
		if err := tx.DeletePrincipalAccessTokens(ctx, sa.ID); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, action, where{team: team, teamID: teamID}, sa.Name+" ("+sa.ID+")")
	})
}

// serviceAccountScope checks who may manage the service accounts of a
// team (its admins) or, when teamRef is empty, of the organization (its
// admins), and returns the team's id and name ("" for the organization).
func (s *Service) serviceAccountScope(ctx context.Context, tx *store.Tx, a roster.Actor, teamRef string) (teamID, teamName string, err error) {
	if teamRef == "" {
		return "", "", requireAdmin(a)
	}
	v, err := s.loadTeam(ctx, tx, a, teamRef)
	if err != nil {
		return "", "", err
	}
	if err := v.require(roster.PermTeamManageServiceAccounts); err != nil {
		return "", "", err
	}
	return v.team.ID, v.team.Name, nil
}
