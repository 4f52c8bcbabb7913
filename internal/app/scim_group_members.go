package app

import (
	"context"
	"strings"

	"roster"
	"roster/internal/store"
)

// ModifySCIMGroup changes a team to the state fn derives from its current
// one (PUT and PATCH), in one transaction (C2, C5).
func (s *Service) ModifySCIMGroup(ctx context.Context, a roster.Actor, id string, check func(*DirectoryGroup) error, fn func(*DirectoryGroup) (SCIMGroupInput, error)) (*DirectoryGroup, error) {
	if err := s.requireSCIM(ctx, a); err != nil {
		return nil, err
	}
	var out *DirectoryGroup
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		cur, err := lockSCIMGroup(ctx, tx, orgID(a), id)
		if err != nil {
			return err
		}
		if err := holds(check, cur); err != nil {
			return err
		}
		in, err := fn(cur)
		if err != nil {
			return err
		}
		if err := s.applySCIMGroup(ctx, tx, a, cur, in, false); err != nil {
			return err
		}
		out, err = loadSCIMGroup(ctx, tx, orgID(a), id)
		return err
	})
	return out, err
}

// lockSCIMGroup locks the team's row, then loads the group as it is under
// the lock: concurrent changes are made one after the other, and the
// edge's precondition (If-Match) sees the state the change replaces (C5).
func lockSCIMGroup(ctx context.Context, tx *store.Tx, org, id string) (*DirectoryGroup, error) {
	if id == "" || len(id) > 64 {
		return nil, roster.Errorf(roster.ENotFound, "no group %q", truncate(id, 64))
	}
	if _, err := tx.TeamForUpdate(ctx, id); roster.IsNotFound(err) {
		return nil, roster.Errorf(roster.ENotFound, "no group %q", id)
	} else if err != nil {
		return nil, err
	}
	return loadSCIMGroup(ctx, tx, org, id)
}

// DeleteSCIMGroup archives the team (C2, T11).
func (s *Service) DeleteSCIMGroup(ctx context.Context, a roster.Actor, id string, check func(*DirectoryGroup) error) error {
	if err := s.requireSCIM(ctx, a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		cur, err := lockSCIMGroup(ctx, tx, orgID(a), id)
		if err != nil {
			return err
		}
		if err := holds(check, cur); err != nil {
			return err
		}
		t := cur.Team
		t.ArchivedAt = tx.Now()
		if err := tx.UpdateTeam(ctx, t); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActTeamDelete, teamWhere(t), "archived through SCIM")
	})
}

// applySCIMGroup applies a display name, externalId and member list.
func (s *Service) applySCIMGroup(ctx context.Context, tx *store.Tx, a roster.Actor, cur *DirectoryGroup, in SCIMGroupInput, creating bool) error {
	t := cur.Team
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	renamed := !creating && in.DisplayName != t.DisplayName
	if renamed {
		if err := roster.ValidateDisplayName(in.DisplayName); err != nil {
			return err
		}
		t.DisplayName = in.DisplayName
		if err := ensureTeamNamesFree(ctx, tx, t); err != nil {
			return err
		}
	}
	if creating || in.ExternalID != cur.ExternalID() {
		g := &roster.SCIMGroup{TeamID: t.ID, OrgID: t.OrgID, ExternalID: in.ExternalID}
		if cur.Group != nil {
			g.CreatedAt = cur.Group.CreatedAt
		}
		if err := tx.PutSCIMGroup(ctx, g); err != nil {
			return err
		}
	}
	moved := false
	if in.IDPGroups != nil {
		var err error
		if moved, err = setIDPGroups(ctx, tx, a, t, *in.IDPGroups); err != nil {
			return err
		}
		if moved {
			if err := auditAt(ctx, tx, a, roster.ActTeamUpdate, teamWhere(t), "[idp groups] through SCIM"); err != nil {
				return err
			}
		}
	}
	changed := false
	if in.Members != nil {
		var err error
		if changed, err = s.syncSCIMMembers(ctx, tx, a, cur, in.Members); err != nil {
			return err
		}
	}
	if creating || !renamed && !changed && !moved {
		return nil
	}
	if err := tx.UpdateTeam(ctx, t); err != nil {
		return err
	}
	if !renamed {
		return nil
	}
	return auditAt(ctx, tx, a, roster.ActTeamUpdate, teamWhere(t), "display name "+t.DisplayName)
}

