package graphql

import (
	"context"

	gql "github.com/graph-gophers/graphql-go"

	"roster"
	"roster/internal/app"
)

// defaultKeyName names keys generateApiKey makes without a description.
const defaultKeyName = "wandb SDK"

type createUserPayload struct{ user *userRes }

func (p *createUserPayload) User() *userRes { return p.user }

// CreateUser invites a user by email, as POST /api/v1/users (O7): W&B's
// createUser makes an account, Roster's one is invited until accepted.
func (q *root) CreateUser(ctx context.Context, args struct {
	Input struct {
		Email string
		Admin *bool
	}
}) (*createUserPayload, error) {
	role := roster.OrgMember
	if args.Input.Admin != nil && *args.Input.Admin {
		role = roster.OrgAdmin
	}
	res, err := q.h.app.InviteUser(ctx, actor(ctx), app.InviteInput{Email: args.Input.Email, Role: role})
	if err != nil {
		return nil, err
	}
	return &createUserPayload{user: &userRes{h: q.h, u: res.User}}, nil
}

type createTeamPayload struct{ entity *entityRes }

func (p *createTeamPayload) Entity() *entityRes { return p.entity }

// CreateTeam creates a team, as POST /api/v1/teams (T2); the caller becomes
// its admin, and teamAdminUserName, when another user, joins as admin too.
func (q *root) CreateTeam(ctx context.Context, args struct {
	Input struct {
		TeamName          string
		TeamAdminUserName *string
	}
}) (*createTeamPayload, error) {
	a := actor(ctx)
	t, err := q.h.app.CreateTeam(ctx, a, app.CreateTeamInput{Name: args.Input.TeamName})
	if err != nil {
		return nil, err
	}
	if n := args.Input.TeamAdminUserName; n != nil && *n != "" && (a.User == nil || roster.Fold(*n) != roster.Fold(a.User.Username)) {
		in := app.AddMemberInput{Username: *n, Role: string(roster.TeamAdmin)}
		if _, err := q.h.app.AddTeamMember(ctx, a, t.Name, in); err != nil {
			return nil, err
		}
	}
	return &createTeamPayload{entity: &entityRes{h: q.h, team: t}}, nil
}

type createInvitePayload struct{ invite *inviteRes }

func (p *createInvitePayload) Invite() *inviteRes { return p.invite }

// CreateInvite adds a user to a team by username or email, as POST
// /api/v1/teams/{team}/members (T4): a known user joins at once, an unknown
// email is invited to the organization with the membership attached.
func (q *root) CreateInvite(ctx context.Context, args struct {
	Input struct {
		EntityName string
		Email      *string
		Username   *string
		Admin      *bool
	}
}) (*createInvitePayload, error) {
	in := app.AddMemberInput{Role: string(roster.TeamMember)}
	if args.Input.Email != nil {
		in.Email = *args.Input.Email
	}
	if args.Input.Username != nil {
		in.Username = *args.Input.Username
	}
	if args.Input.Admin != nil && *args.Input.Admin {
		in.Role = string(roster.TeamAdmin)
	}
	res, err := q.h.app.AddTeamMember(ctx, actor(ctx), args.Input.EntityName, in)
	if err != nil {
		return nil, err
	}
	u := res.User
	inv := &inviteRes{id: string(encodeID(kindInvite, u.ID)), name: u.Username, email: u.Email, to: &userRes{h: q.h, u: u}}
	if inv.name == "" {
		inv.name = u.Email
	}
	if !res.Member.CreatedAt.IsZero() {
		inv.createdAt = res.Member.CreatedAt.UTC().Format("2006-01-02T15:04:05")
	}
	return &createInvitePayload{invite: inv}, nil
}

type successPayload struct{ ok bool }

func (p *successPayload) Success() *bool { return boolPtr(p.ok) }

