package api_test

import (
	"testing"

	"roster/internal/apitest"
	"roster/internal/app"
	"roster/internal/license"
)

// crossScenarios is the matrix: scenario rows by fixture.
func crossScenarios() []crossScenario {
	return []crossScenario{
		{"grant above one's role (H1, M3)", crossRolesFixture, crossGrantRows},
		{"self-add with admin team access off (T7, M2)", crossT7Fixture, crossT7Rows},
		{"last organization admin (O3)", crossLastAdminFixture, crossLastAdminRows},
		{"last team admin (T5)", crossLastTeamAdminFixture, crossLastTeamAdminRows},
		{"seat limit (O13)", crossSeatFixture, crossSeatRows},
		{"deactivated caller (O11, P3)", crossDeactivatedFixture, crossDeactivatedRows()},
	}
}

// crossRolesFixture: ml has admin tadmin, member tmember and holders of
// custom roles; oadmin is not in ml.
func crossRolesFixture(t *testing.T) *crossFixture {
	f := newCrossFixture(t, apitest.Options{})
	f.e.Must(201, "POST", "/api/v1/roles", map[string]any{"name": "member-plus", "base": "member", "permissions": []string{"run:delete"}}, f.reader)
	f.plain("tadmin", "member")
	f.join("tadmin", "admin")
	f.plain("tmember", "member")
	f.join("tmember", "member")
	f.roleHolder("mgr", "member", "team:update_member_role")
	f.roleHolder("inviter", "viewer", "team:invite")
	f.roleHolder("samaker", "viewer", "team:manage_service_accounts")
	f.roleHolder("remover", "member", "team:remove_member")
	f.leave()
	return f
}

const (
	saysAdminOnly  = "only team admins and organization admins may make someone admin of team ml"
	saysWithinOwn  = "you may give only roles within your own permissions in team ml"
	saysAboveYours = "which has permissions you do not hold"
)

