package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif"  // registers GIF for avatar checks
	_ "image/jpeg" // registers JPEG for avatar checks
	_ "image/png"  // registers PNG for avatar checks
	"slices"
	"strings"
	"time"

	"roster"
	"roster/internal/store"
)

// CreateTeamInput is the "Create new team" form (T2).
type CreateTeamInput struct {
	Name        string
	DisplayName string
	Storage     roster.Storage
}

// CanCreateTeam says whether a may create a team: organization admins,
// and members while user team creation is allowed; refused otherwise.
func (s *Service) CanCreateTeam(a roster.Actor) error {
	if err := requireUser(a); err != nil {
		return err
	}
	switch {
	case a.IsOrgAdmin():
	case a.User.Role == roster.OrgMember && s.cfg.AllowUserTeamCreation:
	default:
		return roster.ReasonErrorf(roster.EForbidden, roster.ReasonTeamCreationDisabled, "only organization admins may create teams here")
	}
	return nil
}

// CreateTeam creates a team whose creator becomes its first admin (T2, O6).
func (s *Service) CreateTeam(ctx context.Context, a roster.Actor, in CreateTeamInput) (*roster.Team, error) {
	if err := s.CanCreateTeam(a); err != nil {
		return nil, err
	}
	if err := roster.ValidateTeamName(in.Name); err != nil {
		return nil, err
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Name
	}
	if err := roster.ValidateDisplayName(in.DisplayName); err != nil {
		return nil, err
	}
	if err := roster.ValidateStorage(&in.Storage); err != nil {
		return nil, err
	}
	t := &roster.Team{ID: roster.NewID("t"), OrgID: orgID(a), Name: in.Name, DisplayName: in.DisplayName,
		Storage: in.Storage, CreatedBy: a.UserID()}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if taken, err := tx.TeamNameTaken(ctx, t.OrgID, t.Name); err != nil {
			return err
		} else if taken {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonTeamNameTaken, "a team named %s already exists", t.Name)
		}
		if err := ensureTeamNamesFree(ctx, tx, t); err != nil {
			return err
		}
		if err := tx.CreateTeam(ctx, t); err != nil {
			if roster.ErrorCode(err) == roster.EConflict { // lost a race for the name
				return roster.ReasonErrorf(roster.EConflict, roster.ReasonTeamNameTaken, "a team named %s already exists", t.Name)
			}
			return err
		}
		m := &roster.Membership{TeamID: t.ID, PrincipalID: a.UserID(), PrincipalKind: roster.KindUser, Role: roster.TeamAdmin}
		if err := tx.AddMember(ctx, m); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActTeamCreate, teamWhere(t), "storage "+t.Storage.Type)
	})
	if err != nil {
		return nil, fmt.Errorf("create team %s: %w", in.Name, err)
	}
	return t, nil
}

// TeamInfo is a team with the actor's standing in it.
type TeamInfo struct {
	Team        *roster.Team
	Settings    roster.TeamSettings // effective, after enforcement
	Policy      roster.PrivacyPolicy
	Role        string // the actor's role name; "" when not a member
	Permissions []roster.Permission
	// IDPGroups are the identity provider groups (ids, paths) the SSO
	// groups claim matches the team by; nil when the actor may not read
	// the team's settings.
	IDPGroups []string
}

// GetTeam returns a team the actor may see.
func (s *Service) GetTeam(ctx context.Context, a roster.Actor, ref string) (*TeamInfo, error) {
	var info *TeamInfo
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		info, err = s.teamInfo(ctx, tx, v)
		return err
	})
	return info, err
}

func (s *Service) teamInfo(ctx context.Context, tx *store.Tx, v *teamView) (*TeamInfo, error) {
	policy, err := tx.OrgPolicy(ctx, v.team.OrgID)
	if err != nil {
		return nil, err
	}
	t := v.team
	if !v.perms.Has(roster.PermTeamRead) {
		// A visible team shows non-members its name and privacy, not its
		// bucket or its webhook URL, which is a secret (D5).
		shown := *t
		shown.Storage, shown.Alerts = roster.Storage{Type: t.Storage.Type}, roster.TeamAlerts{}
		t = &shown
	}
	info := &TeamInfo{Team: t, Settings: v.access.Settings, Policy: policy, Permissions: v.perms.List()}
	if v.perms.Has(roster.PermTeamRead) {
		if info.IDPGroups, err = tx.TeamIDPGroups(ctx, t.ID); err != nil {
			return nil, err
		}
	}
	if v.member != nil {
		info.Role = v.member.RoleName()
	}
	return info, nil
}

