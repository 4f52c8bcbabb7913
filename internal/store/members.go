package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"roster"
)

// AddMember inserts a membership.
func (tx *Tx) AddMember(ctx context.Context, m *roster.Membership) error {
	m.CreatedAt = tx.now
	_, err := tx.exec(ctx, `INSERT INTO team_members (team_id, principal_id, principal_kind, role, custom_role_id, via_group, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.TeamID, m.PrincipalID, string(m.PrincipalKind), string(m.Role), customRoleID(m),
		m.ViaGroupClaim, micros(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("add member to team %s: %w", m.TeamID, err)
	}
	return nil
}

func customRoleID(m *roster.Membership) sql.NullString {
	if m.Role == roster.TeamCustom && m.CustomRole != nil {
		return sql.NullString{String: m.CustomRole.ID, Valid: true}
	}
	return sql.NullString{}
}

// SetMemberRole changes a membership's role; a manual change ends its tie
// to the groups claim.
func (tx *Tx) SetMemberRole(ctx context.Context, m *roster.Membership) error {
	_, err := tx.exec(ctx, `UPDATE team_members SET role = ?, custom_role_id = ?, via_group = ? WHERE team_id = ? AND principal_id = ?`,
		string(m.Role), customRoleID(m), m.ViaGroupClaim, m.TeamID, m.PrincipalID)
	if err != nil {
		return fmt.Errorf("change role in team %s: %w", m.TeamID, err)
	}
	return nil
}

// RemoveMember deletes a membership.
func (tx *Tx) RemoveMember(ctx context.Context, teamID, principalID string) error {
	res, err := tx.exec(ctx, `DELETE FROM team_members WHERE team_id = ? AND principal_id = ?`, teamID, principalID)
	if err != nil {
		return fmt.Errorf("remove member from team %s: %w", teamID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("membership: %w", roster.ErrNotFound)
	}
	return nil
}

// RemoveAllMemberships ends every membership of a principal (O9).
func (tx *Tx) RemoveAllMemberships(ctx context.Context, principalID string) error {
	_, err := tx.exec(ctx, `DELETE FROM team_members WHERE principal_id = ?`, principalID)
	if err != nil {
		return fmt.Errorf("remove memberships of %s: %w", principalID, err)
	}
	return nil
}

// CountMembers counts a team's members, users and service accounts.
func (tx *Tx) CountMembers(ctx context.Context, teamID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM team_members WHERE team_id = ?`, teamID).Scan(&n)
	return n, mapError(err)
}

// CountTeamAdmins counts a team's admins among users that were not removed.
func (tx *Tx) CountTeamAdmins(ctx context.Context, teamID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM team_members m JOIN users u ON u.id = m.principal_id
		WHERE m.team_id = ? AND m.role = 'admin' AND u.status IN ('active', 'invited')`, teamID).Scan(&n)
	return n, mapError(err)
}

// memberColumns are a membership with its role and its principal's names,
// read by scanMembers; memberKey is the listing's sort key after the kind.
const (
	memberColumns = `m.team_id, m.principal_id, m.principal_kind, m.role, m.via_group, m.created_at,
		r.id, r.org_id, r.name, r.description, r.base, r.permissions,
		COALESCE(u.username, s.name, ''), COALESCE(u.email, ''), COALESCE(u.name, s.name, ''), COALESCE(u.status, 'active')`
	memberFrom = ` FROM team_members m
		LEFT JOIN custom_roles r ON r.id = m.custom_role_id
		LEFT JOIN users u ON u.id = m.principal_id
		LEFT JOIN service_accounts s ON s.id = m.principal_id`
	memberKey = `COALESCE(u.sort_key, s.name)`
)

// ListMembers lists a team's members with their names, users first by
// username, then service accounts.
func (tx *Tx) ListMembers(ctx context.Context, teamID string) ([]*roster.Membership, error) {
	rows, err := tx.query(ctx, `SELECT `+memberColumns+memberFrom+`
		WHERE m.team_id = ? ORDER BY m.principal_kind DESC, `+memberKey+`, m.principal_id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("list members of team %s: %w", teamID, err)
	}
	defer rows.Close()
	var out []*roster.Membership
	err = scanMembers(rows, func(m *roster.Membership, _ string) { out = append(out, m) })
	return out, err
}

