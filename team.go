package roster

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Team is where projects and runs live (T1).
type Team struct {
	ID          string
	OrgID       string
	Name        string // P4 rule, unique per organization, in URLs
	DisplayName string
	Storage     Storage
	Settings    TeamSettings // as the team set them
	Alerts      TeamAlerts
	HasAvatar   bool
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ArchivedAt  time.Time // zero unless archived (T11)
}

// TeamSettings are the privacy switches of T6.
type TeamSettings struct {
	HideFromNonMembers  bool `json:"hide_from_non_members"`
	PrivateProjects     bool `json:"private_projects"`
	MembersCanInvite    bool `json:"members_can_invite"`
	ForbidPublicSharing bool `json:"forbid_public_sharing"`
}

// PrivacyPolicy is the organization's enforcement of T6 switches: a nil
// field leaves the choice to each team.
type PrivacyPolicy struct {
	HideFromNonMembers  *bool `json:"hide_from_non_members"`
	PrivateProjects     *bool `json:"private_projects"`
	MembersCanInvite    *bool `json:"members_can_invite"`
	ForbidPublicSharing *bool `json:"forbid_public_sharing"`
}

// PrivacySwitch is one switch of T6 in the catalog: its key (the JSON and
// form name), its label and help for pages, and where it lives in a team's
// settings and in the organization's policy.
type PrivacySwitch struct {
	Key, Label, Help string
	team             func(*TeamSettings) *bool
	policy           func(*PrivacyPolicy) **bool
}

// PrivacySwitches is the catalog of T6 switches, in the order pages show
// them; every edge and rule iterates it rather than naming switches.
var PrivacySwitches = []PrivacySwitch{
	{"hide_from_non_members", "Hide teams from non-members", "Only members see the team and its projects.",
		func(s *TeamSettings) *bool { return &s.HideFromNonMembers }, func(p *PrivacyPolicy) **bool { return &p.HideFromNonMembers }},
	{"private_projects", "Make future projects private", "New projects cannot be public.",
		func(s *TeamSettings) *bool { return &s.PrivateProjects }, func(p *PrivacyPolicy) **bool { return &p.PrivateProjects }},
	{"members_can_invite", "Let members invite", "Team members may add people as member or read-only.",
		func(s *TeamSettings) *bool { return &s.MembersCanInvite }, func(p *PrivacyPolicy) **bool { return &p.MembersCanInvite }},
	{"forbid_public_sharing", "Forbid public sharing", "Public projects act as team-only.",
		func(s *TeamSettings) *bool { return &s.ForbidPublicSharing }, func(p *PrivacyPolicy) **bool { return &p.ForbidPublicSharing }},
}

// On reports whether the switch is on in s.
func (sw PrivacySwitch) On(s TeamSettings) bool { return *sw.team(&s) }

// Of returns the policy's value for the switch: nil when not enforced.
func (sw PrivacySwitch) Of(p PrivacyPolicy) *bool { return *sw.policy(&p) }

// Put sets the policy's value for the switch; nil lifts enforcement.
func (sw PrivacySwitch) Put(p *PrivacyPolicy, v *bool) { *sw.policy(p) = v }

// Apply returns the team's settings with the enforced ones overriding.
func (p PrivacyPolicy) Apply(s TeamSettings) TeamSettings {
	for _, sw := range PrivacySwitches {
		if v := sw.Of(p); v != nil {
			*sw.team(&s) = *v
		}
	}
	return s
}

// TeamAlerts choose who hears about finished and crashed runs (T9).
type TeamAlerts struct {
	EmailOnFinish bool   `json:"email_on_finish"`
	EmailOnCrash  bool   `json:"email_on_crash"`
	WebhookURL    string `json:"webhook_url"`
}

// ValidateAlerts checks the webhook URL with ValidateWebhookURL.
func ValidateAlerts(a TeamAlerts, allowLoopback bool) error {
	if a.WebhookURL == "" {
		return nil
	}
	return ValidateWebhookURL(a.WebhookURL, allowLoopback)
}

