package graphql

import (
	"context"
	"net/url"
	"sort"

	gql "github.com/graph-gophers/graphql-go"

	"roster"
	"roster/internal/app"
)

// W&B account types of team members; the SDK's tests expect "USER".
const (
	accountUser    = "USER"
	accountService = "SERVICE"
)

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func boolPtr(b bool) *bool { return &b }

// userRes is a W&B User: a Roster user, or a service account calling.
type userRes struct {
	h  *Handler
	u  *roster.User
	sa *roster.ServiceAccount
}

func (r *userRes) ID() gql.ID {
	if r.sa != nil {
		return encodeID(kindServiceAccount, r.sa.ID)
	}
	return encodeID(kindUser, r.u.ID)
}

// Name is the display name, else the username; never null (the SDK
// requires a string), empty for an invited user without either.
func (r *userRes) Name() string {
	if r.sa != nil {
		return r.sa.Name
	}
	if r.u.Name != "" {
		return r.u.Name
	}
	return r.u.Username
}

func (r *userRes) Username() *string {
	if r.sa != nil {
		return strPtr(r.sa.Name)
	}
	return strPtr(r.u.Username)
}

func (r *userRes) Email() *string {
	if r.sa != nil {
		return nil
	}
	return strPtr(r.u.Email)
}

func (r *userRes) Admin() *bool { return boolPtr(r.sa == nil && r.u.Role == roster.OrgAdmin) }

func (r *userRes) Flags() *string     { return nil }
func (r *userRes) DeletedAt() *string { return nil }
func (r *userRes) PhotoURL() *string  { return nil }

// Entity is the default entity: a user's personal entity (the username),
// a team service account's team.
func (r *userRes) Entity() *string {
	if r.sa != nil {
		return strPtr(r.sa.TeamName)
	}
	return strPtr(r.u.Username)
}

func (r *userRes) AccountType() *string {
	if r.sa != nil {
		return strPtr(accountService)
	}
	return strPtr(accountUser)
}