// MemberFilter selects one page of a team's members.
type MemberFilter struct {
	Query  string // part of a username, name or email, without case
	Cursor string // the previous page's next cursor
	Limit  int
}

// ListMembersPage lists one page of a team's members in ListMembers'
// order, walking it by a keyset cursor; next is "" on the last page.
func (tx *Tx) ListMembersPage(ctx context.Context, teamID string, f MemberFilter) (page []*roster.Membership, next string, err error) {
	q, args := `SELECT `+memberColumns+`, `+memberKey+memberFrom+` WHERE m.team_id = ?`, []any{teamID}
	if f.Query != "" {
		q += ` AND COALESCE(u.search, LOWER(s.name)) LIKE ? ESCAPE '\'`
		args = append(args, "%"+escapeLike(strings.ToLower(f.Query))+"%")
	}
	if f.Cursor != "" {
		kindKey, id, err := decodeCursor(f.Cursor)
		kind, key, ok := strings.Cut(kindKey, "\t")
		if err != nil || !ok {
			return nil, "", roster.Errorf(roster.EInvalid, "cursor is not one this server gave out")
		}
		q += ` AND (m.principal_kind < ? OR (m.principal_kind = ? AND (` + memberKey + ` > ? OR (` + memberKey + ` = ? AND m.principal_id > ?))))`
		args = append(args, kind, kind, key, key, id)
	}
	q += ` ORDER BY m.principal_kind DESC, ` + memberKey + `, m.principal_id LIMIT ?`
	args = append(args, f.Limit+1)
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list members of team %s: %w", teamID, err)
	}
	defer rows.Close()
	var lastKey string
	err = scanMembers(rows, func(m *roster.Membership, key string) {
		if len(page) == f.Limit {
			if next == "" {
				last := page[len(page)-1]
				next = encodeCursor(string(last.PrincipalKind)+"\t"+lastKey, last.PrincipalID)
			}
			return
		}
		page, lastKey = append(page, m), key
	})
	return page, next, err
}

// scanMembers reads rows of memberColumns, with the sort key after them
// when the query selects it, and hands each to fn.
func scanMembers(rows *sql.Rows, fn func(m *roster.Membership, key string)) error {
	cols, err := rows.Columns()
	if err != nil {
		return mapError(err)
	}
	withKey := len(cols) > 16
	for rows.Next() {
		var m roster.Membership
		var joined sql.NullInt64
		var rID, rOrg, rName, rDesc, rBase, rPerms sql.NullString
		var key string
		dest := []any{&m.TeamID, &m.PrincipalID, &m.PrincipalKind, &m.Role, &m.ViaGroupClaim, &joined,
			&rID, &rOrg, &rName, &rDesc, &rBase, &rPerms, &m.Username, &m.Email, &m.Name, &m.Status}
		if withKey {
			dest = append(dest, &key)
		}
		if err := rows.Scan(dest...); err != nil {
			return mapError(err)
		}
		m.CreatedAt = fromMicros(joined)
		if rID.Valid {
			if m.CustomRole, err = customRoleFrom(rID.String, rOrg.String, rName.String, rDesc.String, rBase.String, rPerms.String); err != nil {
				return err
			}
		}
		fn(&m, key)
	}
	return mapError(rows.Err())
}

// ActiveTeamMember reports whether userID is an active user in the team (A5).
func (tx *Tx) ActiveTeamMember(ctx context.Context, teamID, userID string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM team_members m JOIN users u ON u.id = m.principal_id
		WHERE m.team_id = ? AND m.principal_id = ? AND u.status = 'active'`, teamID, userID).Scan(&n)
	return n > 0, mapError(err)
}
