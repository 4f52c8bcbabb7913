package scim

import (
	"context"
	"math"

	"roster/internal/app"
	"roster/internal/store"
)

// scanBatch is how many users a filter no index answers reads at a time.
const scanBatch = 500

// page collects the matches a list shows, its 1-based startIndex and
// count applied, while counting every match (RFC 7644 section 3.4.2.4).
type page[T any] struct {
	skip, limit int
	items       []T
	total       int
}

func newPage[T any](p listParams) *page[T] {
	return &page[T]{skip: p.start - 1, limit: p.count}
}

// add counts a match and keeps it when it falls in the page.
func (pg *page[T]) add(v T) {
	if pg.total >= pg.skip && len(pg.items) < pg.limit {
		pg.items = append(pg.items, v)
	}
	pg.total++
}

// userPage finds the users a list shows and how many match: without a
// filter, a window of the creation order; with one that indexed look-ups
// narrow (userName, externalId, emails, id equality), the users they find;
// otherwise every user, in batches. The whole filter is then evaluated
// on each candidate.
func (s *Server) userPage(ctx context.Context, c *call, p listParams) ([]*app.DirectoryUser, int, error) {
	if p.filter == nil {
		total, err := s.app.CountSCIMUsers(ctx, c.a)
		if err != nil || p.count == 0 || p.start > total {
			return nil, total, err
		}
		users, err := s.app.ListSCIMUsers(ctx, c.a, app.UserRange{Skip: p.start - 1, Limit: p.count})
		return users, total, err
	}
	pg := newPage[*app.DirectoryUser](p)
	keep := func(users []*app.DirectoryUser) {
		for _, v := range users {
			res := userResource(c, v)
			if names := v.UserNames(); len(names) > 1 { // a user SCIM never touched
				res["userName"] = []any{names[0], names[1]}
			}
			if p.filter.match(res) {
				pg.add(v)
			}
		}
	}
	if keys, ok := userKeys(p.filter); ok {
		users, err := s.app.FindSCIMUsers(ctx, c.a, *keys)
		keep(users)
		return pg.items, pg.total, err
	}
	var after *store.UserCursor
	for {
		users, err := s.app.ListSCIMUsers(ctx, c.a, app.UserRange{After: after, Limit: scanBatch})
		if err != nil {
			return nil, 0, err
		}
		keep(users)
		if len(users) < scanBatch {
			return pg.items, pg.total, nil
		}
		after = app.UserCursorAt(users[len(users)-1].User)
	}
}

// groupPage finds the groups a list shows and how many match: without a
// filter, a window of the teams; otherwise the candidates indexed look-ups
// leave (displayName, externalId, id equality), or all, filtered here.
func (s *Server) groupPage(ctx context.Context, c *call, p listParams) ([]*app.DirectoryGroup, int, error) {
	if p.filter == nil {
		all, err := s.app.ListSCIMGroups(ctx, c.a, app.GroupRange{Skip: p.start - 1, Limit: p.count})
		return all.Groups, all.Total, err
	}
	r := app.GroupRange{Limit: math.MaxInt}
	if keys, ok := groupKeys(p.filter); ok {
		r.Keys = keys
	}
	all, err := s.app.ListSCIMGroups(ctx, c.a, r)
	if err != nil {
		return nil, 0, err
	}
	pg := newPage[*app.DirectoryGroup](p)
	for _, v := range all.Groups {
		if p.filter.match(groupResource(c, v)) {
			pg.add(v)
		}
	}
	return pg.items, pg.total, nil
}