var crossGrantRows = []crossRow{
	// rest   sess   web    form   scim   scimSA
	{name: "a role manager promotes itself to admin", as: "mgr", want: "403 403 403 403 - -", says: saysAdminOnly,
		rest: `PATCH /api/v1/teams/ml/members/mgr {"role":"admin"}`, web: "/teams/ml/settings/members/{id:mgr}/role role=admin"},
	{name: "a role manager promotes a member to admin", as: "mgr", want: "403 403 403 403 - -", says: saysAdminOnly, vars: varsFreshIn("member"),
		rest: `PATCH /api/v1/teams/ml/members/{fresh} {"role":"admin"}`, web: "/teams/ml/settings/members/{freshID}/role role=admin"},
	{name: "a role manager gives a role with a permission it lacks", as: "mgr", want: "403 403 403 403 - -", says: saysWithinOwn, vars: varsFreshIn("member"),
		rest: `PATCH /api/v1/teams/ml/members/{fresh} {"role":"member-plus"}`, web: "/teams/ml/settings/members/{freshID}/role role=member-plus"},
	{name: "a role manager demotes the team admin", as: "mgr", want: "403 403 403 403 - -", says: saysAboveYours,
		rest: `PATCH /api/v1/teams/ml/members/tadmin {"role":"member"}`, web: "/teams/ml/settings/members/{id:tadmin}/role role=member"},
	{name: "a role manager gives a role within its own rights", as: "mgr", want: "ok ok ok ok - -", vars: varsFreshIn("viewer"),
		rest: `PATCH /api/v1/teams/ml/members/{fresh} {"role":"member"}`, web: "/teams/ml/settings/members/{freshID}/role role=member"},
	{name: "a role manager promotes itself through SCIM", as: "mgr", want: "- - - - 403 -",
		says: "only organization admins and organization service accounts may use SCIM",
		scim: `PATCH /Users/{id:mgr} ` + scimPatch(`{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"admin"}]}`)},
	// Organization admins give any role, through SCIM teamRoles too.
	{name: "the organization admin promotes a member to team admin", as: "oadmin", want: "ok ok ok ok ok ok", vars: varsFreshIn("member"),
		rest: `PATCH /api/v1/teams/ml/members/{fresh} {"role":"admin"}`, web: "/teams/ml/settings/members/{freshID}/role role=admin",
		scim: `PATCH /Users/{freshID} ` + scimPatch(`{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"admin"}]}`)},
	{name: "the organization admin gives a custom role", as: "oadmin", want: "ok ok ok ok ok ok", vars: varsFreshIn("viewer"),
		rest: `PATCH /api/v1/teams/ml/members/{fresh} {"role":"member-plus"}`, web: "/teams/ml/settings/members/{freshID}/role role=member-plus",
		scim: `PATCH /Users/{freshID} ` + scimPatch(`{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"member-plus"}]}`)},
	// Escalation through custom roles (M3, H1).
	{name: "a read-only inviter adds someone as member", as: "inviter", want: "403 403 403 403 - -", says: saysWithinOwn, vars: varsFresh,
		rest: `POST /api/v1/teams/ml/members {"username":"{fresh}","role":"member"}`, web: "/teams/ml/settings/members who={fresh}&role=member"},
	{name: "a read-only inviter invites a new address as member", as: "inviter", want: "403 403 403 403 - -", says: saysWithinOwn, vars: varsEmail,
		rest: `POST /api/v1/teams/ml/members {"email":"{email}","role":"member"}`, web: "/teams/ml/settings/members who={email}&role=member"},
	{name: "a read-only inviter adds someone as viewer", as: "inviter", want: "ok ok ok ok - -", vars: varsFresh,
		rest: `POST /api/v1/teams/ml/members {"username":"{fresh}","role":"viewer"}`, web: "/teams/ml/settings/members who={fresh}&role=viewer"},
	{name: "a read-only role creates a team service account", as: "samaker", want: "403 403 403 403 - -", says: "a team service account can", vars: varsEmail,
		rest: `POST /api/v1/teams/ml/service-accounts {"name":"bot-{n}"}`, web: "/teams/ml/settings/service-accounts name=bot-{n}"},
	{name: "a remover removes the team admin", as: "remover", want: "403 403 403 403 - -", says: saysAboveYours,
		rest: `DELETE /api/v1/teams/ml/members/tadmin`, web: "/teams/ml/settings/members/{id:tadmin}/remove"},
	{name: "a remover removes a member above it", as: "remover", want: "403 403 403 403 - -", says: saysAboveYours, vars: varsFreshIn("member-plus"),
		rest: `DELETE /api/v1/teams/ml/members/{fresh}`, web: "/teams/ml/settings/members/{freshID}/remove"},
	{name: "a remover removes a viewer", as: "remover", want: "ok ok ok ok - -", vars: varsFreshIn("viewer"),
		rest: `DELETE /api/v1/teams/ml/members/{fresh}`, web: "/teams/ml/settings/members/{freshID}/remove"},
}

// crossT7Fixture: organization admins may not add themselves to teams;
// oadmin made ml, gave it admin tadmin and left.
func crossT7Fixture(t *testing.T) *crossFixture {
	f := newCrossFixture(t, apitest.Options{Config: app.Config{DisableAdminTeamAccess: true}})
	f.plain("tadmin", "member")
	f.join("tadmin", "admin")
	f.leave()
	return f
}

const saysNoSelfAdd = "organization admins may not add themselves to teams on this instance"

