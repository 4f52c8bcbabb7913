package app

import (
	"context"
	"fmt"
	"strings"

	"roster"
	"roster/internal/store"
)

// MaxSCIMGroupMembers bounds the members one SCIM request may name.
const MaxSCIMGroupMembers = 10000

// MaxSCIMMemberChanges bounds the memberships one SCIM request adds or
// removes, so that it holds the team's lock (and SQLite's writer) for well
// under a second on either engine (#19; README).
const MaxSCIMMemberChanges = 1000

// DirectoryGroup is a team as the identity provider's directory sees it
// (C2): a group whose members are the team's users.
type DirectoryGroup struct {
	Team    *roster.Team
	Group   *roster.SCIMGroup // nil until SCIM first touches the team
	Members []*store.TeamMembership
	// IDPGroups are the identity provider groups the team is matched by
	// at sign-in (its idp_groups).
	IDPGroups []string
}

// ExternalID is the identity provider's id for the group, or "".
func (v *DirectoryGroup) ExternalID() string {
	if v.Group == nil {
		return ""
	}
	return v.Group.ExternalID
}

// SCIMGroupInput is the state SCIM asks a group to be in.
type SCIMGroupInput struct {
	DisplayName string
	ExternalID  string
	Members     []string // user ids or emails; nil keeps the members
	// IDPGroups replaces the team's idp_groups; nil keeps them.
	IDPGroups *[]string
}

// GroupRange selects teams that are not archived, in creation order:
// those an indexed look-up of Keys finds (all when nil), skipping Skip of
// them, at most Limit.
type GroupRange struct {
	Keys  *store.SCIMGroupKeys
	Skip  int
	Limit int
}

// DirectoryGroupPage is the groups of a range and how many teams its keys
// select before skipping and limiting.
type DirectoryGroupPage struct {
	Groups []*DirectoryGroup
	Total  int
}

// loadSCIMGroups completes teams with their SCIM records and user members.
func loadSCIMGroups(ctx context.Context, tx *store.Tx, teams []*roster.Team) ([]*DirectoryGroup, error) {
	ids := make([]string, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	groups, err := tx.SCIMGroups(ctx, ids)
	if err != nil {
		return nil, err
	}
	members, err := tx.TeamUserMemberships(ctx, ids)
	if err != nil {
		return nil, err
	}
	idp, err := tx.TeamsIDPGroups(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*DirectoryGroup, len(teams))
	for i, t := range teams {
		out[i] = &DirectoryGroup{Team: t, Group: groups[t.ID], Members: members[t.ID], IDPGroups: idp[t.ID]}
	}
	return out, nil
}

func loadSCIMGroup(ctx context.Context, tx *store.Tx, org, id string) (*DirectoryGroup, error) {
	teams, err := tx.SCIMTeams(ctx, org, &store.SCIMGroupKeys{IDs: []string{id}})
	if err != nil {
		return nil, err
	}
	if len(teams) == 0 {
		return nil, roster.Errorf(roster.ENotFound, "no group %q", truncate(id, 64))
	}
	views, err := loadSCIMGroups(ctx, tx, teams)
	if err != nil {
		return nil, err
	}
	return views[0], nil
}

// GetSCIMGroup returns one team as a SCIM group.
func (s *Service) GetSCIMGroup(ctx context.Context, a roster.Actor, id string) (*DirectoryGroup, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	var v *DirectoryGroup
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		v, err = loadSCIMGroup(ctx, tx, orgID(a), id)
		return err
	})
	return v, err
}

// ListSCIMGroups returns the teams in r as groups with their members.
func (s *Service) ListSCIMGroups(ctx context.Context, a roster.Actor, r GroupRange) (DirectoryGroupPage, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return DirectoryGroupPage{}, err
	}
	var page DirectoryGroupPage
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		teams, err := tx.SCIMTeams(ctx, orgID(a), r.Keys)
		if err != nil {
			return err
		}
		page.Total = len(teams)
		lo := min(max(r.Skip, 0), len(teams))
		hi := lo + min(max(r.Limit, 0), len(teams)-lo)
		page.Groups, err = loadSCIMGroups(ctx, tx, teams[lo:hi])
		return err
	})
	return page, err
}

// CreateSCIMGroup creates a team from a SCIM group (C2): its name is
// derived from the display name (P4) and the members join as members.
func (s *Service) CreateSCIMGroup(ctx context.Context, a roster.Actor, in SCIMGroupInput) (*DirectoryGroup, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if err := roster.ValidateDisplayName(in.DisplayName); err != nil {
		return nil, err
	}
	var out *DirectoryGroup
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.LockOrg(ctx, orgID(a)); err != nil {
			return err
		}
		name, err := freeTeamName(ctx, tx, orgID(a), roster.TeamNameFromDisplay(in.DisplayName))
		if err != nil {
			return err
		}
		t := &roster.Team{ID: roster.NewID("t"), OrgID: orgID(a), Name: name, DisplayName: in.DisplayName,
			Storage: roster.Storage{Type: roster.StorageDefault}, CreatedBy: a.PrincipalID()}
		if err := ensureTeamNamesFree(ctx, tx, t); err != nil {
			return err
		}
		if err := tx.CreateTeam(ctx, t); err != nil {
			return err
		}
		if err := auditAt(ctx, tx, a, roster.ActTeamCreate, teamWhere(t), "provisioned through SCIM"); err != nil {
			return err
		}
		cur := &DirectoryGroup{Team: t}
		if in.Members == nil {
			in.Members = []string{}
		}
		if err := s.applySCIMGroup(ctx, tx, a, cur, in, true); err != nil {
			return err
		}
		out, err = loadSCIMGroup(ctx, tx, orgID(a), t.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("provision group %s: %w", truncate(in.DisplayName, 64), err)
	}
	return out, nil
}
