package graphql

import (
	"context"
	"encoding/base64"
	"strings"

	gql "github.com/graph-gophers/graphql-go"

	"roster"
	"roster/internal/store"
)

// root resolves Query and Mutation.
type root struct{ h *Handler }

// Opaque ids in W&B's style: base64 of "Type:id", Roster's id inside.
const (
	kindUser           = "User"
	kindServiceAccount = "ServiceAccount"
	kindEntity         = "Entity"
	kindAPIKey         = "ApiKey"
	kindInvite         = "Invite"
	kindOrganization   = "Organization"
)

func encodeID(kind, id string) gql.ID {
	return gql.ID(base64.StdEncoding.EncodeToString([]byte(kind + ":" + id)))
}

// decodeID returns the kind and Roster id inside an opaque id; a string
// that is not one is taken as a Roster id of unknown kind.
func decodeID(s string) (kind, id string) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "", s
	}
	kind, id, ok := strings.Cut(string(raw), ":")
	if !ok || id == "" {
		return "", s
	}
	return kind, id
}

// maxUsersListed bounds users(query): the SDK reads one unpaged list.
const maxUsersListed = 2000

// Viewer is the caller, or null when anonymous.
func (q *root) Viewer(ctx context.Context) (*userRes, error) {
	a := actor(ctx)
	if a.ServiceAccount != nil {
		return &userRes{h: q.h, sa: a.ServiceAccount}, nil
	}
	if a.User == nil {
		return nil, nil
	}
	u, err := q.h.app.GetUser(ctx, a, a.User.ID)
	if err != nil {
		return nil, err
	}
	return &userRes{h: q.h, u: u}, nil
}

// User finds one user by username, email or id, as GET /api/v1/users/{id}.
func (q *root) User(ctx context.Context, args struct{ UserName *string }) (*userRes, error) {
	if args.UserName == nil || *args.UserName == "" {
		return q.Viewer(ctx)
	}
	u, err := q.h.app.ViewUser(ctx, actor(ctx), *args.UserName)
	if err != nil {
		if roster.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return &userRes{h: q.h, u: u}, nil
}

// Users lists the users matching query, as GET /api/v1/users?query=.
func (q *root) Users(ctx context.Context, args struct{ Query *string }) (*userConn, error) {
	f := store.UserFilter{Limit: 200}
	if args.Query != nil {
		f.Query = *args.Query
	}
	out := &userConn{}
	for {
		page, err := q.h.app.ListUsers(ctx, actor(ctx), f)
		if err != nil {
			return nil, err
		}
		for _, u := range page.Users {
			out.edges = append(out.edges, &userEdge{node: &userRes{h: q.h, u: u}})
		}
		if page.NextCursor == "" || len(out.edges) >= maxUsersListed {
			return out, nil
		}
		f.Cursor = page.NextCursor
	}
}

// Entity is a team, or the personal entity of the user with that username.
func (q *root) Entity(ctx context.Context, args struct{ Name *string }) (*entityRes, error) {
	if args.Name == nil || *args.Name == "" {
		return nil, nil
	}
	return q.h.entity(ctx, *args.Name)
}

// entity resolves a name to a team or, failing that, a personal entity;
// null when neither exists, as W&B answers.
func (h *Handler) entity(ctx context.Context, name string) (*entityRes, error) {
	a := actor(ctx)
	info, err := h.app.GetTeam(ctx, a, name)
	if err == nil {
		return &entityRes{h: h, team: info.Team, private: info.Settings.PrivateProjects}, nil
	}
	if !roster.IsNotFound(err) {
		return nil, err
	}
	if a.User != nil && a.User.Username != "" && roster.Fold(a.User.Username) == roster.Fold(name) {
		return &entityRes{h: h, person: a.User}, nil
	}
	if !a.IsOrgAdmin() {
		return nil, nil
	}
	u, err := h.app.GetUser(ctx, a, name)
	if roster.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.Username == "" || roster.Fold(u.Username) != roster.Fold(name) {
		return nil, nil // an email or id is not an entity name
	}
	return &entityRes{h: h, person: u}, nil
}

// Organization is the caller's organization; null when name names another.
func (q *root) Organization(ctx context.Context, args struct{ Name *string }) (*orgRes, error) {
	o, err := q.h.org(ctx)
	if err != nil {
		return nil, err
	}
	if args.Name != nil && *args.Name != "" && roster.Fold(*args.Name) != roster.Fold(o.name) {
		return nil, nil
	}
	return o, nil
}

func (h *Handler) org(ctx context.Context) (*orgRes, error) {
	id, name, err := h.app.OrgName(ctx, actor(ctx))
	if err != nil {
		return nil, err
	}
	return &orgRes{h: h, id: id, name: name}, nil
}
