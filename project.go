package roster

import (
	"encoding/json"
	"strings"
	"time"
)

// Visibility says who may read a project (W1) and, when open, who may log
// runs to it.
type Visibility string

// Project visibilities.
const (
	VisibilityTeam       Visibility = "team"
	VisibilityRestricted Visibility = "restricted"
	VisibilityPublic     Visibility = "public"
	// VisibilityOpen lets every member of the organization read the
	// project and log runs to it (W&B's Open scope).
	VisibilityOpen Visibility = "open"
)

// ParseVisibility reads a visibility; empty means team.
func ParseVisibility(s string) (Visibility, error) {
	switch v := Visibility(strings.ToLower(strings.TrimSpace(s))); v {
	case "":
		return VisibilityTeam, nil
	case VisibilityTeam, VisibilityRestricted, VisibilityPublic, VisibilityOpen:
		return v, nil
	}
	return "", ReasonErrorf(EInvalid, ReasonInvalidVisibility, "visibility must be open, public, team or restricted, not %q", s)
}

// Project belongs to a team and holds runs.
type Project struct {
	ID          string
	OrgID       string
	TeamID      string
	Name        string
	Description string
	Visibility  Visibility
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Filled by reads.
	CreatorName string
}

// ValidateProject checks a project's name and description.
func ValidateProject(p *Project) error {
	if !usernameRE.MatchString(p.Name) {
		return ReasonErrorf(EInvalid, ReasonInvalidProjectName, "project name must be 1 to 64 characters of letters, digits, '_' or '-'")
	}
	if err := ValidateText("description", p.Description, 4096); err != nil {
		return err
	}
	return nil
}

// RunState is where a run stands (W2).
type RunState string

// Run states.
const (
	RunRunning  RunState = "running"
	RunFinished RunState = "finished"
	RunCrashed  RunState = "crashed"
	RunStopped  RunState = "stopped"
)

// ParseRunState reads a run state.
func ParseRunState(s string) (RunState, error) {
	switch st := RunState(strings.ToLower(strings.TrimSpace(s))); st {
	case RunRunning, RunFinished, RunCrashed, RunStopped:
		return st, nil
	}
	return "", ReasonErrorf(EInvalid, ReasonInvalidState, "run state must be running, finished, crashed or stopped, not %q", s)
}

// MaxRunJSON bounds a run's config and summary documents.
const MaxRunJSON = 256 << 10

// Run is one logged experiment run.
type Run struct {
	ID         string
	OrgID      string
	TeamID     string
	ProjectID  string
	Name       string
	State      RunState
	Config     json.RawMessage
	Summary    json.RawMessage
	CreatorID  string // the principal whose key made it
	AuthorID   string // the credited user (A5); the creator when none
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
	// Filled by reads.
	AuthorName  string
	CreatorName string
}

// ValidateRun checks a run's name and JSON documents.
func ValidateRun(r *Run) error {
	if err := ValidateText("run name", r.Name, MaxNameLen); err != nil {
		return err
	}
	for name, doc := range map[string]json.RawMessage{"config": r.Config, "summary": r.Summary} {
		if len(doc) == 0 {
			continue
		}
		if len(doc) > MaxRunJSON {
			return Errorf(ETooLarge, "run %s must be at most %d bytes of JSON", name, MaxRunJSON)
		}
		if !json.Valid(doc) || strings.TrimSpace(string(doc))[0] != '{' {
			return Errorf(EInvalid, "run %s must be a JSON object", name)
		}
	}
	return nil
}

// ServiceAccount is an API-key identity (P2, A1).
type ServiceAccount struct {
	ID            string
	OrgID         string
	Name          string
	TeamID        string // set for team service accounts
	DefaultTeamID string // organization service accounts' default team
	CreatedBy     string
	CreatedAt     time.Time
	// Subject makes an external service account: it has no API key and
	// signs in with JWTs whose sub is this (identity federation).
	Subject string
	// Filled by reads.
	TeamName string
}

// SharesBeyondTeam reports whether the visibility shows the project to
// the organization outside its team (public and open), which teams that
// keep projects private or forbid public sharing refuse (T6).
func (v Visibility) SharesBeyondTeam() bool { return v == VisibilityPublic || v == VisibilityOpen }

// IsOrgScoped reports whether the account acts across the organization.
func (sa *ServiceAccount) IsOrgScoped() bool { return sa.TeamID == "" }