// ValidateWebhookURL checks a webhook URL: https only, with a host that is
// not a loopback, link-local, private, multicast or shared address.
// Delivery checks the addresses a name resolves to as well. allowLoopback
// admits loopback hosts, for tests only.
func ValidateWebhookURL(raw string, allowLoopback bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.User != nil || len(raw) > 2048 {
		return ReasonErrorf(EInvalid, ReasonInvalidWebhook, "webhook URL must be an https:// URL of at most 2048 characters, without credentials")
	}
	return checkWebhookHost(u.Hostname(), allowLoopback)
}

// Storage is where a team's run files live; fixed at creation (T2).
type Storage struct {
	Type     string `json:"type"` // default or bucket
	Provider string `json:"provider,omitempty"`
	Bucket   string `json:"bucket,omitempty"`
	Path     string `json:"path,omitempty"`
	Region   string `json:"region,omitempty"`
	KMSKey   string `json:"kms_key,omitempty"`
}

// Storage types and providers.
const (
	StorageDefault = "default"
	StorageBucket  = "bucket"
)

// ValidateStorage normalizes and checks a storage choice, including the
// bucket name against its provider's naming rules.
func ValidateStorage(s *Storage) error {
	s.Type = strings.ToLower(strings.TrimSpace(s.Type))
	switch s.Type {
	case "", StorageDefault:
		*s = Storage{Type: StorageDefault}
		return nil
	case StorageBucket:
	default:
		return ReasonErrorf(EInvalid, ReasonInvalidStorage, "storage type must be default or bucket, not %q", s.Type)
	}
	s.Provider = strings.ToLower(strings.TrimSpace(s.Provider))
	rule, ok := bucketRules[s.Provider]
	if !ok {
		return ReasonErrorf(EInvalid, ReasonInvalidStorage, "storage provider must be one of aws, gcp, azure, minio, coreweave, not %q", s.Provider)
	}
	if err := rule(s.Bucket); err != nil {
		return ReasonErrorf(EInvalid, ReasonInvalidBucket, "bucket %q is not a valid %s bucket name: %v", s.Bucket, s.Provider, err)
	}
	s.Path = strings.Trim(s.Path, "/")
	for name, v := range map[string]string{"path": s.Path, "region": s.Region, "kms_key": s.KMSKey} {
		if len(v) > 1024 || strings.ContainsAny(v, "\x00\n\r") {
			return Errorf(EInvalid, "storage %s must be at most 1024 characters on one line", name)
		}
	}
	return nil
}

var (
	s3BucketRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	gcsBucketRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$`)
	azureBucketRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$`)
)

var bucketRules = map[string]func(string) error{
	"aws":       s3Bucket,
	"minio":     s3Bucket,
	"coreweave": s3Bucket,
	"gcp": func(b string) error {
		if !gcsBucketRE.MatchString(b) {
			return fmt.Errorf("use 3 to 222 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit")
		}
		for _, part := range strings.Split(b, ".") {
			if len(part) > 63 || part == "" {
				return fmt.Errorf("each dot-separated part must be 1 to 63 characters")
			}
		}
		if len(b) > 63 && !strings.Contains(b, ".") {
			return fmt.Errorf("names over 63 characters must contain dots")
		}
		if strings.HasPrefix(b, "goog") || strings.Contains(b, "google") {
			return fmt.Errorf("names may not start with goog or contain google")
		}
		if net.ParseIP(b) != nil {
			return fmt.Errorf("names may not be IP addresses")
		}
		return nil
	},
	"azure": func(b string) error {
		if !azureBucketRE.MatchString(b) {
			return fmt.Errorf("use 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit")
		}
		return nil
	},
}

