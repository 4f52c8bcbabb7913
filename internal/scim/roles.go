package scim

import (
	"net/http"
	"strings"

	"roster"
	"roster/internal/app"
)

// roleResource renders a custom role with every effective permission,
// each marked inherited or not (C3).
func roleResource(c *call, r *roster.CustomRole) resource {
	base := roster.BuiltinPerms(r.Base)
	perms := []any{}
	for _, p := range r.Perms().List() {
		perms = append(perms, map[string]any{"name": string(p), "isInherited": base.Has(p)})
	}
	res := resource{"schemas": []any{URNRole}, "id": r.ID, "name": r.Name, "inheritedFrom": string(r.Base),
		"organizationID": r.OrgID, "permissions": perms}
	if r.Description != "" {
		res["description"] = r.Description
	}
	res["meta"] = meta("Role", r.CreatedAt, r.UpdatedAt, c.base+"/Roles/"+r.ID, roleVersion(r))
	return res
}

// roleInputOf turns a normalized Role resource into a role to store;
// inherited permissions listed back are accepted and dropped.
func roleInputOf(res resource) (app.RoleInput, error) {
	in, _, err := roleInputMarked(res)
	return in, err
}

// roleInputMarked is roleInputOf that also returns the permissions the
// document marks "isInherited": true.
func roleInputMarked(res resource) (app.RoleInput, map[string]bool, error) {
	in, err := roleFields(res)
	if err != nil {
		return in, nil, err
	}
	marked := map[string]bool{}
	for _, e := range asList(res["permissions"]) {
		if asMap(e)["isInherited"] == true {
			name, _ := asMap(e)["name"].(string)
			marked[strings.ToLower(strings.TrimSpace(name))] = true
		}
	}
	return in, marked, nil
}

// rebased returns in for a role whose base in changes from cur's: the
// permissions the document marks inherited came from the old base and
// are dropped, and the role's own permissions are kept as they were
// (W&B: changing the inherited role "doesn't affect any of the existing,
// non-inherited custom permissions"): PUT (keepOwn) adds them to those
// listed, while PATCH, which starts from the role as it is, keeps what its
// operations left. With the base unchanged, in is returned as it is.
func rebased(cur *roster.CustomRole, in app.RoleInput, marked map[string]bool, keepOwn bool) app.RoleInput {
	if strings.EqualFold(strings.TrimSpace(in.Base), string(cur.Base)) {
		return in
	}
	own := make([]string, 0, len(in.Permissions))
	for _, p := range in.Permissions {
		if !marked[strings.ToLower(strings.TrimSpace(p))] {
			own = append(own, p)
		}
	}
	if keepOwn {
		own = append(own, cur.Extra.PermNames()...)
	}
	in.Permissions = own
	return in
}

func roleFields(res resource) (app.RoleInput, error) {
	var in app.RoleInput
	in.Name, _ = res["name"].(string)
	in.Description, _ = res["description"].(string)
	in.Base, _ = res["inheritedFrom"].(string)
	if strings.TrimSpace(in.Name) == "" || strings.TrimSpace(in.Base) == "" {
		return in, bad(invalidValue, "a role needs a name and inheritedFrom (member or viewer)")
	}
	for _, e := range asList(res["permissions"]) {
		name, _ := asMap(e)["name"].(string)
		if _, err := roster.ParsePermission(name); err != nil {
			return in, bad(invalidValue, "permission %q is not in the catalog", name)
		}
		in.Permissions = append(in.Permissions, name)
	}
	return in, nil
}

// writeRoleList filters and pages custom roles in memory: an
// organization has few.
func (s *Server) writeRoleList(w http.ResponseWriter, r *http.Request, c *call, p listParams) error {
	roles, err := s.app.ListSCIMRoles(r.Context(), c.a)
	if err != nil {
		return err
	}
	pg := newPage[resource](p)
	for _, v := range roles {
		if res := roleResource(c, v); p.filter == nil || p.filter.match(res) {
			pg.add(res)
		}
	}
	out := make([]resource, 0, len(pg.items))
	for _, res := range pg.items {
		out = append(out, p.proj.apply(res))
	}
	return writeJSON(w, http.StatusOK, newList(p, pg.total, out))
}

func (s *Server) getRole(w http.ResponseWriter, r *http.Request, c *call) error {
	proj, err := projectionFromQuery(s.roles, r.URL.Query())
	if err != nil {
		return err
	}
	v, err := s.app.GetSCIMRole(r.Context(), c.a, r.PathValue("id"))
	if err != nil {
		return err
	}
	version := roleVersion(v)
	if notModified(w, r, version) {
		return nil
	}
	return writeResource(w, http.StatusOK, proj.apply(roleResource(c, v)), version)
}

func (s *Server) createRole(w http.ResponseWriter, r *http.Request, c *call) error {
	_, res, proj, err := s.readResource(w, r, s.roles)
	if err != nil {
		return err
	}
	in, err := roleInputOf(res)
	if err != nil {
		return err
	}
	v, err := s.app.CreateSCIMRole(r.Context(), c.a, in)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusCreated, proj.apply(roleResource(c, v)), roleVersion(v))
}

func (s *Server) replaceRole(w http.ResponseWriter, r *http.Request, c *call) error {
	_, res, proj, err := s.readResource(w, r, s.roles)
	if err != nil {
		return err
	}
	in, marked, err := roleInputMarked(res)
	if err != nil {
		return err
	}
	v, err := s.app.ModifySCIMRole(r.Context(), c.a, r.PathValue("id"), precondition(r, roleVersion),
		func(cur *roster.CustomRole) (app.RoleInput, error) { return rebased(cur, in, marked, true), nil })
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, proj.apply(roleResource(c, v)), roleVersion(v))
}

// patchRole applies operations to the role; an inherited permission
// cannot be removed, only the base role changed.
func (s *Server) patchRole(w http.ResponseWriter, r *http.Request, c *call) error {
	proj, ops, err := readPatch(s.roles, w, r)
	if err != nil {
		return err
	}
	v, err := s.app.ModifySCIMRole(r.Context(), c.a, r.PathValue("id"), precondition(r, roleVersion), func(cur *roster.CustomRole) (app.RoleInput, error) {
		res := roleResource(c, cur)
		if err := applyPatch(s.roles, res, ops); err != nil {
			return app.RoleInput{}, err
		}
		norm, err := normalizeResource(s.roles, res)
		if err != nil {
			return app.RoleInput{}, err
		}
		in, marked, err := roleInputMarked(norm)
		if err != nil {
			return in, err
		}
		return rebased(cur, in, marked, false), keepsInherited(cur, in)
	})
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, proj.apply(roleResource(c, v)), roleVersion(v))
}

// keepsInherited refuses removing a permission the base role grants when
// the base stays.
func keepsInherited(cur *roster.CustomRole, in app.RoleInput) error {
	if !strings.EqualFold(strings.TrimSpace(in.Base), string(cur.Base)) {
		return nil
	}
	have, _ := roster.ParsePermList(in.Permissions)
	for _, p := range roster.BuiltinPerms(cur.Base).List() {
		if !have.Has(p) {
			return bad(mutability, "%s is inherited from %s; change inheritedFrom instead of removing it", p, cur.Base)
		}
	}
	return nil
}

func (s *Server) deleteRole(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.app.DeleteSCIMRole(r.Context(), c.a, r.PathValue("id"), precondition(r, roleVersion)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
