package scim

import "roster"

// userSchema is the core User schema (RFC 7643 section 4.1).
func userSchema() *Schema {
	userName := required(str("userName", "Unique identifier for the user, as the identity provider knows it."))
	userName.Uniqueness = "server"
	password := str("password", "The user's cleartext password; write-only, stored only as a hash.")
	password.Mutability, password.Returned = "writeOnly", "never"
	addresses := multi(complexAttr("addresses", "A physical mailing address for this user.",
		str("formatted", "The full mailing address."), str("streetAddress", "The full street address."),
		str("locality", "The city or locality."), str("region", "The state or region."),
		str("postalCode", "The zip code or postal code."), str("country", "The country name (ISO 3166-1 alpha-2)."),
		canonical(str("type", "A label indicating the address's function."), "work", "home", "other"),
		boolean("primary", "Whether this is the preferred address."),
	), "")
	groupValue := caseExact(str("value", "The identifier of the group (team)."))
	groups := readOnly(multi(complexAttr("groups", "The teams the user belongs to.",
		groupValue, ref("$ref", "The URI of the group.", "Group"), str("display", "The group's display name."),
		canonical(str("type", "How the user belongs to the group."), "direct"),
	), "value"))
	return &Schema{ID: URNUser, Name: "User", Description: "User Account", Attributes: []*Attr{
		userName,
		complexAttr("name", "The components of the user's name.",
			str("formatted", "The full name."), str("familyName", "The family name."), str("givenName", "The given name."),
			str("middleName", "The middle name(s)."), str("honorificPrefix", "The honorific prefix."),
			str("honorificSuffix", "The honorific suffix."),
		),
		str("displayName", "The name of the user, suitable for display; becomes the user's name in Roster."),
		str("nickName", "The casual way to address the user."),
		ref("profileUrl", "A URI of the user's online profile.", "external"),
		str("title", "The user's title, such as \"Vice President\"."),
		str("userType", "The relationship between the organization and the user."),
		str("preferredLanguage", "The user's preferred written or spoken language."),
		str("locale", "The user's default location for localization."),
		str("timezone", "The user's time zone in IANA format."),
		boolean("active", "Whether the user may sign in; false means deactivated."),
		password,
		typed("emails", "Email addresses; the primary (else work, else first) is the user's Roster email.", tString, "work", "home", "other"),
		typed("phoneNumbers", "Phone numbers.", tString, "work", "home", "mobile", "fax", "pager", "other"),
		typed("ims", "Instant messaging addresses.", tString, "aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"),
		typed("photos", "URLs of photos of the user.", tRef, "photo", "thumbnail"),
		addresses,
		groups,
		typed("entitlements", "Entitlements of the user, kept as sent.", tString),
		typed("roles", "Roles of the user as the identity provider names them, kept as sent.", tString),
		typed("x509Certificates", "X.509 certificates of the user.", tBinary),
	}}
}

// enterpriseSchema is the enterprise User extension (RFC 7643 section 4.3).
func enterpriseSchema() *Schema {
	display := str("displayName", "The manager's display name.")
	display.Mutability = "readOnly"
	return &Schema{ID: URNEnterprise, Name: "EnterpriseUser", Description: "Enterprise User", Attributes: []*Attr{
		str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person."),
		str("costCenter", "Identifies the name of a cost center."),
		str("organization", "Identifies the name of an organization."),
		str("division", "Identifies the name of a division."),
		str("department", "Identifies the name of a department."),
		byValue(complexAttr("manager", "The user's manager.",
			caseExact(str("value", "The id of the manager.")), ref("$ref", "The URI of the manager.", "User"), display)),
	}}
}

// rosterUserSchema is Roster's User extension: role assignment (C4).
// As in W&B's API, a PATCH replace of teamRoles sets the role in the teams
// it lists and leaves the user's other teams alone; remove with
// teamRoles[teamName eq "x"] takes the user out of a team, and PUT sets
// the memberships exactly.
func rosterUserSchema() *Schema {
	teamRoles := multi(complexAttr("teamRoles", "The user's teams and team roles. PATCH add or replace sets the role in the teams listed and keeps the others "+
		"(replace with an empty list leaves every team); remove with teamRoles[teamName eq \"x\"] leaves a team; PUT sets the memberships exactly.",
		required(str("teamName", "The team's name (its display name is accepted too).")),
		str("roleName", "A built-in role (admin, member, viewer) or a custom role's name; member when absent."),
	), "teamName")
	teamRoles.replaceMerges = true
	return &Schema{ID: URNRosterUser, Name: "RosterUser", Description: "Roster roles of a user", Attributes: []*Attr{
		canonical(str("organizationRole", "The user's organization role (O5)."), "admin", "member", "viewer"),
		teamRoles,
	}}
}

// groupSchema is the core Group schema (RFC 7643 section 4.2): a team.
func groupSchema() *Schema {
	value := caseExact(str("value", "The id of the member user (an email is accepted on input)."))
	value.Mutability = "immutable"
	display := str("display", "The member's username or email.")
	display.Mutability = "readOnly"
	return &Schema{ID: URNGroup, Name: "Group", Description: "Group (a Roster team)", Attributes: []*Attr{
		required(str("displayName", "The team's display name; its name is derived from it.")),
		multi(complexAttr("members", "The team's user members.",
			value, ref("$ref", "The URI of the member.", "User"), display,
			canonical(str("type", "The member's type."), "User"),
		), "value"),
	}}
}

// rosterGroupSchema is Roster's Group extension: the identity provider
// groups (ids, paths, LDAP DNs) the team is matched by at SSO and LDAP
// sign-ins, its idp_groups. Only a PUT or PATCH that sends the extension
// changes them.
func rosterGroupSchema() *Schema {
	return &Schema{ID: URNRosterGroup, Name: "RosterGroup", Description: "Roster team mapping of a group", Attributes: []*Attr{
		multi(complexAttr("idpGroups", "Identity provider groups (ids, paths or LDAP group DNs) whose members join the team at sign-in, "+
			"besides those naming the team; at most 50, compared without regard to case.",
			required(caseExact(str("value", "The group's id, path or DN."))),
		), "value"),
	}}
}

// roleSchema is Roster's Role schema (C3): a custom role.
func roleSchema() *Schema {
	name := required(str("name", "The role's name, unique in the organization."))
	name.Uniqueness = "server"
	var perms []string
	for _, c := range roster.Catalog {
		perms = append(perms, string(c.Permission))
	}
	inherited := boolean("isInherited", "Whether the permission comes from the base role.")
	inherited.Mutability = "readOnly"
	return &Schema{ID: URNRole, Name: "Role", Description: "Custom team role", Attributes: []*Attr{
		name,
		str("description", "What the role is for."),
		readOnly(str("organizationID", "The id of the organization the role belongs to.")),
		required(canonical(str("inheritedFrom", "The base role whose permissions the role has."), "member", "viewer")),
		multi(complexAttr("permissions", "Every effective permission of the role.",
			required(canonical(caseExact(str("name", "The permission, object:operation.")), perms...)), inherited,
		), "name"),
	}}
}
