package app

import (
	"context"

	"roster"
	"roster/internal/store"
)

// maxNameTries is how many numeric suffixes freeName tries before it ends
// the search with a random one.
const maxNameTries = 50

// freeName returns base, or base with a numeric suffix ("-2", "-3"...),
// for which taken answers false (P4); after maxNameTries namesakes a
// random suffix ends the search. Usernames and team names derived by
// SCIM and SSO all come from here.
func freeName(base string, taken func(string) (bool, error)) (string, error) {
	for n := 1; n <= maxNameTries; n++ {
		cand := roster.WithSuffix(base, n)
		t, err := taken(cand)
		if err != nil || !t {
			return cand, err
		}
	}
	return truncate(base, 50) + "-" + roster.NewID("")[2:10], nil
}

// freeUsername is a free username in org from base; selfID's own name
// counts as free.
func freeUsername(ctx context.Context, tx *store.Tx, org, base, selfID string) (string, error) {
	return freeName(base, func(cand string) (bool, error) {
		other, err := tx.UserByUsername(ctx, org, cand)
		if roster.IsNotFound(err) {
			return false, nil
		}
		return err == nil && other.ID != selfID, err
	})
}

// freeTeamName is a free team name in org from base: held by no team, and
// shown by no other team as its display name.
func freeTeamName(ctx context.Context, tx *store.Tx, org, base string) (string, error) {
	return freeName(base, func(cand string) (bool, error) {
		if taken, err := tx.TeamNameTaken(ctx, org, cand); err != nil || taken {
			return taken, err
		}
		_, err := tx.TeamNameClash(ctx, org, "", []string{cand}, nil)
		if roster.IsNotFound(err) {
			return false, nil
		}
		return err == nil, err
	})
}
