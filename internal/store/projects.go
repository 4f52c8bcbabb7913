package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"roster"
)

const projectColumns = `p.id, p.org_id, p.team_id, p.name, p.description, p.visibility, p.created_by, p.created_at, p.updated_at,
	COALESCE((SELECT COALESCE(NULLIF(u.username, ''), u.email) FROM users u WHERE u.id = p.created_by),
		(SELECT s.name FROM service_accounts s WHERE s.id = p.created_by), '')`

func scanProject(row interface{ Scan(...any) error }) (*roster.Project, error) {
	var p roster.Project
	var created, updated sql.NullInt64
	if err := row.Scan(&p.ID, &p.OrgID, &p.TeamID, &p.Name, &p.Description, &p.Visibility, &p.CreatedBy,
		&created, &updated, &p.CreatorName); err != nil {
		return nil, mapError(err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// CreateProject inserts a project.
func (tx *Tx) CreateProject(ctx context.Context, p *roster.Project) error {
	p.CreatedAt, p.UpdatedAt = tx.now, tx.now
	_, err := tx.exec(ctx, `INSERT INTO projects (id, org_id, team_id, name, name_key, description, visibility, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.OrgID, p.TeamID, p.Name, roster.Fold(p.Name), p.Description,
		string(p.Visibility), p.CreatedBy, micros(p.CreatedAt), micros(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert project: %w", err)
	}
	return nil
}

// UpdateProject writes a project's description and visibility.
func (tx *Tx) UpdateProject(ctx context.Context, p *roster.Project) error {
	p.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE projects SET description = ?, visibility = ?, updated_at = ? WHERE id = ?`,
		p.Description, string(p.Visibility), micros(p.UpdatedAt), p.ID)
	if err != nil {
		return fmt.Errorf("update project %s: %w", p.ID, err)
	}
	return nil
}

// ProjectForUpdate locks a project's row for the rest of the transaction
// and reads it fresh, for a read-modify-write (see tx.go).
func (tx *Tx) ProjectForUpdate(ctx context.Context, projectID string) (*roster.Project, error) {
	p, err := scanProject(tx.queryRow(ctx, `SELECT `+projectColumns+` FROM projects p WHERE p.id = ?`+tx.forUpdate("p"), projectID))
	if err != nil {
		return nil, fmt.Errorf("lock project %s: %w", projectID, err)
	}
	return p, nil
}

// DeleteProject deletes a project with its runs and members.
func (tx *Tx) DeleteProject(ctx context.Context, id string) error {
	for _, q := range []string{`DELETE FROM runs WHERE project_id = ?`, `DELETE FROM project_members WHERE project_id = ?`, `DELETE FROM project_service_accounts WHERE project_id = ?`, `DELETE FROM projects WHERE id = ?`} {
		if _, err := tx.exec(ctx, q, id); err != nil {
			return fmt.Errorf("delete project %s: %w", id, err)
		}
	}
	return nil
}

// projectMemberExists tells whether a principal (a user or a service
// account, both bound twice) was added to project p.
const projectMemberExists = `(EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = p.id AND pm.user_id = ?)
		OR EXISTS (SELECT 1 FROM project_service_accounts ps WHERE ps.project_id = p.id AND ps.service_account_id = ?))`

// ProjectWithMember finds a team's project by id or name, and whether
// principalID (a user or a service account) was added to it.
func (tx *Tx) ProjectWithMember(ctx context.Context, teamID, ref, principalID string) (*roster.Project, bool, error) {
	var member bool
	p, err := scanProject(scanBack{tx.queryRow(ctx, `SELECT `+projectColumns+`,
		`+projectMemberExists+`
		FROM projects p WHERE p.team_id = ? AND (p.id = ? OR p.name_key = ?)`, principalID, principalID, teamID, ref, roster.Fold(ref)), []any{&member}})
	if err != nil {
		return nil, false, fmt.Errorf("project %q: %w", ref, err)
	}
	return p, member, nil
}

// ProjectListEntry is a project with whether the lister was added to it.
type ProjectListEntry struct {
	Project *roster.Project
	Member  bool
}

// ListProjects lists a team's projects by name.
func (tx *Tx) ListProjects(ctx context.Context, teamID, principalID string) ([]ProjectListEntry, error) {
	rows, err := tx.query(ctx, `SELECT `+projectColumns+`,
		`+projectMemberExists+`
		FROM projects p WHERE p.team_id = ? ORDER BY p.name_key`, principalID, principalID, teamID)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	var out []ProjectListEntry
	for rows.Next() {
		var e ProjectListEntry
		if e.Project, err = scanProject(scanBack{rows, []any{&e.Member}}); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapError(rows.Err())
}

// projectMemberTable names where a kind of principal is added to
// restricted projects.
func projectMemberTable(kind roster.PrincipalKind) (table, column string) {
	if kind == roster.KindServiceAccount {
		return "project_service_accounts", "service_account_id"
	}
	return "project_members", "user_id"
}

// AddProjectMember adds a user or a service account to a restricted project.
func (tx *Tx) AddProjectMember(ctx context.Context, projectID, principalID string, kind roster.PrincipalKind) error {
	table, column := projectMemberTable(kind)
	_, err := tx.exec(ctx, `INSERT INTO `+table+` (project_id, `+column+`, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		projectID, principalID, tx.now.UnixMicro())
	if err != nil {
		return fmt.Errorf("add project member: %w", err)
	}
	return nil
}

// RemoveProjectMember removes a user or a service account from a
// restricted project.
func (tx *Tx) RemoveProjectMember(ctx context.Context, projectID, principalID string, kind roster.PrincipalKind) error {
	table, column := projectMemberTable(kind)
	res, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE project_id = ? AND `+column+` = ?`, projectID, principalID)
	if err != nil {
		return fmt.Errorf("remove project member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("project member: %w", roster.ErrNotFound)
	}
	return nil
}

const runColumns = `r.id, r.org_id, r.team_id, r.project_id, r.name, r.state, r.config, r.summary, r.creator_id, r.author_id,
	r.created_at, r.updated_at, r.finished_at,
	COALESCE((SELECT COALESCE(NULLIF(u.username, ''), u.email) FROM users u WHERE u.id = r.author_id),
		(SELECT s.name FROM service_accounts s WHERE s.id = r.author_id), ''),
	COALESCE((SELECT COALESCE(NULLIF(u.username, ''), u.email) FROM users u WHERE u.id = r.creator_id),
		(SELECT s.name FROM service_accounts s WHERE s.id = r.creator_id), '')`

func scanRun(row interface{ Scan(...any) error }) (*roster.Run, error) {
	var r roster.Run
	var config, summary string
	var created, updated, finished sql.NullInt64
	if err := row.Scan(&r.ID, &r.OrgID, &r.TeamID, &r.ProjectID, &r.Name, &r.State, &config, &summary, &r.CreatorID, &r.AuthorID,
		&created, &updated, &finished, &r.AuthorName, &r.CreatorName); err != nil {
		return nil, mapError(err)
	}
	r.Config, r.Summary = json.RawMessage(config), json.RawMessage(summary)
	r.CreatedAt, r.UpdatedAt, r.FinishedAt = fromMicros(created), fromMicros(updated), fromMicros(finished)
	return &r, nil
}

func jsonText(doc json.RawMessage) string {
	if len(doc) == 0 {
		return "{}"
	}
	return string(doc)
}

// CreateRun inserts a run.
func (tx *Tx) CreateRun(ctx context.Context, r *roster.Run) error {
	r.CreatedAt, r.UpdatedAt = tx.now, tx.now
	_, err := tx.exec(ctx, `INSERT INTO runs (id, org_id, team_id, project_id, name, state, config, summary, creator_id, author_id,
		created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OrgID, r.TeamID, r.ProjectID, r.Name, string(r.State), jsonText(r.Config), jsonText(r.Summary),
		r.CreatorID, r.AuthorID, micros(r.CreatedAt), micros(r.UpdatedAt), micros(r.FinishedAt))
	if err != nil {
		return fmt.Errorf("insert run: %w", err)
	}
	return nil
}

// UpdateRun writes a run's name, state, config and summary.
func (tx *Tx) UpdateRun(ctx context.Context, r *roster.Run) error {
	r.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE runs SET name = ?, state = ?, config = ?, summary = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
		r.Name, string(r.State), jsonText(r.Config), jsonText(r.Summary), micros(r.UpdatedAt), micros(r.FinishedAt), r.ID)
	if err != nil {
		return fmt.Errorf("update run %s: %w", r.ID, err)
	}
	return nil
}

// DeleteRun deletes a run.
func (tx *Tx) DeleteRun(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `DELETE FROM runs WHERE id = ?`, id)
	return err
}

// Run finds a project's run by id.
func (tx *Tx) Run(ctx context.Context, projectID, id string) (*roster.Run, error) {
	r, err := scanRun(tx.queryRow(ctx, `SELECT `+runColumns+` FROM runs r WHERE r.project_id = ? AND r.id = ?`, projectID, id))
	if err != nil {
		return nil, fmt.Errorf("run %q: %w", id, err)
	}
	return r, nil
}

// RunForUpdate locks a project's run for the rest of the transaction and
// reads it fresh, for a read-modify-write (see tx.go).
func (tx *Tx) RunForUpdate(ctx context.Context, projectID, id string) (*roster.Run, error) {
	r, err := scanRun(tx.queryRow(ctx, `SELECT `+runColumns+` FROM runs r WHERE r.project_id = ? AND r.id = ?`+tx.forUpdate("r"), projectID, id))
	if err != nil {
		return nil, fmt.Errorf("lock run %q: %w", id, err)
	}
	return r, nil
}

// ListRuns lists a project's runs, newest first, at most limit.
func (tx *Tx) ListRuns(ctx context.Context, projectID string, limit int) ([]*roster.Run, error) {
	rows, err := tx.query(ctx, `SELECT `+runColumns+` FROM runs r WHERE r.project_id = ? ORDER BY r.created_at DESC, r.id LIMIT ?`, projectID, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []*roster.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapError(rows.Err())
}
