package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// scanBatch is how many users a filtered SCIM list reads at a time.
const scanBatch = 500

// SCIMUserQuery selects a page of SCIM users: candidates narrowed by an
// indexed lookup when Keys is set (all users otherwise), kept when Match
// says so (all when nil), in creation order, 1-based.
type SCIMUserQuery struct {
	Keys       *store.SCIMUserKeys
	Match      func(*DirectoryUser) bool
	StartIndex int
	Count      int
}

// SCIMUserPage is one page of a SCIM user list and the number of matches.
type SCIMUserPage struct {
	Users []*DirectoryUser
	Total int
}

// ListSCIMUsers lists users for SCIM (C1, C5); service accounts are not
// SCIM users (A2).
func (s *Service) ListSCIMUsers(ctx context.Context, a roster.Actor, q SCIMUserQuery) (SCIMUserPage, error) {
	if err := s.requireSCIM(a); err != nil {
		return SCIMUserPage{}, err
	}
	var page SCIMUserPage
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		switch {
		case q.Keys != nil:
			page, err = listSCIMByKeys(ctx, tx, orgID(a), q)
		case q.Match == nil:
			page, err = listSCIMPage(ctx, tx, orgID(a), q)
		default:
			page, err = listSCIMScan(ctx, tx, orgID(a), q)
		}
		return err
	})
	return page, err
}

// listSCIMByKeys answers from the users an index lookup finds.
func listSCIMByKeys(ctx context.Context, tx *store.Tx, org string, q SCIMUserQuery) (SCIMUserPage, error) {
	ids, err := tx.SCIMUserIDs(ctx, org, *q.Keys)
	if err != nil {
		return SCIMUserPage{}, err
	}
	users, err := tx.UsersByIDs(ctx, org, ids)
	if err != nil {
		return SCIMUserPage{}, err
	}
	views, err := loadSCIMUsers(ctx, tx, users)
	if err != nil {
		return SCIMUserPage{}, err
	}
	var page SCIMUserPage
	offset, limit := pageWindow(q.StartIndex, q.Count)
	for _, v := range views {
		if q.Match != nil && !q.Match(v) {
			continue
		}
		if page.Total >= offset && len(page.Users) < limit {
			page.Users = append(page.Users, v)
		}
		page.Total++
	}
	return page, nil
}

// listSCIMPage pages through every user without a filter.
func listSCIMPage(ctx context.Context, tx *store.Tx, org string, q SCIMUserQuery) (SCIMUserPage, error) {
	var page SCIMUserPage
	var err error
	if page.Total, err = tx.CountOrgUsers(ctx, org); err != nil {
		return page, err
	}
	offset, limit := pageWindow(q.StartIndex, q.Count)
	if limit == 0 || offset >= page.Total {
		return page, nil
	}
	users, err := tx.ScanUsers(ctx, org, nil, offset, limit)
	if err != nil {
		return page, err
	}
	page.Users, err = loadSCIMUsers(ctx, tx, users)
	return page, err
}

// listSCIMScan evaluates a filter no index answers over every user, in
// batches, counting every match and keeping the page's.
func listSCIMScan(ctx context.Context, tx *store.Tx, org string, q SCIMUserQuery) (SCIMUserPage, error) {
	var page SCIMUserPage
	offset, limit := pageWindow(q.StartIndex, q.Count)
	var after *store.UserCursor
	for {
		users, err := tx.ScanUsers(ctx, org, after, 0, scanBatch)
		if err != nil {
			return page, err
		}
		views, err := loadSCIMUsers(ctx, tx, users)
		if err != nil {
			return page, err
		}
		for _, v := range views {
			if !q.Match(v) {
				continue
			}
			if page.Total >= offset && len(page.Users) < limit {
				page.Users = append(page.Users, v)
			}
			page.Total++
		}
		if len(users) < scanBatch {
			return page, nil
		}
		last := users[len(users)-1]
		after = &store.UserCursor{CreatedAt: last.CreatedAt.UnixMicro(), ID: last.ID}
	}
}

// pageWindow turns 1-based startIndex and count into an offset and limit.
func pageWindow(startIndex, count int) (offset, limit int) {
	if startIndex < 1 {
		startIndex = 1
	}
	return startIndex - 1, max(count, 0)
}
