package scim

import (
	"net/http"
	"strings"

	"roster/internal/app"
	"roster/internal/store"
)

// groupResource renders a team as a SCIM group.
func groupResource(c *call, v *app.DirectoryGroup) resource {
	t := v.Team
	res := resource{"schemas": []any{URNGroup}, "id": t.ID, "displayName": t.DisplayName}
	if ext := v.ExternalID(); ext != "" {
		res["externalId"] = ext
	}
	members := make([]any, 0, len(v.Members))
	for _, m := range v.Members {
		display := m.Username
		if display == "" {
			display = m.Email
		}
		members = append(members, map[string]any{"value": m.PrincipalID, "display": display,
			"$ref": c.base + "/Users/" + m.PrincipalID, "type": "User"})
	}
	res["members"] = members
	if len(v.IDPGroups) > 0 {
		groups := make([]any, len(v.IDPGroups))
		for i, g := range v.IDPGroups {
			groups[i] = map[string]any{"value": g}
		}
		res[URNRosterGroup] = map[string]any{"idpGroups": groups}
		res["schemas"] = []any{URNGroup, URNRosterGroup}
	}
	modified := t.UpdatedAt
	if v.Group != nil && v.Group.UpdatedAt.After(modified) {
		modified = v.Group.UpdatedAt
	}
	res["meta"] = meta("Group", t.CreatedAt, modified, c.base+"/Groups/"+t.ID, groupVersion(v))
	return res
}

// groupInput turns a normalized Group resource into the state to apply;
// with explicitMembers, missing members mean none, and with explicitIDP,
// missing idpGroups mean none.
func groupInput(res resource, explicitMembers, explicitIDP bool) (app.SCIMGroupInput, error) {
	var in app.SCIMGroupInput
	in.DisplayName, _ = res["displayName"].(string)
	if strings.TrimSpace(in.DisplayName) == "" {
		return in, bad(invalidValue, "displayName is required")
	}
	in.ExternalID, _ = res["externalId"].(string)
	if err := idpGroupsInput(&in, res, explicitIDP); err != nil {
		return in, err
	}
	list, present := res["members"]
	if !present && !explicitMembers {
		return in, nil
	}
	in.Members = []string{}
	for _, e := range asList(list) {
		v, _ := asMap(e)["value"].(string)
		if strings.TrimSpace(v) == "" {
			return in, bad(invalidValue, "every member needs a value: a user id or email")
		}
		in.Members = append(in.Members, v)
	}
	return in, nil
}

// idpGroupsInput reads the Roster Group extension's idpGroups: a request
// that names them sets them (an empty list clears them); one that does
// not keeps them, except when explicit (POST, and PATCH, which works on
// the whole current representation), where none means none.
func idpGroupsInput(in *app.SCIMGroupInput, res resource, explicit bool) error {
	ext, present := res[URNRosterGroup]
	if !present && !explicit {
		return nil
	}
	groups := []string{}
	for _, e := range asList(asMap(ext)["idpGroups"]) {
		v, _ := asMap(e)["value"].(string)
		if strings.TrimSpace(v) == "" {
			return bad(invalidValue, "every idpGroups entry needs a value: a group id, path or DN")
		}
		groups = append(groups, v)
	}
	in.IDPGroups = &groups
	return nil
}

// writeGroupList answers a list of groups.
func (s *Server) writeGroupList(w http.ResponseWriter, r *http.Request, c *call, p listParams) error {
	groups, total, err := s.groupPage(r.Context(), c, p)
	if err != nil {
		return err
	}
	out := make([]resource, 0, len(groups))
	for _, v := range groups {
		out = append(out, p.proj.apply(groupResource(c, v)))
	}
	return writeJSON(w, http.StatusOK, newList(p, total, out))
}

// groupKeys finds indexed look-ups that every match of n satisfies.
func groupKeys(n *node) (*store.SCIMGroupKeys, bool) {
	switch n.op {
	case "and":
		if k, ok := groupKeys(n.left); ok {
			return k, true
		}
		return groupKeys(n.right)
	case "or":
		l, ok1 := groupKeys(n.left)
		r, ok2 := groupKeys(n.right)
		if !ok1 || !ok2 {
			return nil, false
		}
		return &store.SCIMGroupKeys{IDs: append(l.IDs, r.IDs...), DisplayNames: append(l.DisplayNames, r.DisplayNames...),
			ExternalIDs: append(l.ExternalIDs, r.ExternalIDs...)}, true
	case "cmp":
		s, ok := n.raw.(string)
		if !ok || n.cmp != "eq" || n.sub != nil {
			return nil, false
		}
		switch n.loc.attr.Name {
		case "displayName":
			return &store.SCIMGroupKeys{DisplayNames: []string{s}}, true
		case "externalId":
			return &store.SCIMGroupKeys{ExternalIDs: []string{s}}, true
		case "id":
			return &store.SCIMGroupKeys{IDs: []string{s}}, true
		}
	}
	return nil, false
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	proj, err := projectionFromQuery(s.groups, r.URL.Query())
	if err != nil {
		return err
	}
	v, err := s.app.GetSCIMGroup(r.Context(), c.a, r.PathValue("id"))
	if err != nil {
		return err
	}
	version := groupVersion(v)
	if notModified(w, r, version) {
		return nil
	}
	return writeResource(w, http.StatusOK, proj.apply(groupResource(c, v)), version)
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	_, res, proj, err := s.readResource(w, r, s.groups)
	if err != nil {
		return err
	}
	in, err := groupInput(res, true, true)
	if err != nil {
		return err
	}
	v, err := s.app.CreateSCIMGroup(r.Context(), c.a, in)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusCreated, proj.apply(groupResource(c, v)), groupVersion(v))
}

// replaceGroup is PUT: members are replaced when the body has them.
func (s *Server) replaceGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	body, res, proj, err := s.readResource(w, r, s.groups)
	if err != nil {
		return err
	}
	in, err := groupInput(res, mentions(body, "members"), mentions(body, "idpGroups"))
	if err != nil {
		return err
	}
	v, err := s.app.ModifySCIMGroup(r.Context(), c.a, r.PathValue("id"), precondition(r, groupVersion), func(cur *app.DirectoryGroup) (app.SCIMGroupInput, error) {
		if in.ExternalID == "" {
			in.ExternalID = cur.ExternalID()
		}
		return in, nil
	})
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, proj.apply(groupResource(c, v)), groupVersion(v))
}

func (s *Server) patchGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	proj, ops, err := readPatch(s.groups, w, r)
	if err != nil {
		return err
	}
	v, err := s.app.ModifySCIMGroup(r.Context(), c.a, r.PathValue("id"), precondition(r, groupVersion), func(cur *app.DirectoryGroup) (app.SCIMGroupInput, error) {
		res := groupResource(c, cur)
		ops := append([]patchOp(nil), ops...) // the transaction may run again
		byEmail(s.groups, ops, cur)
		if err := applyPatch(s.groups, res, ops); err != nil {
			return app.SCIMGroupInput{}, err
		}
		norm, err := normalizeResource(s.groups, res)
		if err != nil {
			return app.SCIMGroupInput{}, err
		}
		return groupInput(norm, true, true)
	})
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, proj.apply(groupResource(c, v)), groupVersion(v))
}

func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.app.DeleteSCIMGroup(r.Context(), c.a, r.PathValue("id"), precondition(r, groupVersion)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
