package web

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
	"unicode"
)

// funcs are the template helpers: formatting only, no logic.
var funcs = template.FuncMap{
	"initials":     initials,
	"when":         when,
	"ago":          ago,
	"join":         strings.Join,
	"teamRole":     teamRoleLabel,
	"capital":      capital,
	"licenseNotes": licenseNotes,
	"roleChoices":  func() []RoleChoice { return orgRoleChoices },
}

// RoleChoice is a role offered in a form, with what it allows.
type RoleChoice struct {
	Name, Label, Help string
	// Off says why the license in force refuses this role; the pickers
	// disable it with that reason.
	Off string
}

// licenseNotes lists once each reason why some roles are off.
func licenseNotes(roles []RoleChoice) []string {
	var out []string
	for _, r := range roles {
		if r.Off != "" && !slices.Contains(out, r.Off) {
			out = append(out, r.Off)
		}
	}
	return out
}

// orgRoleChoices are the organization roles (O5), as the seed words them.
var orgRoleChoices = []RoleChoice{
	{Name: "admin", Label: "Admin", Help: "manages users, roles, teams and settings"},
	{Name: "member", Label: "Member", Help: "a regular user; the default"},
	{Name: "viewer", Label: "Viewer", Help: "read-only everywhere"},
}

// initials are the first letters of up to two words of a name.
func initials(name string) string {
	var out []rune
	for _, f := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out = append(out, unicode.ToUpper([]rune(f)[0]))
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return string(out)
}

// when formats a time in UTC, or "never".
func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// ago says how long ago t was, roughly.
func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 60*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	}
	return t.UTC().Format("2006-01-02")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// teamRoleLabel names a team role as the seed does: viewer is "Read-only".
func teamRoleLabel(role string) string {
	if role == "viewer" {
		return "Read-only"
	}
	return capital(role)
}

// capital upper-cases the first letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