// ListTeams lists the teams the actor may see; archived ones for admins.
func (s *Service) ListTeams(ctx context.Context, a roster.Actor, archived bool) ([]store.TeamListEntry, error) {
	if err := requirePrincipal(a); err != nil {
		return nil, err
	}
	if archived {
		if err := requireAdmin(a); err != nil {
			return nil, err
		}
	}
	var out []store.TeamListEntry
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		all, err := tx.ListTeams(ctx, orgID(a), a.PrincipalID(), archived)
		if err != nil {
			return err
		}
		policy, err := tx.OrgPolicy(ctx, orgID(a))
		if err != nil {
			return err
		}
		for _, e := range all {
			var m *roster.Membership
			if e.RoleName != "" {
				m = &roster.Membership{Role: roster.TeamRole(e.RoleName)}
			}
			acc := s.teamAccess(a, e.Team, m, policy)
			// Archived teams are listed to admins on purpose.
			acc.Archived = false
			if acc.CanSeeTeam() {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

// UpdateTeamInput changes a team; nil fields stay as they are.
type UpdateTeamInput struct {
	DisplayName *string
	Settings    *roster.PrivacyPolicy // the switches to set; absent ones stay
	Alerts      *roster.TeamAlerts
	Storage     *roster.Storage // refused: storage is fixed at creation
	// IDPGroups replaces the identity provider groups the team is matched
	// by; organization admins only.
	IDPGroups *[]string
}

// UpdateTeam changes a team's display name, privacy switches or alerts.
func (s *Service) UpdateTeam(ctx context.Context, a roster.Actor, ref string, in UpdateTeamInput) (*TeamInfo, error) {
	var info *TeamInfo
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermTeamUpdateSettings); err != nil {
			return err
		}
		if err := lockTeamView(ctx, tx, v, ref, false); err != nil {
			return err
		}
		t := v.team
		if in.Storage != nil {
			st := *in.Storage
			if err := roster.ValidateStorage(&st); err != nil || st != t.Storage {
				return roster.ReasonErrorf(roster.EConflict, roster.ReasonStorageFixed, "a team's storage is fixed at creation and cannot be changed")
			}
		}
		var changed []string
		if in.DisplayName != nil && *in.DisplayName != t.DisplayName {
			if err := roster.ValidateDisplayName(*in.DisplayName); err != nil {
				return err
			}
			t.DisplayName, changed = *in.DisplayName, append(changed, "display name")
			if err := ensureTeamNamesFree(ctx, tx, t); err != nil {
				return err
			}
		}
		if in.Settings != nil {
			policy, err := tx.OrgPolicy(ctx, t.OrgID)
			if err != nil {
				return err
			}
			if err := checkEnforced(policy, *in.Settings); err != nil {
				return err
			}
			if next := in.Settings.Apply(t.Settings); next != t.Settings {
				t.Settings, changed = next, append(changed, "privacy")
			}
		}
		if in.Alerts != nil && *in.Alerts != t.Alerts {
			if err := roster.ValidateAlerts(*in.Alerts, s.webhooks.AllowsLoopback()); err != nil {
				return err
			}
			t.Alerts, changed = *in.Alerts, append(changed, "alerts")
		}
		if in.IDPGroups != nil {
			moved, err := setIDPGroups(ctx, tx, a, t, *in.IDPGroups)
			if err != nil {
				return err
			}
			if moved {
				changed = append(changed, "idp groups")
			}
		}
		if len(changed) > 0 {
			if err := tx.UpdateTeam(ctx, t); err != nil {
				return err
			}
			if err := auditAt(ctx, tx, a, roster.ActTeamUpdate, teamWhere(t), fmt.Sprint(changed)); err != nil {
				return err
			}
		}
		info, err = s.teamInfo(ctx, tx, v)
		if info != nil {
			info.Settings = info.Policy.Apply(t.Settings)
		}
		return err
	})
	return info, err
}

