package graphql

import (
	"context"
	"sync"

	gql "github.com/graph-gophers/graphql-go"

	"roster"
)

// entityRes is a W&B Entity: a team (loaded, or only named in a list), a
// user's personal entity, or the organization's entity.
type entityRes struct {
	h       *Handler
	team    *roster.Team
	private bool   // the team keeps its projects private (T6)
	named   string // a team known by name only
	person  *roster.User
	org     *orgRes

	mu sync.Mutex // the engine resolves fields at once; guards team, private
}

// load returns the team, fetching one known only by name.
func (r *entityRes) load(ctx context.Context) (*roster.Team, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.team != nil {
		return r.team, r.private, nil
	}
	info, err := r.h.app.GetTeam(ctx, actor(ctx), r.named)
	if err != nil {
		return nil, false, err
	}
	r.team, r.private = info.Team, info.Settings.PrivateProjects
	return r.team, r.private, nil
}

func (r *entityRes) ID(ctx context.Context) (gql.ID, error) {
	switch {
	case r.person != nil:
		return encodeID(kindEntity, r.person.ID), nil
	case r.org != nil:
		return encodeID(kindEntity, r.org.id), nil
	}
	t, _, err := r.load(ctx)
	if err != nil {
		return "", err
	}
	return encodeID(kindEntity, t.ID), nil
}

func (r *entityRes) Name() string {
	switch {
	case r.person != nil:
		return r.person.Username
	case r.org != nil:
		return r.org.name
	case r.named != "":
		return r.named
	}
	return r.team.Name
}

// Available says whether the name is free; an entity's name is taken.
func (r *entityRes) Available() *bool { return boolPtr(false) }

// PhotoURL is the team avatar's path when the team has one.
func (r *entityRes) PhotoURL(ctx context.Context) (*string, error) {
	if r.person != nil || r.org != nil {
		return nil, nil
	}
	t, _, err := r.load(ctx)
	if err != nil || !t.HasAvatar {
		return nil, err
	}
	return strPtr(avatarPath(t.Name)), nil
}

// Roster has no read-only entities.
func (r *entityRes) ReadOnly() *bool     { return boolPtr(false) }
func (r *entityRes) ReadOnlyAdmin() bool { return false }

func (r *entityRes) IsTeam() bool { return r.person == nil && r.org == nil }

func (r *entityRes) EntityType() *string {
	switch {
	case r.person != nil:
		return strPtr("user")
	case r.org != nil:
		return strPtr("organization")
	}
	return strPtr("team")
}

func (r *entityRes) PrivateOnly(ctx context.Context) (bool, error) {
	if !r.IsTeam() {
		return false, nil
	}
	_, private, err := r.load(ctx)
	return private, err
}

// StorageBytes is the team's stored run data (T10) for those who may read
// its usage, 0 for everyone else and for non-team entities.
func (r *entityRes) StorageBytes(ctx context.Context) (float64, error) {
	if !r.IsTeam() {
		return 0, nil
	}
	name := r.Name()
	usage, err := r.h.app.TeamUsage(ctx, actor(ctx), name)
	if roster.ErrorCode(err) == roster.EForbidden {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return float64(usage.StoredBytes), nil
}

// CodeSavingEnabled is false: Roster stores no code.
func (r *entityRes) CodeSavingEnabled() bool { return false }

// DefaultAccess is W&B's name for who sees new projects: PRIVATE when the
// team keeps projects private (T6), else USER_READ (the team).
func (r *entityRes) DefaultAccess(ctx context.Context) (string, error) {
	private, err := r.PrivateOnly(ctx)
	if err != nil {
		return "", err
	}
	if private || r.person != nil {
		return "PRIVATE", nil
	}
	return "USER_READ", nil
}

// Roster has no paid plans or W&B limits.
func (r *entityRes) IsPaid() *bool   { return nil }
func (r *entityRes) Limits() *string { return nil }

// Members lists a team's users, then its service accounts by age.
func (r *entityRes) Members(ctx context.Context) ([]*memberRes, error) {
	switch {
	case r.org != nil:
		return []*memberRes{}, nil
	case r.person != nil:
		u := r.person
		return []*memberRes{{m: &roster.Membership{PrincipalID: u.ID, PrincipalKind: roster.KindUser, Role: roster.TeamAdmin,
			Username: u.Username, Email: u.Email, Name: u.Name, Status: u.Status}}}, nil
	}
	ms, err := r.h.app.ListTeamMembers(ctx, actor(ctx), r.Name())
	if err != nil {
		return nil, err
	}
	sdkMemberOrder(ms)
	out := make([]*memberRes, len(ms))
	for i, m := range ms {
		out[i] = &memberRes{m: m}
	}
	return out, nil
}

// Organization is a team's organization; null for other entities.
func (r *entityRes) Organization(ctx context.Context) (*orgRes, error) {
	if !r.IsTeam() {
		return nil, nil
	}
	return r.h.org(ctx)
}

// User is the owner of a personal entity; null for other entities.
func (r *entityRes) User() *userRes {
	if r.person == nil {
		return nil
	}
	return &userRes{h: r.h, u: r.person}
}