// s3Bucket applies Amazon S3's general-purpose bucket naming rules, which
// MinIO and CoreWeave object storage follow too.
func s3Bucket(b string) error {
	switch {
	case !s3BucketRE.MatchString(b):
		return fmt.Errorf("use 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit")
	case strings.Contains(b, ".."), strings.Contains(b, ".-"), strings.Contains(b, "-."):
		return fmt.Errorf("dots may not be next to each other or to hyphens")
	case net.ParseIP(b) != nil:
		return fmt.Errorf("names may not be IP addresses")
	case strings.HasPrefix(b, "xn--"), strings.HasPrefix(b, "sthree-"), strings.HasPrefix(b, "amzn-s3-demo-"):
		return fmt.Errorf("names may not start with xn--, sthree- or amzn-s3-demo-")
	case strings.HasSuffix(b, "-s3alias"), strings.HasSuffix(b, "--ol-s3"), strings.HasSuffix(b, ".mrap"), strings.HasSuffix(b, "--x-s3"):
		return fmt.Errorf("names may not end with -s3alias, --ol-s3, .mrap or --x-s3")
	}
	return nil
}

// ValidateTeamName checks the P4 rule for team names.
func ValidateTeamName(s string) error {
	if !usernameRE.MatchString(s) {
		return ReasonErrorf(EInvalid, ReasonInvalidTeamName, "team name must be 1 to 64 characters of letters, digits, '_' or '-'")
	}
	return nil
}

// ValidateDisplayName checks a team's display name: 1 to MaxNameLen
// characters on one line, without control characters.
func ValidateDisplayName(s string) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(EInvalid, "display name must be 1 to %d characters", MaxNameLen)
	}
	return ValidateText("display name", s, MaxNameLen)
}

var nonNameRun = regexp.MustCompile(`[^a-z0-9_]+`)

// TeamNameFromDisplay derives a team name from a display name (P4):
// lower case, every run of other characters replaced by '-'. The caller
// makes it unique.
func TeamNameFromDisplay(display string) string {
	n := strings.Trim(nonNameRun.ReplaceAllString(strings.ToLower(display), "-"), "-")
	if n == "" {
		n = "team"
	}
	if len(n) > 56 {
		n = strings.TrimRight(n[:56], "-")
	}
	return n
}

// Membership is a principal's membership in a team.
type Membership struct {
	TeamID        string
	PrincipalID   string
	PrincipalKind PrincipalKind
	Role          TeamRole
	CustomRole    *CustomRole // set when Role is custom
	ViaGroupClaim bool        // joined through an SSO groups claim (S6)
	CreatedAt     time.Time
	// Display fields, filled by listings.
	Username string
	Email    string
	Name     string
	Status   UserStatus
}

// RoleName is the name of the member's role, custom or built-in.
func (m *Membership) RoleName() string {
	if m.Role == TeamCustom && m.CustomRole != nil {
		return m.CustomRole.Name
	}
	return string(m.Role)
}

// MaxIDPGroups bounds how many identity provider groups one team may be
// matched by.
const MaxIDPGroups = 50

// CleanIDPGroups checks a team's identity provider groups (group ids such
// as Entra's object ids, or paths such as Keycloak's /ml/vision) and
// returns them trimmed, without duplicates that differ only in case.
func CleanIDPGroups(groups []string) ([]string, error) {
	if len(groups) > MaxIDPGroups {
		return nil, ReasonErrorf(EInvalid, ReasonIDPGroupsInvalid, "idp_groups may list at most %d groups, not %d", MaxIDPGroups, len(groups))
	}
	out := make([]string, 0, len(groups))
	seen := map[string]bool{}
	for _, g := range groups {
		g = strings.TrimSpace(g)
		if g == "" || len(g) > MaxClaimLen || CleanText(g) != g {
			return nil, ReasonErrorf(EInvalid, ReasonIDPGroupsInvalid,
				"each of idp_groups must be a group id or path of 1 to %d printable characters, such as /ml/vision", MaxClaimLen)
		}
		if k := Fold(g); !seen[k] {
			seen[k] = true
			out = append(out, g)
		}
	}
	return out, nil
}