// APIKeys lists the user's keys without secrets: the caller's own, or
// any user's for an organization admin (the key inventory).
func (r *userRes) APIKeys(ctx context.Context) (*apiKeyConn, error) {
	if r.sa != nil {
		return nil, nil // a service account's keys are managed by its team admins
	}
	a := actor(ctx)
	out := &apiKeyConn{}
	if a.User != nil && a.User.ID == r.u.ID {
		keys, err := r.h.app.ListAPIKeys(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			out.edges = append(out.edges, &apiKeyEdge{node: &apiKeyRes{k: k}})
		}
		return out, nil
	}
	page, err := r.h.app.ListOrgAPIKeys(ctx, a, app.KeyQuery{Owner: r.u.ID, Kind: string(roster.KindUser), Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, k := range page.Keys {
		out.edges = append(out.edges, &apiKeyEdge{node: &apiKeyRes{k: k.Key}})
	}
	return out, nil
}

// Teams lists the personal entity first, then the user's teams, as W&B does.
func (r *userRes) Teams(ctx context.Context) (*entityConn, error) {
	out := &entityConn{}
	if r.sa != nil {
		if r.sa.TeamName != "" {
			out.edges = append(out.edges, &entityEdge{node: &entityRes{h: r.h, named: r.sa.TeamName}})
		}
		return out, nil
	}
	if r.u.Username != "" {
		out.edges = append(out.edges, &entityEdge{node: &entityRes{h: r.h, person: r.u}})
	}
	names, err := r.teamNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		out.edges = append(out.edges, &entityEdge{node: &entityRes{h: r.h, named: n}})
	}
	return out, nil
}

func (r *userRes) teamNames(ctx context.Context) ([]string, error) {
	a := actor(ctx)
	if a.User != nil && a.User.ID == r.u.ID {
		teams, err := r.h.app.ListTeams(ctx, a, false)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, t := range teams {
			if t.RoleName != "" {
				names = append(names, t.Team.Name)
			}
		}
		return names, nil
	}
	byUser, err := r.h.app.UserTeams(ctx, a, []string{r.u.ID})
	if err != nil {
		return nil, err
	}
	return byUser[r.u.ID], nil
}

// Organizations is the one organization of a Roster instance.
func (r *userRes) Organizations(ctx context.Context) ([]*orgRes, error) {
	o, err := r.h.org(ctx)
	if err != nil {
		return nil, err
	}
	return []*orgRes{o}, nil
}

type userConn struct{ edges []*userEdge }

func (c *userConn) Edges() []*userEdge { return c.edges }

type userEdge struct{ node *userRes }

func (e *userEdge) Node() *userRes { return e.node }

// apiKeyRes is a W&B ApiKey. Listings name a key by its Roster name;
// only generateApiKey's answer carries the secret, in name, because the
// SDK returns apiKey.name as the new key.
type apiKeyRes struct {
	k      *roster.APIKey
	secret string
}

func (r *apiKeyRes) ID() gql.ID { return encodeID(kindAPIKey, r.k.ID) }

func (r *apiKeyRes) Name() string {
	if r.secret != "" {
		return r.secret
	}
	return r.k.Name
}

func (r *apiKeyRes) Description() *string { return strPtr(r.k.Name) }

type apiKeyConn struct{ edges []*apiKeyEdge }

func (c *apiKeyConn) Edges() []*apiKeyEdge { return c.edges }

type apiKeyEdge struct{ node *apiKeyRes }

func (e *apiKeyEdge) Node() *apiKeyRes { return e.node }

type entityConn struct{ edges []*entityEdge }

func (c *entityConn) Edges() []*entityEdge { return c.edges }

type entityEdge struct{ node *entityRes }

func (e *entityEdge) Node() *entityRes { return e.node }

// memberRes is a W&B Member: a team's user or service account.
type memberRes struct{ m *roster.Membership }

func (r *memberRes) ID() gql.ID {
	if r.m.PrincipalKind == roster.KindServiceAccount {
		return encodeID(kindServiceAccount, r.m.PrincipalID)
	}
	return encodeID(kindUser, r.m.PrincipalID)
}

func (r *memberRes) Admin() *bool   { return boolPtr(r.m.Role == roster.TeamAdmin) }
func (r *memberRes) Pending() *bool { return boolPtr(r.m.Status == roster.StatusInvited) }
func (r *memberRes) Email() *string { return strPtr(r.m.Email) }

func (r *memberRes) Username() *string { return strPtr(r.m.Username) }

// Name is the display name, else the username, else the email.
func (r *memberRes) Name() string {
	for _, s := range []string{r.m.Name, r.m.Username, r.m.Email} {
		if s != "" {
			return s
		}
	}
	return ""
}

func (r *memberRes) PhotoURL() *string { return nil }

// APIKey is always null: Roster keeps no key secrets to show.
func (r *memberRes) APIKey() *string { return nil }

func (r *memberRes) AccountType() *string {
	if r.m.PrincipalKind == roster.KindServiceAccount {
		return strPtr(accountService)
	}
	return strPtr(accountUser)
}

// sdkMemberOrder keeps users first and puts service accounts in the order
// they joined, because the SDK takes the last member as the service
// account it has just created.
func sdkMemberOrder(ms []*roster.Membership) {
	sort.SliceStable(ms, func(i, j int) bool {
		si, sj := ms[i].PrincipalKind == roster.KindServiceAccount, ms[j].PrincipalKind == roster.KindServiceAccount
		if si != sj {
			return sj
		}
		if si {
			return ms[i].CreatedAt.Before(ms[j].CreatedAt)
		}
		return false
	})
}

// orgRes is the W&B Organization: the instance's organization.
type orgRes struct {
	h        *Handler
	id, name string
}

func (r *orgRes) ID() gql.ID   { return encodeID(kindOrganization, r.id) }
func (r *orgRes) Name() string { return r.name }

func (r *orgRes) OrgEntity() *entityRes { return &entityRes{h: r.h, org: r} }

// inviteRes is a W&B Invite: the membership createInvite made.
type inviteRes struct {
	id, name, email, createdAt string
	to                         *userRes
}

func (r *inviteRes) ID() gql.ID         { return gql.ID(r.id) }
func (r *inviteRes) Name() *string      { return strPtr(r.name) }
func (r *inviteRes) Email() *string     { return strPtr(r.email) }
func (r *inviteRes) CreatedAt() *string { return strPtr(r.createdAt) }
func (r *inviteRes) ToUser() *userRes   { return r.to }

// avatarPath is where REST serves a team's avatar.
func avatarPath(team string) string { return "/api/v1/teams/" + url.PathEscape(team) + "/avatar" }