var crossT7Rows = []crossRow{
	// rest   sess   web    form   scim   scimSA
	{name: "the organization admin adds itself", as: "oadmin", want: "403 403 403 403 403 -", says: saysNoSelfAdd,
		rest: `POST /api/v1/teams/ml/members {"username":"oadmin"}`, web: "/teams/ml/settings/members who=oadmin&role=member",
		scim: `PATCH /Users/{id:oadmin} ` + scimPatch(`{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"member"}]}`)},
	{name: "the organization admin adds itself as admin", as: "oadmin", want: "403 403 403 403 403 -", says: saysNoSelfAdd,
		rest: `POST /api/v1/teams/ml/members {"username":"oadmin","role":"admin"}`, web: "/teams/ml/settings/members who=oadmin&role=admin",
		scim: `PATCH /Users/{id:oadmin} ` + scimPatch(`{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"admin"}]}`)},
	{name: "the organization admin adds itself by email", as: "oadmin", want: "403 403 403 403 - -", says: saysNoSelfAdd,
		rest: `POST /api/v1/teams/ml/members {"email":"oadmin@example.com"}`, web: "/teams/ml/settings/members who=oadmin@example.com&role=member"},
	{name: "SCIM Users PUT: the organization admin gives itself a team role", as: "oadmin", want: "- - - - 403 -", says: saysNoSelfAdd,
		vars: func(f *crossFixture) map[string]string {
			return map[string]string{"body": f.scimUserPut("oadmin", `[{"teamName":"ml","roleName":"member"}]`, nil)}
		},
		scim: `PUT /Users/{id:oadmin} {body}`},
	{name: "SCIM Groups PATCH: the organization admin adds itself", as: "oadmin", want: "- - - - 403 -", says: saysNoSelfAdd,
		scim: `PATCH /Groups/{ml} ` + scimPatch(`{"op":"add","path":"members","value":[{"value":"{id:oadmin}"}]}`)},
	{name: "SCIM Groups PUT: the organization admin adds itself", as: "oadmin", want: "- - - - 403 -", says: saysNoSelfAdd,
		vars: func(f *crossFixture) map[string]string {
			return map[string]string{"body": f.scimGroupPut(f.users["oadmin"].ID, "")}
		},
		scim: `PUT /Groups/{ml} {body}`},
	// Others it still adds, on every edge.
	{name: "the organization admin adds someone else", as: "oadmin", want: "ok ok ok ok ok ok", vars: varsFresh,
		rest: `POST /api/v1/teams/ml/members {"username":"{fresh}"}`, web: "/teams/ml/settings/members who={fresh}&role=member",
		scim: `PATCH /Users/{freshID} ` + scimPatch(`{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"member"}]}`)},
	{name: "SCIM Users PUT: someone else gets a team role", as: "oadmin", want: "- - - - ok ok",
		vars: func(f *crossFixture) map[string]string {
			v := varsFresh(f)
			v["body"] = f.scimUserPut(v["fresh"], `[{"teamName":"ml","roleName":"member"}]`, nil)
			return v
		},
		scim: `PUT /Users/{freshID} {body}`},
	{name: "SCIM Groups PATCH: someone else is added", as: "oadmin", want: "- - - - ok ok", vars: varsFresh,
		scim: `PATCH /Groups/{ml} ` + scimPatch(`{"op":"add","path":"members","value":[{"value":"{freshID}"}]}`)},
	{name: "SCIM Groups PUT: someone else is added", as: "oadmin", want: "- - - - ok ok",
		vars: func(f *crossFixture) map[string]string {
			v := varsFresh(f)
			v["body"] = f.scimGroupPut(v["freshID"], "")
			return v
		},
		scim: `PUT /Groups/{ml} {body}`},
}

// crossLastAdminFixture: oadmin is the only active admin; exadmin is a
// deactivated one, who does not count.
func crossLastAdminFixture(t *testing.T) *crossFixture {
	f := newCrossFixture(t, apitest.Options{})
	f.plain("exadmin", "admin")
	f.e.Must(200, "POST", "/api/v1/users/exadmin/deactivate", nil, f.reader)
	return f
}

const saysLastAdmin = "the organization must keep at least one active admin"

