package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"roster"
)

const teamColumns = `t.id, t.org_id, t.name, t.display_name, t.storage, t.settings, t.alerts, t.created_by, t.created_at, t.updated_at, t.archived_at,
	EXISTS (SELECT 1 FROM team_avatars a WHERE a.team_id = t.id)`

func scanTeam(row interface{ Scan(...any) error }) (*roster.Team, error) {
	var t roster.Team
	var storage, settings, alerts string
	var created, updated, archived sql.NullInt64
	if err := row.Scan(&t.ID, &t.OrgID, &t.Name, &t.DisplayName, &storage, &settings, &alerts, &t.CreatedBy,
		&created, &updated, &archived, &t.HasAvatar); err != nil {
		return nil, mapError(err)
	}
	if err := unmarshalAll(map[string]any{storage: &t.Storage, settings: &t.Settings, alerts: &t.Alerts}); err != nil {
		return nil, fmt.Errorf("team %s: %w", t.ID, err)
	}
	t.CreatedAt, t.UpdatedAt, t.ArchivedAt = fromMicros(created), fromMicros(updated), fromMicros(archived)
	return &t, nil
}

func unmarshalAll(docs map[string]any) error {
	for doc, dst := range docs {
		if err := json.Unmarshal([]byte(doc), dst); err != nil {
			return fmt.Errorf("decode stored JSON: %w", err)
		}
	}
	return nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are stored
	}
	return string(b)
}

// CreateTeam inserts a team.
func (tx *Tx) CreateTeam(ctx context.Context, t *roster.Team) error {
	t.CreatedAt, t.UpdatedAt = tx.now, tx.now
	_, err := tx.exec(ctx, `INSERT INTO teams (id, org_id, name, name_key, display_name, display_key, storage, settings, alerts,
		created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrgID, t.Name, roster.Fold(t.Name), t.DisplayName, roster.Fold(t.DisplayName), mustJSON(t.Storage),
		mustJSON(t.Settings), mustJSON(t.Alerts), t.CreatedBy, micros(t.CreatedAt), micros(t.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert team: %w", err)
	}
	return nil
}

// UpdateTeam writes a team's mutable fields; storage never changes (T2).
func (tx *Tx) UpdateTeam(ctx context.Context, t *roster.Team) error {
	t.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE teams SET name = ?, name_key = ?, display_name = ?, display_key = ?, settings = ?, alerts = ?,
		updated_at = ?, archived_at = ? WHERE id = ?`,
		t.Name, roster.Fold(t.Name), t.DisplayName, roster.Fold(t.DisplayName), mustJSON(t.Settings), mustJSON(t.Alerts),
		micros(t.UpdatedAt), micros(t.ArchivedAt), t.ID)
	if err != nil {
		return fmt.Errorf("update team %s: %w", t.ID, err)
	}
	return nil
}

// TeamForUpdate locks a team's row for the rest of the transaction and
// reads it fresh, archived or not, for a read-modify-write (see tx.go).
func (tx *Tx) TeamForUpdate(ctx context.Context, teamID string) (*roster.Team, error) {
	t, err := scanTeam(tx.queryRow(ctx, `SELECT `+teamColumns+` FROM teams t WHERE t.id = ?`+tx.forUpdate("t"), teamID))
	if err != nil {
		return nil, fmt.Errorf("lock team %s: %w", teamID, err)
	}
	return t, nil
}

// LockTeam serializes transactions that check a team-wide invariant, its
// last admin (T5), on PostgreSQL; SQLite's single writer already does. NO
// KEY UPDATE leaves concurrent inserts of memberships, which only take a
// key-share lock on the team row, free to proceed.
func (tx *Tx) LockTeam(ctx context.Context, teamID string) error {
	if tx.engine != Postgres || !tx.once("team:"+teamID) {
		return nil
	}
	var id string
	err := tx.queryRow(ctx, `SELECT id FROM teams WHERE id = ? FOR NO KEY UPDATE`, teamID).Scan(&id)
	if err != nil {
		return fmt.Errorf("lock team %s: %w", teamID, mapError(err))
	}
	return nil
}

