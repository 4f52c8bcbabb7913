package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"roster"
)

const orgColumns = `id, name, display_name, status, created_at, updated_at`

func scanOrg(row interface{ Scan(...any) error }) (*roster.Organization, error) {
	var o roster.Organization
	var created, updated sql.NullInt64
	if err := row.Scan(&o.ID, &o.Name, &o.DisplayName, &o.Status, &created, &updated); err != nil {
		return nil, mapError(err)
	}
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &o, nil
}

// CreateOrganization inserts an active organization and its seat counter
// rows; a name another organization holds fails with roster.EConflict.
func (tx *Tx) CreateOrganization(ctx context.Context, o *roster.Organization) error {
	o.CreatedAt, o.UpdatedAt, o.Status = tx.now, tx.now, roster.OrgActive
	_, err := tx.exec(ctx, `INSERT INTO organizations (id, name, name_key, display_name, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, o.ID, o.Name, roster.Fold(o.Name), o.DisplayName, string(o.Status),
		micros(o.CreatedAt), micros(o.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert organization %s: %w", o.Name, err)
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO seat_counts (org_id, shard, used) VALUES `)
	args := make([]any, 0, 2*seatShards)
	for i := range seatShards {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, 0)")
		args = append(args, o.ID, i)
	}
	if _, err := tx.exec(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("insert seat counters of %s: %w", o.Name, err)
	}
	return nil
}

// Organization finds an organization that is not deleted by id or by
// name, case-insensitively.
func (tx *Tx) Organization(ctx context.Context, ref string) (*roster.Organization, error) {
	o, err := scanOrg(tx.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations
		WHERE status <> 'deleted' AND (id = ? OR name_key = ?)`, ref, roster.Fold(ref)))
	if err != nil {
		return nil, fmt.Errorf("organization %q: %w", ref, err)
	}
	return o, nil
}

// OrgStatus returns the status of an organization, deleted ones included.
func (tx *Tx) OrgStatus(ctx context.Context, orgID string) (roster.OrgStatus, error) {
	var s roster.OrgStatus
	if err := tx.queryRow(ctx, `SELECT status FROM organizations WHERE id = ?`, orgID).Scan(&s); err != nil {
		return "", fmt.Errorf("organization %s: %w", orgID, mapError(err))
	}
	return s, nil
}

// ListOrganizations returns the organizations that are not deleted, by
// name, each with its number of users, seat holders and teams (archived
// ones not counted).
func (tx *Tx) ListOrganizations(ctx context.Context) ([]*roster.OrgSummary, error) {
	return tx.orgSummaries(ctx, ``)
}

// OrganizationSummary is the organization ref names (its id or name,
// case-insensitively) with its use, as ListOrganizations gives it.
func (tx *Tx) OrganizationSummary(ctx context.Context, ref string) (*roster.OrgSummary, error) {
	out, err := tx.orgSummaries(ctx, `AND (o.id = ? OR o.name_key = ?)`, ref, roster.Fold(ref))
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("organization %q: %w", ref, roster.ErrNotFound)
	}
	return out[0], nil
}

// orgSummaries lists the organizations that are not deleted and meet cond.
func (tx *Tx) orgSummaries(ctx context.Context, cond string, args ...any) ([]*roster.OrgSummary, error) {
	rows, err := tx.query(ctx, `SELECT o.id, o.name, o.display_name, o.status, o.created_at, o.updated_at,
		(SELECT COUNT(*) FROM users u WHERE u.org_id = o.id AND u.status <> 'removed'),
		(SELECT COALESCE(SUM(c.used), 0) FROM seat_counts c WHERE c.org_id = o.id),
		(SELECT COUNT(*) FROM teams t WHERE t.org_id = o.id AND t.archived_at IS NULL)
		FROM organizations o WHERE o.status <> 'deleted' `+cond+` ORDER BY o.name_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	defer rows.Close()
	var out []*roster.OrgSummary
	for rows.Next() {
		var s roster.OrgSummary
		var created, updated sql.NullInt64
		if err := rows.Scan(&s.ID, &s.Name, &s.DisplayName, &s.Status, &created, &updated,
			&s.Users, &s.SeatsUsed, &s.Teams); err != nil {
			return nil, fmt.Errorf("list organizations: %w", mapError(err))
		}
		s.CreatedAt, s.UpdatedAt = fromMicros(created), fromMicros(updated)
		out = append(out, &s)
	}
	return out, mapError(rows.Err())
}

// UpdateOrganization writes o's name, display name and status. A deleted
// organization frees its name (name_key becomes NULL); a name another
// organization holds fails with roster.EConflict.
func (tx *Tx) UpdateOrganization(ctx context.Context, o *roster.Organization) error {
	o.UpdatedAt = tx.now
	key := sql.NullString{String: roster.Fold(o.Name), Valid: o.Status != roster.OrgDeleted}
	res, err := tx.exec(ctx, `UPDATE organizations SET name = ?, name_key = ?, display_name = ?, status = ?, updated_at = ?
		WHERE id = ?`, o.Name, key, o.DisplayName, string(o.Status), micros(o.UpdatedAt), o.ID)
	if err != nil {
		return fmt.Errorf("update organization %s: %w", o.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("update organization %s: %w", o.ID, roster.ErrNotFound)
	}
	return nil
}