var crossLastAdminRows = []crossRow{
	// rest   sess   web    form   scim   scimSA
	{name: "demote the last active admin", as: "oadmin", want: "409 409 409 409 409 409", says: saysLastAdmin,
		rest: `PATCH /api/v1/users/oadmin {"role":"member"}`, web: "/org/users/{id:oadmin}/role role=member",
		scim: `PATCH /Users/{id:oadmin} ` + scimPatch(`{"op":"replace","path":"organizationRole","value":"member"}`)},
	{name: "deactivate the last active admin", as: "oadmin", want: "409 409 409 409 409 409", says: saysLastAdmin,
		rest: `POST /api/v1/users/oadmin/deactivate`, web: "/org/users/{id:oadmin}/deactivate",
		scim: `PATCH /Users/{id:oadmin} ` + scimPatch(`{"op":"replace","path":"active","value":false}`)},
	{name: "remove the last active admin", as: "oadmin", want: "409 409 409 409 409 409", says: saysLastAdmin,
		rest: `DELETE /api/v1/users/oadmin`, web: "/org/users/{id:oadmin}/remove", scim: `DELETE /Users/{id:oadmin}`},
	{name: "SCIM Users PUT: the last active admin made inactive", as: "oadmin", want: "- - - - 409 409", says: saysLastAdmin,
		vars: func(f *crossFixture) map[string]string {
			return map[string]string{"body": f.scimUserPut("oadmin", "", map[string]any{"active": false})}
		},
		scim: `PUT /Users/{id:oadmin} {body}`},
	{name: "SCIM Users PUT: the last active admin made member", as: "oadmin", want: "- - - - 409 409", says: saysLastAdmin,
		vars: func(f *crossFixture) map[string]string {
			return map[string]string{"body": f.scimUserPut("oadmin", "", map[string]any{"organizationRole": "member"})}
		},
		scim: `PUT /Users/{id:oadmin} {body}`},
	// An admin who is not the last is demoted, deactivated and removed on every edge.
	{name: "demote an admin who is not the last", as: "oadmin", want: "ok ok ok ok ok ok", vars: varsFreshAdmin,
		rest: `PATCH /api/v1/users/{fresh} {"role":"member"}`, web: "/org/users/{freshID}/role role=member",
		scim: `PATCH /Users/{freshID} ` + scimPatch(`{"op":"replace","path":"organizationRole","value":"member"}`)},
	{name: "deactivate an admin who is not the last", as: "oadmin", want: "ok ok ok ok ok ok", vars: varsFreshAdmin,
		rest: `POST /api/v1/users/{fresh}/deactivate`, web: "/org/users/{freshID}/deactivate",
		scim: `PATCH /Users/{freshID} ` + scimPatch(`{"op":"replace","path":"active","value":false}`)},
	{name: "remove an admin who is not the last", as: "oadmin", want: "ok ok ok ok ok ok", vars: varsFreshAdmin,
		rest: `DELETE /api/v1/users/{fresh}`, web: "/org/users/{freshID}/remove", scim: `DELETE /Users/{freshID}`},
}

// crossLastTeamAdminFixture: tadmin is ml's only admin; oadmin is not in ml.
func crossLastTeamAdminFixture(t *testing.T) *crossFixture {
	f := newCrossFixture(t, apitest.Options{})
	f.user("tadmin", "member")
	f.join("tadmin", "admin")
	f.plain("tmember", "member")
	f.join("tmember", "member")
	f.leave()
	return f
}

const saysLastTeamAdmin = "the last admin of team ml"