// TeamNameTaken reports whether a team already has this name.
func (tx *Tx) TeamNameTaken(ctx context.Context, orgID, name string) (bool, error) {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM teams WHERE org_id = ? AND name_key = ?`, orgID, roster.Fold(name)).Scan(&n)
	return n > 0, mapError(err)
}

// TeamWithMember finds a team by id, name or display name (archived ones
// too) with principalID's membership in it, in one round trip. Each way of
// naming the team is its own indexed lookup: with the three joined by OR,
// SQLite scans every team of the organization.
func (tx *Tx) TeamWithMember(ctx context.Context, orgID, ref, principalID string) (*roster.Team, *roster.Membership, error) {
	key := roster.Fold(ref)
	row := tx.queryRow(ctx, `SELECT `+teamColumns+`, m.principal_kind, m.role, m.via_group, m.created_at,
		r.id, r.name, r.description, r.base, r.permissions
		FROM teams t
		LEFT JOIN team_members m ON m.team_id = t.id AND m.principal_id = ?
		LEFT JOIN custom_roles r ON r.id = m.custom_role_id
		WHERE t.id IN (SELECT id FROM teams WHERE id = ? AND org_id = ?
			UNION ALL SELECT id FROM teams WHERE org_id = ? AND name_key = ?
			UNION ALL SELECT id FROM teams WHERE org_id = ? AND display_key = ?)
		ORDER BY CASE WHEN t.id = ? THEN 0 WHEN t.name_key = ? THEN 1 ELSE 2 END, t.created_at LIMIT 1`,
		principalID, ref, orgID, orgID, key, orgID, key, ref, key)
	var kind, role, rID, rName, rDesc, rBase, rPerms sql.NullString
	var viaGroup sql.NullBool
	var joined sql.NullInt64
	t, err := scanTeam(scanBack{row, []any{&kind, &role, &viaGroup, &joined, &rID, &rName, &rDesc, &rBase, &rPerms}})
	if err != nil {
		return nil, nil, fmt.Errorf("team %q: %w", ref, err)
	}
	if !role.Valid {
		return t, nil, nil
	}
	m := &roster.Membership{TeamID: t.ID, PrincipalID: principalID, PrincipalKind: roster.PrincipalKind(kind.String),
		Role: roster.TeamRole(role.String), ViaGroupClaim: viaGroup.Bool, CreatedAt: fromMicros(joined)}
	if rID.Valid {
		m.CustomRole, err = customRoleFrom(rID.String, orgID, rName.String, rDesc.String, rBase.String, rPerms.String)
		if err != nil {
			return nil, nil, err
		}
	}
	return t, m, nil
}

// scanBack scans a row's leading columns into the caller's dest and the
// trailing ones into back.
type scanBack struct {
	row  interface{ Scan(...any) error }
	back []any
}

func (s scanBack) Scan(dest ...any) error { return s.row.Scan(append(dest, s.back...)...) }

// TeamListEntry is a team with the listing principal's role in it.
type TeamListEntry struct {
	Team     *roster.Team
	RoleName string // "" when not a member
	Members  int
}

// ListTeams lists the organization's teams by name; archived ones only
// when archived is true.
func (tx *Tx) ListTeams(ctx context.Context, orgID, principalID string, archived bool) ([]TeamListEntry, error) {
	cond := "t.archived_at IS NULL"
	if archived {
		cond = "t.archived_at IS NOT NULL"
	}
	rows, err := tx.query(ctx, `SELECT `+teamColumns+`, COALESCE(r.name, m.role, ''),
		(SELECT COUNT(*) FROM team_members c WHERE c.team_id = t.id)
		FROM teams t
		LEFT JOIN team_members m ON m.team_id = t.id AND m.principal_id = ?
		LEFT JOIN custom_roles r ON r.id = m.custom_role_id
		WHERE t.org_id = ? AND `+cond+` ORDER BY t.name_key`, principalID, orgID)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	defer rows.Close()
	var out []TeamListEntry
	for rows.Next() {
		var e TeamListEntry
		t, err := scanTeam(scanBack{rows, []any{&e.RoleName, &e.Members}})
		if err != nil {
			return nil, fmt.Errorf("list teams: %w", err)
		}
		e.Team = t
		out = append(out, e)
	}
	return out, mapError(rows.Err())
}

// OrgPolicy reads the organization's privacy enforcement (T6).
func (tx *Tx) OrgPolicy(ctx context.Context, orgID string) (roster.PrivacyPolicy, error) {
	var p roster.PrivacyPolicy
	var doc string
	if err := tx.queryRow(ctx, `SELECT policy FROM organizations WHERE id = ?`, orgID).Scan(&doc); err != nil {
		return p, fmt.Errorf("organization policy: %w", mapError(err))
	}
	return p, unmarshalAll(map[string]any{doc: &p})
}

// SetOrgPolicy writes the organization's privacy enforcement.
func (tx *Tx) SetOrgPolicy(ctx context.Context, orgID string, p roster.PrivacyPolicy) error {
	_, err := tx.exec(ctx, `UPDATE organizations SET policy = ? WHERE id = ?`, mustJSON(p), orgID)
	return err
}

// SetTeamAvatar stores a team's avatar image.
func (tx *Tx) SetTeamAvatar(ctx context.Context, teamID, contentType string, data []byte) error {
	_, err := tx.exec(ctx, `INSERT INTO team_avatars (team_id, content_type, data, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (team_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, updated_at = excluded.updated_at`,
		teamID, contentType, data, tx.now.UnixMicro())
	if err != nil {
		return fmt.Errorf("store avatar of team %s: %w", teamID, err)
	}
	return nil
}

// TeamAvatar reads a team's avatar image.
func (tx *Tx) TeamAvatar(ctx context.Context, teamID string) (contentType string, data []byte, err error) {
	err = tx.queryRow(ctx, `SELECT content_type, data FROM team_avatars WHERE team_id = ?`, teamID).Scan(&contentType, &data)
	if err != nil {
		return "", nil, fmt.Errorf("avatar of team %s: %w", teamID, mapError(err))
	}
	return contentType, data, nil
}

// TeamUsage is the usage figures of T10.
type TeamUsage struct {
	Members, Projects, Runs int
	StoredBytes             int64
	RunsPerDay              map[string]int // YYYY-MM-DD -> runs created that day
}

// TeamUsage counts a team's members, projects, runs and stored run data,
// and runs per day since since.
func (tx *Tx) TeamUsage(ctx context.Context, teamID string, since int64) (*TeamUsage, error) {
	u := &TeamUsage{RunsPerDay: map[string]int{}}
	err := tx.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM team_members WHERE team_id = ?),
		(SELECT COUNT(*) FROM projects WHERE team_id = ?),
		(SELECT COUNT(*) FROM runs WHERE team_id = ?),
		(SELECT COALESCE(SUM(LENGTH(config) + LENGTH(summary)), 0) FROM runs WHERE team_id = ?)`,
		teamID, teamID, teamID, teamID).Scan(&u.Members, &u.Projects, &u.Runs, &u.StoredBytes)
	if err != nil {
		return nil, fmt.Errorf("usage of team %s: %w", teamID, mapError(err))
	}
	rows, err := tx.query(ctx, `SELECT created_at FROM runs WHERE team_id = ? AND created_at >= ?`, teamID, since)
	if err != nil {
		return nil, fmt.Errorf("runs per day of team %s: %w", teamID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var at sql.NullInt64
		if err := rows.Scan(&at); err != nil {
			return nil, mapError(err)
		}
		u.RunsPerDay[fromMicros(at).Format("2006-01-02")]++
	}
	return u, mapError(rows.Err())
}

// TeamNameClash returns a team of the organization, other than exceptID
// and not archived, whose display name equals one of displays or whose
// name equals one of names (compared by roster.Fold), or ErrNotFound.
func (tx *Tx) TeamNameClash(ctx context.Context, orgID, exceptID string, displays, names []string) (*roster.Team, error) {
	var conds []string
	args := []any{orgID, exceptID}
	for _, d := range displays {
		conds, args = append(conds, "t.display_key = ?"), append(args, roster.Fold(strings.TrimSpace(d)))
	}
	for _, n := range names {
		conds, args = append(conds, "t.name_key = ?"), append(args, roster.Fold(strings.TrimSpace(n)))
	}
	if len(conds) == 0 {
		return nil, roster.ErrNotFound
	}
	t, err := scanTeam(tx.queryRow(ctx, `SELECT `+teamColumns+` FROM teams t WHERE t.org_id = ? AND t.id <> ?
		AND t.archived_at IS NULL AND (`+strings.Join(conds, " OR ")+`) ORDER BY t.created_at, t.id LIMIT 1`, args...))
	if err != nil {
		return nil, fmt.Errorf("team name clash: %w", err)
	}
	return t, nil
}
