package scim

import (
	"strings"
	"time"

	"roster"
	"roster/internal/app"
)

// mappedUserAttrs are the User attributes Roster keeps in its own columns
// or computes, so they are not stored with the profile.
var mappedUserAttrs = []string{"id", "meta", "schemas", "userName", "externalId", "active", "password", "groups", URNRosterUser}

// userResource renders a user as SCIM shows it: the attributes the
// identity provider sent, as sent, and what Roster knows, with name parts
// derived when none were sent.
func userResource(c *call, v *app.DirectoryUser) resource {
	res := storedUserResource(c, v)
	name := cloneMap(res["name"])
	if name["givenName"] == nil && name["familyName"] == nil {
		given, family, formatted := v.DerivedName()
		name["givenName"], name["familyName"] = given, family
		if name["formatted"] == nil {
			name["formatted"] = formatted
		}
	}
	if name["formatted"] == nil {
		given, _ := name["givenName"].(string)
		family, _ := name["familyName"].(string)
		name["formatted"] = strings.TrimSpace(given + " " + family)
	}
	if name = dropEmpty(name); len(name) > 0 {
		res["name"] = name
	}
	return res
}

// storedUserResource renders a user without derived name parts: what
// PATCH operations apply to, so that what was derived is not stored.
func storedUserResource(c *call, v *app.DirectoryUser) resource {
	u := v.User
	res := resource{}
	for k, x := range v.Attributes() {
		res[k] = deepCopy(x)
	}
	res["id"], res["userName"], res["active"] = u.ID, v.UserName(), u.Status == roster.StatusActive
	if ext := v.ExternalID(); ext != "" {
		res["externalId"] = ext
	}
	if res["displayName"] == nil && u.Name != "" {
		res["displayName"] = u.Name
	}
	if res["emails"] == nil && u.Email != "" {
		res["emails"] = []any{map[string]any{"value": u.Email, "type": "work", "primary": true}}
	}
	var groups, teamRoles []any
	for _, m := range v.Teams {
		groups = append(groups, map[string]any{"value": m.TeamID, "display": m.TeamDisplayName,
			"$ref": c.base + "/Groups/" + m.TeamID, "type": "direct"})
		teamRoles = append(teamRoles, map[string]any{"teamName": m.TeamName, "roleName": m.RoleName()})
	}
	if groups != nil {
		res["groups"] = groups
	}
	ext := map[string]any{"organizationRole": string(u.Role), "teamRoles": emptyIfNil(teamRoles)}
	res[URNRosterUser] = ext
	schemas := []any{URNUser}
	if res[URNEnterprise] != nil {
		schemas = append(schemas, URNEnterprise)
	}
	res["schemas"] = append(schemas, URNRosterUser)
	modified := u.UpdatedAt
	if v.Profile != nil && v.Profile.UpdatedAt.After(modified) {
		modified = v.Profile.UpdatedAt
	}
	res["meta"] = meta("User", u.CreatedAt, modified, c.base+"/Users/"+u.ID, userVersion(v))
	return res
}

// userView is a user as an answer shows it: projected, then with
// organizationRole and teamRoles also at the top level, where W&B's
// examples read them, beside the extension that holds them (C4).
func userView(proj projection, c *call, v *app.DirectoryUser) resource {
	res := proj.apply(userResource(c, v))
	if ext, ok := res[URNRosterUser].(map[string]any); ok {
		for _, name := range []string{"organizationRole", "teamRoles"} {
			if x, ok := ext[name]; ok {
				res[name] = x
			}
		}
	}
	return res
}

// meta renders a resource's meta attribute.
func meta(resourceType string, created, modified time.Time, location, version string) map[string]any {
	return map[string]any{"resourceType": resourceType, "created": timestamp(created),
		"lastModified": timestamp(modified), "location": location, "version": etag(version)}
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func emptyIfNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// userInput turns a normalized User resource into the state to apply.
// With explicitRoles, missing role attributes mean none (PATCH removed
// them); without, they mean "leave as is" (a PUT that does not mention
// them, as Okta's full profile updates do not).
func userInput(res resource, explicitRoles bool) (app.SCIMUserInput, error) {
	in := app.SCIMUserInput{Attributes: map[string]any{}}
	in.UserName, _ = res["userName"].(string)
	if strings.TrimSpace(in.UserName) == "" {
		return in, bad(invalidValue, "userName is required")
	}
	in.ExternalID, _ = res["externalId"].(string)
	if b, ok := res["active"].(bool); ok {
		in.Active = &b
	}
	for _, e := range asList(res["emails"]) {
		m := asMap(e)
		em := roster.SCIMEmail{}
		em.Value, _ = m["value"].(string)
		em.Type, _ = m["type"].(string)
		em.Primary, _ = m["primary"].(bool)
		in.Emails = append(in.Emails, em)
	}
	name := asMap(res["name"])
	in.Names.Display, _ = res["displayName"].(string)
	in.Names.Formatted, _ = name["formatted"].(string)
	in.Names.Given, _ = name["givenName"].(string)
	in.Names.Family, _ = name["familyName"].(string)
	if err := roleInput(&in, asMap(res[URNRosterUser]), explicitRoles); err != nil {
		return in, err
	}
	for k, v := range res {
		in.Attributes[k] = v
	}
	for _, k := range mappedUserAttrs {
		delete(in.Attributes, k)
	}
	return in, nil
}

// roleInput reads organizationRole and teamRoles (C4).
func roleInput(in *app.SCIMUserInput, ext map[string]any, explicit bool) error {
	if r, ok := ext["organizationRole"].(string); ok {
		role, err := roster.ParseOrgRole(r)
		if err != nil {
			return bad(invalidValue, "organizationRole must be admin, member or viewer, not %q", r)
		}
		in.OrgRole = role
	} else if explicit {
		in.OrgRole = roster.OrgMember
	}
	list, present := ext["teamRoles"]
	if !present && !explicit {
		return nil
	}
	in.TeamRoles = []app.TeamJoin{}
	for _, e := range asList(list) {
		m := asMap(e)
		team, _ := m["teamName"].(string)
		role, _ := m["roleName"].(string)
		if strings.TrimSpace(team) == "" {
			return bad(invalidValue, "every teamRoles value needs a teamName")
		}
		in.TeamRoles = append(in.TeamRoles, app.TeamJoin{Team: team, Role: role})
	}
	return nil
}