// setIDPGroups replaces the identity provider groups team t is matched
// by, and reports whether they changed. Only organization admins may: a
// mapping decides who joins the team at every sign-in.
func setIDPGroups(ctx context.Context, tx *store.Tx, a roster.Actor, t *roster.Team, groups []string) (bool, error) {
	if err := requireAdmin(a); err != nil {
		return false, err
	}
	next, err := roster.CleanIDPGroups(groups)
	if err != nil {
		return false, err
	}
	old, err := tx.TeamIDPGroups(ctx, t.ID)
	if err != nil {
		return false, err
	}
	if sameFolded(old, next) {
		return false, nil
	}
	return true, tx.SetTeamIDPGroups(ctx, t, next)
}

// sameFolded reports whether two lists hold the same values, ignoring
// order and case.
func sameFolded(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	set := map[string]bool{}
	for _, x := range a {
		set[roster.Fold(x)] = true
	}
	for _, y := range b {
		if !set[roster.Fold(y)] {
			return false
		}
	}
	return true
}

// lockTeamView locks v's team row and replaces v.team with the row read
// under the lock, so that a change is made to the state it replaces and
// concurrent changes of other fields survive. A team archived meanwhile is
// not found unless archived is true, as loadTeam would have answered.
func lockTeamView(ctx context.Context, tx *store.Tx, v *teamView, ref string, archived bool) error {
	t, err := tx.TeamForUpdate(ctx, v.team.ID)
	if roster.IsNotFound(err) || err == nil && !archived && !t.ArchivedAt.IsZero() {
		return errNoTeam(ref)
	}
	if err != nil {
		return err
	}
	v.team = t
	return nil
}

// checkEnforced refuses setting a switch against the organization's
// enforcement (T6); switches the change leaves out are not checked.
func checkEnforced(p, change roster.PrivacyPolicy) error {
	for _, sw := range roster.PrivacySwitches {
		enforced, want := sw.Of(p), sw.Of(change)
		if enforced != nil && want != nil && *enforced != *want {
			return roster.ReasonErrorf(roster.EConflict, roster.ReasonSettingEnforced,
				"%s is enforced as %v by the organization and cannot be changed by a team", sw.Key, *enforced)
		}
	}
	return nil
}

// ArchiveTeam archives a team (T11): it leaves every list and its members
// lose access, while projects and runs are kept. Organization admins only.
func (s *Service) ArchiveTeam(ctx context.Context, a roster.Actor, ref string) error {
	return s.setArchived(ctx, a, ref, true)
}

// RestoreTeam brings an archived team back (T11). Organization admins only.
func (s *Service) RestoreTeam(ctx context.Context, a roster.Actor, ref string) error {
	return s.setArchived(ctx, a, ref, false)
}

func (s *Service) setArchived(ctx context.Context, a roster.Actor, ref string, archive bool) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeamAny(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		if err := lockTeamView(ctx, tx, v, ref, true); err != nil {
			return err
		}
		t := v.team
		if archive == !t.ArchivedAt.IsZero() {
			return nil
		}
		action := roster.ActTeamRestore
		t.ArchivedAt = time.Time{}
		if archive {
			action, t.ArchivedAt = roster.ActTeamDelete, tx.Now()
		} else if err := ensureTeamNamesFree(ctx, tx, t); err != nil {
			return err
		}
		if err := tx.UpdateTeam(ctx, t); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, action, teamWhere(t), "")
	})
}

// MaxAvatarBytes bounds team avatars (T8).
const MaxAvatarBytes = 1 << 20

// SetTeamAvatar stores a team avatar after checking by content that it is a
// PNG, JPEG, GIF or WebP image of at most 1 MiB (T8).
func (s *Service) SetTeamAvatar(ctx context.Context, a roster.Actor, ref string, data []byte) error {
	if len(data) > MaxAvatarBytes {
		return roster.Errorf(roster.ETooLarge, "avatar must be at most 1 MiB, this one is %d bytes", len(data))
	}
	contentType, err := avatarType(data)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermTeamUpdateSettings); err != nil {
			return err
		}
		if err := tx.SetTeamAvatar(ctx, v.team.ID, contentType, data); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActTeamUpdate, teamWhere(v.team), "avatar "+contentType)
	})
}