// DeleteInvite takes a member out of a team, as DELETE
// /api/v1/teams/{team}/members/{user} (T5); for a team service account it
// deletes the account, as DELETE /api/v1/teams/{team}/service-accounts/{id}.
func (q *root) DeleteInvite(ctx context.Context, args struct {
	Input struct {
		ID         *string
		EntityName *string
	}
}) (*successPayload, error) {
	if args.Input.ID == nil || *args.Input.ID == "" || args.Input.EntityName == nil || *args.Input.EntityName == "" {
		return nil, roster.Errorf(roster.EInvalid, "deleteInvite needs the member's id and the team's entityName")
	}
	team := *args.Input.EntityName
	kind, id := decodeID(*args.Input.ID)
	var err error
	if kind == kindServiceAccount {
		err = q.h.app.DeleteServiceAccount(ctx, actor(ctx), team, id)
	} else {
		err = q.h.app.RemoveTeamMember(ctx, actor(ctx), team, id)
	}
	if err != nil {
		return nil, err
	}
	return &successPayload{ok: true}, nil
}

// CreateServiceAccount creates a team service account named by the
// description, as POST /api/v1/teams/{team}/service-accounts (A1).
func (q *root) CreateServiceAccount(ctx context.Context, args struct {
	Input struct {
		EntityName  string
		Description string
	}
}) (*createUserPayload, error) {
	res, err := q.h.app.CreateTeamServiceAccount(ctx, actor(ctx), args.Input.EntityName, args.Input.Description)
	if err != nil {
		return nil, err
	}
	return &createUserPayload{user: &userRes{h: q.h, sa: res.Account}}, nil
}

type generateAPIKeyPayload struct{ key *apiKeyRes }

func (p *generateAPIKeyPayload) APIKey() *apiKeyRes { return p.key }

// GenerateAPIKey mints a key for the caller, as POST
// /api/v1/users/me/api-keys (A3), named by the description.
func (q *root) GenerateAPIKey(ctx context.Context, args struct {
	Input struct{ Description *string }
}) (*generateAPIKeyPayload, error) {
	name := defaultKeyName
	if d := args.Input.Description; d != nil && *d != "" {
		name = *d
	}
	k, err := q.h.app.CreateAPIKey(ctx, actor(ctx), name)
	if err != nil {
		return nil, err
	}
	return &generateAPIKeyPayload{key: &apiKeyRes{k: k.Key, secret: k.Secret}}, nil
}

// DeleteAPIKey deletes one of the caller's keys, as DELETE
// /api/v1/users/me/api-keys/{id}; another user's key goes through the
// organization's key inventory, which only organization admins may use.
func (q *root) DeleteAPIKey(ctx context.Context, args struct {
	Input struct{ ID string }
}) (*successPayload, error) {
	a := actor(ctx)
	_, id := decodeID(args.Input.ID)
	err := q.h.app.DeleteAPIKey(ctx, a, id)
	if roster.IsNotFound(err) && a.IsOrgAdmin() {
		_, err = q.h.app.RevokeAPIKeys(ctx, a, []string{id})
	}
	if err != nil {
		return nil, err
	}
	return &successPayload{ok: true}, nil
}

// DeleteTeam archives a team, as DELETE /api/v1/teams/{team} (T11):
// Roster keeps its projects and runs, and an organization admin may
// restore it.
func (q *root) DeleteTeam(ctx context.Context, args struct {
	Input struct{ TeamName string }
}) (*successPayload, error) {
	if err := q.h.app.ArchiveTeam(ctx, actor(ctx), args.Input.TeamName); err != nil {
		return nil, err
	}
	return &successPayload{ok: true}, nil
}

// RemoveUserFromOrganization removes a user, as DELETE /api/v1/users/{id}
// (O9); organizationId must be this organization's.
func (q *root) RemoveUserFromOrganization(ctx context.Context, args struct {
	Input struct {
		UserName       string
		OrganizationID gql.ID
	}
}) (*successPayload, error) {
	if kind, id := decodeID(string(args.Input.OrganizationID)); kind != kindOrganization || id != q.h.app.CallerOrgID(actor(ctx)) {
		return nil, roster.Errorf(roster.ENotFound, "no organization %q", truncate(string(args.Input.OrganizationID), 64))
	}
	if err := q.h.app.RemoveUser(ctx, actor(ctx), args.Input.UserName); err != nil {
		return nil, err
	}
	return &successPayload{ok: true}, nil
}

// truncate bounds a quoted input in a message.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