var crossLastTeamAdminRows = []crossRow{
	// rest   sess   web    form   scim   scimSA
	{name: "remove the last team admin", as: "oadmin", want: "409 409 409 409 409 409", says: saysLastTeamAdmin,
		rest: `DELETE /api/v1/teams/ml/members/tadmin`, web: "/teams/ml/settings/members/{id:tadmin}/remove",
		scim: `PATCH /Users/{id:tadmin} ` + scimPatch(`{"op":"replace","path":"teamRoles","value":[]}`)},
	{name: "demote the last team admin", as: "oadmin", want: "409 409 409 409 409 409", says: saysLastTeamAdmin,
		rest: `PATCH /api/v1/teams/ml/members/tadmin {"role":"member"}`, web: "/teams/ml/settings/members/{id:tadmin}/role role=member",
		scim: `PATCH /Users/{id:tadmin} ` + scimPatch(`{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"member"}]}`)},
	{name: "SCIM Users PUT omits the last team admin's team", as: "oadmin", want: "- - - - 409 409", says: saysLastTeamAdmin,
		vars: func(f *crossFixture) map[string]string {
			return map[string]string{"body": f.scimUserPut("tadmin", `[]`, nil)}
		},
		scim: `PUT /Users/{id:tadmin} {body}`},
	{name: "SCIM Groups PATCH removes the last team admin", as: "oadmin", want: "- - - - 409 409", says: saysLastTeamAdmin,
		scim: `PATCH /Groups/{ml} ` + scimPatch(`{"op":"remove","path":"members[value eq \"{id:tadmin}\"]"}`)},
	{name: "SCIM Groups PUT drops the last team admin", as: "oadmin", want: "- - - - 409 409", says: saysLastTeamAdmin,
		vars: func(f *crossFixture) map[string]string {
			return map[string]string{"body": f.scimGroupPut("", f.users["tadmin"].ID)}
		},
		scim: `PUT /Groups/{ml} {body}`},
	{name: "the last team admin leaves", as: "tadmin", want: "409 409 409 409 - -", says: saysLastTeamAdmin,
		rest: `DELETE /api/v1/teams/ml/members/tadmin`, web: "/teams/ml/settings/members/{id:tadmin}/remove"},
	{name: "the last team admin demotes itself", as: "tadmin", want: "409 409 409 409 - -", says: saysLastTeamAdmin,
		rest: `PATCH /api/v1/teams/ml/members/tadmin {"role":"viewer"}`, web: "/teams/ml/settings/members/{id:tadmin}/role role=viewer"},
	// With a second admin, either goes on every edge.
	{name: "remove a team admin who is not the last", as: "oadmin", want: "ok ok ok ok ok ok", vars: varsFreshIn("admin"),
		rest: `DELETE /api/v1/teams/ml/members/{fresh}`, web: "/teams/ml/settings/members/{freshID}/remove",
		scim: `PATCH /Users/{freshID} ` + scimPatch(`{"op":"replace","path":"teamRoles","value":[]}`)},
	{name: "demote a team admin who is not the last", as: "oadmin", want: "ok ok ok ok ok ok", vars: varsFreshIn("admin"),
		rest: `PATCH /api/v1/teams/ml/members/{fresh} {"role":"member"}`, web: "/teams/ml/settings/members/{freshID}/role role=member",
		scim: `PATCH /Users/{freshID} ` + scimPatch(`{"op":"add","path":"teamRoles","value":[{"teamName":"ml","roleName":"member"}]}`)},
	{name: "SCIM Groups PATCH removes a team admin who is not the last", as: "oadmin", want: "- - - - ok ok", vars: varsFreshIn("admin"),
		scim: `PATCH /Groups/{ml} ` + scimPatch(`{"op":"remove","path":"members[value eq \"{freshID}\"]"}`)},
	{name: "SCIM Groups PUT drops a team admin who is not the last", as: "oadmin", want: "- - - - ok ok",
		vars: func(f *crossFixture) map[string]string {
			v := varsFreshIn("admin")(f)
			v["body"] = f.scimGroupPut("", v["freshID"])
			return v
		},
		scim: `PUT /Groups/{ml} {body}`},
}

// crossSeatFixture: a license of 3 seats, all held: oadmin, bob and the
// pending invite of ivy; carol is deactivated and holds none.
func crossSeatFixture(t *testing.T) *crossFixture {
	s := newSigner(t)
	f := newCrossFixture(t, apitest.Options{Config: app.Config{License: s.issue(t, 3, nextYear, license.ServiceAccounts, license.SCIM, license.ViewerTeamRole), LicenseKey: s.pub}})
	f.plain("bob", "member")
	f.plain("carol", "member")
	f.e.Must(200, "POST", "/api/v1/users/carol/deactivate", nil, f.reader)
	f.e.MustInvite(f.reader, "ivy@example.com", "member")
	return f
}

const saysSeats = "seat limit reached (3 of 3 used)"