// avatarType identifies an image by its bytes, not its name.
func avatarType(data []byte) (string, error) {
	bad := roster.ReasonErrorf(roster.EInvalid, roster.ReasonInvalidAvatar, "avatar must be a PNG, JPEG, GIF or WebP image")
	if len(data) >= 30 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" {
		switch string(data[12:16]) {
		case "VP8 ", "VP8L", "VP8X":
			return "image/webp", nil
		}
		return "", bad
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 8192 || cfg.Height > 8192 {
		return "", bad
	}
	return "image/" + format, nil
}

// TeamAvatar returns a visible team's avatar and its content type.
func (s *Service) TeamAvatar(ctx context.Context, a roster.Actor, ref string) (string, []byte, error) {
	var ct string
	var data []byte
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		ct, data, err = tx.TeamAvatar(ctx, v.team.ID)
		if roster.IsNotFound(err) {
			return roster.Errorf(roster.ENotFound, "team %s has no avatar", v.team.Name)
		}
		return err
	})
	return ct, data, err
}

// TeamUsage returns a team's usage figures for the last 30 days (T10).
func (s *Service) TeamUsage(ctx context.Context, a roster.Actor, ref string) (*store.TeamUsage, error) {
	var u *store.TeamUsage
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		v, err := s.loadTeam(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		if err := v.require(roster.PermTeamReadUsage); err != nil {
			return err
		}
		since := tx.Now().Truncate(24*time.Hour).AddDate(0, 0, -29)
		u, err = tx.TeamUsage(ctx, v.team.ID, since.UnixMicro())
		return err
	})
	return u, err
}

// OrgPolicy returns the organization's privacy enforcement.
func (s *Service) OrgPolicy(ctx context.Context, a roster.Actor) (roster.PrivacyPolicy, error) {
	var p roster.PrivacyPolicy
	if err := requireUser(a); err != nil {
		return p, err
	}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.OrgPolicy(ctx, orgID(a))
		return err
	})
	return p, err
}

// SetOrgPolicy changes which privacy switches the organization enforces
// for every team (T6). Admins only.
func (s *Service) SetOrgPolicy(ctx context.Context, a roster.Actor, p roster.PrivacyPolicy) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.SetOrgPolicy(ctx, orgID(a), p); err != nil {
			return err
		}
		return auditAt(ctx, tx, a, roster.ActOrgUpdateSettings, where{}, "privacy enforcement")
	})
}

// TeamQuery searches and pages a list of teams: Query matches the name or
// display name anywhere, case folded; After is the name of the last team
// of the previous page.
type TeamQuery struct {
	Query, After string
	Limit        int // at most MaxPageSize; MaxPageSize when 0
}

// TeamsPage is one page of teams, in name order, with the number that
// match and the cursor of the next page ("" on the last).
type TeamsPage struct {
	Teams      []store.TeamListEntry
	Total      int
	NextCursor string
}

// ListTeamsPage is ListTeams searched and paged: the caller sees the same
// teams ListTeams shows them, a page at a time.
func (s *Service) ListTeamsPage(ctx context.Context, a roster.Actor, archived bool, q TeamQuery) (*TeamsPage, error) {
	if q.Limit <= 0 || q.Limit > MaxPageSize {
		q.Limit = MaxPageSize
	}
	all, err := s.ListTeams(ctx, a, archived)
	if err != nil {
		return nil, err
	}
	// Byte order of the folded names, which the cursor compares with,
	// whatever the database's collation.
	slices.SortStableFunc(all, func(x, y store.TeamListEntry) int {
		return strings.Compare(roster.Fold(x.Team.Name), roster.Fold(y.Team.Name))
	})
	needle, after := roster.Fold(strings.TrimSpace(q.Query)), roster.Fold(q.After)
	out := &TeamsPage{}
	for _, e := range all {
		if needle != "" && !strings.Contains(roster.Fold(e.Team.Name), needle) && !strings.Contains(roster.Fold(e.Team.DisplayName), needle) {
			continue
		}
		out.Total++
		if after != "" && roster.Fold(e.Team.Name) <= after {
			continue
		}
		if len(out.Teams) == q.Limit {
			out.NextCursor = out.Teams[len(out.Teams)-1].Team.Name
			continue
		}
		out.Teams = append(out.Teams, e)
	}
	return out, nil
}