// syncSCIMMembers makes the team's user members exactly refs (user ids or
// emails): newcomers join as members, others leave (T4, T5).
func (s *Service) syncSCIMMembers(ctx context.Context, tx *store.Tx, a roster.Actor, cur *DirectoryGroup, refs []string) (bool, error) {
	if len(refs) > MaxSCIMGroupMembers {
		return false, roster.Errorf(roster.EInvalid, "a request may name at most %d members", MaxSCIMGroupMembers)
	}
	current := make(map[string]bool, len(cur.Members))
	for _, m := range cur.Members {
		current[m.PrincipalID] = true
	}
	want, err := scimMemberUsers(ctx, tx, cur.Team.OrgID, refs, current)
	if err != nil {
		return false, err
	}
	keep := make(map[string]bool, len(want))
	joins := 0
	for _, u := range want {
		keep[u.ID] = true
		if !current[u.ID] {
			joins++
		}
	}
	if n := joins + len(cur.Members) - (len(want) - joins); n > MaxSCIMMemberChanges {
		return false, roster.ReasonErrorf(roster.EInvalid, roster.ReasonTooManyMemberChanges,
			"a request may add or remove at most %d members of a group, this one %d; send the rest in further PATCH requests", MaxSCIMMemberChanges, n)
	}
	v, err := s.loadTeamAny(ctx, tx, a, cur.Team.ID)
	if err != nil {
		return false, err
	}
	v.team = cur.Team // the team as this request changes it
	changed := false
	for _, m := range cur.Members {
		if keep[m.PrincipalID] {
			continue
		}
		u := &roster.User{ID: m.PrincipalID, Email: m.Email, Username: m.Username}
		if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, old: &m.Membership, detail: "through SCIM"}); err != nil {
			return false, err
		}
		changed = true
	}
	for _, u := range want {
		if current[u.ID] {
			continue
		}
		m := &roster.Membership{Role: roster.TeamMember}
		if err := s.changeMembership(ctx, tx, a, memberChange{team: v, user: u, next: m, detail: "through SCIM"}); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// scimMemberUsers resolves member values, each a user id or an email, to
// distinct users in the order given; ids of current members need no
// look-up, and the others are read in one batch.
func scimMemberUsers(ctx context.Context, tx *store.Tx, org string, refs []string, current map[string]bool) ([]*roster.User, error) {
	var lookup []string
	for i, ref := range refs {
		refs[i] = strings.TrimSpace(ref)
		if !current[refs[i]] {
			lookup = append(lookup, refs[i])
		}
	}
	found, err := tx.UsersByIDs(ctx, org, lookup)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*roster.User, len(found))
	for _, u := range found {
		byID[u.ID] = u
	}
	seen := make(map[string]bool, len(refs))
	var out []*roster.User
	for _, ref := range refs {
		u := byID[ref]
		switch {
		case current[ref]:
			u = &roster.User{ID: ref}
		case u == nil && strings.Contains(ref, "@"):
			if u, err = tx.UserByEmail(ctx, org, ref); err != nil && !roster.IsNotFound(err) {
				return nil, err
			}
		}
		if u == nil {
			return nil, roster.ReasonErrorf(roster.EInvalid, roster.ReasonUnknownMember, "member %q is neither a user id nor a user's email", truncate(ref, 64))
		}
		if !seen[u.ID] {
			seen[u.ID], out = true, append(out, u)
		}
	}
	return out, nil
}