var crossSeatRows = []crossRow{
	// rest   sess   web    form   scim   scimSA
	{name: "invite beyond the limit", as: "oadmin", want: "409 409 409 409 409 409", says: saysSeats, vars: varsEmail,
		rest: `POST /api/v1/users {"email":"{email}"}`, web: "/org/users email={email}&role=member",
		scim: `POST /Users {"userName":"{email}"}`},
	{name: "invite with a team beyond the limit", as: "oadmin", want: "- - 409 409 - -", says: saysSeats, vars: varsEmail,
		web: "/org/users email={email}&role=viewer&teams=ml"},
	{name: "invite to a team beyond the limit", as: "oadmin", want: "409 409 409 409 - -", says: saysSeats, vars: varsEmail,
		rest: `POST /api/v1/teams/ml/members {"email":"{email}"}`, web: "/teams/ml/settings/members who={email}&role=member"},
	{name: "SCIM creates a user with a team beyond the limit", as: "oadmin", want: "- - - - 409 409", says: saysSeats, vars: varsEmail,
		scim: `POST /Users {"userName":"{email}","teamRoles":[{"teamName":"ml"}]}`},
	{name: "reactivate beyond the limit", as: "oadmin", want: "409 409 409 409 409 409", says: saysSeats,
		rest: `POST /api/v1/users/carol/reactivate`, web: "/org/users/{id:carol}/reactivate",
		scim: `PATCH /Users/{id:carol} ` + scimPatch(`{"op":"replace","path":"active","value":true}`)},
	{name: "SCIM Users PUT reactivates beyond the limit", as: "oadmin", want: "- - - - 409 409", says: saysSeats,
		vars: func(f *crossFixture) map[string]string {
			return map[string]string{"body": f.scimUserPut("carol", "", map[string]any{"active": true})}
		},
		scim: `PUT /Users/{id:carol} {body}`},
	// What takes no seat still goes.
	{name: "SCIM creates an inactive user, who takes no seat", as: "oadmin", want: "- - - - ok ok", vars: varsEmail,
		scim: `POST /Users {"userName":"{email}","active":false}`},
}

// crossDeactivatedFixture: three admins signed in on every edge, then
// deactivated through REST, the web and SCIM; oadmin stays.
func crossDeactivatedFixture(t *testing.T) *crossFixture {
	f := newCrossFixture(t, apitest.Options{})
	f.plain("bob", "member")
	for _, name := range []string{"gone-rest", "gone-web", "gone-scim"} {
		f.user(name, "admin")
	}
	f.e.Must(200, "POST", "/api/v1/users/gone-rest/deactivate", nil, f.reader)
	if r := f.users["oadmin"].form.Post("/org/users/"+f.users["gone-web"].ID+"/deactivate", nil); r.StatusCode != 200 {
		t.Fatalf("web deactivate: %d %.300s", r.StatusCode, r.Body)
	}
	f.e.Must(204, "DELETE", "/scim/v2/Users/"+f.users["gone-scim"].ID, nil, f.reader)
	return f
}

// crossDeactivatedRows are the same attempts by each deactivated admin.
func crossDeactivatedRows() []crossRow {
	var rows []crossRow
	for _, who := range []string{"gone-rest", "gone-web", "gone-scim"} {
		rows = append(rows,
			// rest   sess   web    form   scim   scimSA
			crossRow{name: who + " invites", as: who, want: "401 401 401 401 401 -", vars: varsEmail,
				rest: `POST /api/v1/users {"email":"{email}"}`, web: "/org/users email={email}&role=member",
				scim: `POST /Users {"userName":"{email}"}`},
			crossRow{name: who + " promotes a member", as: who, want: "401 401 401 401 401 -",
				rest: `PATCH /api/v1/users/bob {"role":"admin"}`, web: "/org/users/{id:bob}/role role=admin",
				scim: `PATCH /Users/{id:bob} ` + scimPatch(`{"op":"replace","path":"organizationRole","value":"admin"}`)},
			crossRow{name: who + " reactivates itself", as: who, want: "401 401 401 401 401 -",
				rest: `POST /api/v1/users/` + who + `/reactivate`, web: "/org/users/{id:" + who + "}/reactivate",
				scim: `PATCH /Users/{id:` + who + `} ` + scimPatch(`{"op":"replace","path":"active","value":true}`)},
			crossRow{name: who + " adds itself to a team", as: who, want: "401 401 401 401 401 -",
				rest: `POST /api/v1/teams/ml/members {"username":"` + who + `","role":"admin"}`, web: "/teams/ml/settings/members who=" + who + "&role=admin",
				scim: `PATCH /Groups/{ml} ` + scimPatch(`{"op":"add","path":"members","value":[{"value":"{id:`+who+`}"}]}`)},
		)
	}
	return rows
}
