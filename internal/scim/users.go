package scim

import (
	"net/http"
	"strings"

	"roster/internal/app"
	"roster/internal/store"
)

// writeUserList answers a list of users.
func (s *Server) writeUserList(w http.ResponseWriter, r *http.Request, c *call, p listParams) error {
	users, total, err := s.userPage(r.Context(), c, p)
	if err != nil {
		return err
	}
	out := make([]resource, 0, len(users))
	for _, v := range users {
		out = append(out, userView(p.proj, c, v))
	}
	return writeJSON(w, http.StatusOK, newList(p, total, out))
}

// userKeys finds indexed look-ups that every match of n satisfies.
func userKeys(n *node) (*store.SCIMUserKeys, bool) {
	switch n.op {
	case "and":
		if k, ok := userKeys(n.left); ok {
			return k, true
		}
		return userKeys(n.right)
	case "or":
		l, ok1 := userKeys(n.left)
		r, ok2 := userKeys(n.right)
		if !ok1 || !ok2 {
			return nil, false
		}
		return &store.SCIMUserKeys{IDs: append(l.IDs, r.IDs...), UserNames: append(l.UserNames, r.UserNames...),
			ExternalIDs: append(l.ExternalIDs, r.ExternalIDs...), Emails: append(l.Emails, r.Emails...)}, true
	case "path":
		if n.loc.ext == nil && n.loc.attr.Name == "emails" {
			if v, ok := eqValue(n.elem, "value"); ok {
				return &store.SCIMUserKeys{Emails: []string{v}}, true
			}
		}
		return nil, false
	case "cmp":
		s, ok := n.raw.(string)
		if !ok || n.cmp != "eq" || n.loc.ext != nil {
			return nil, false
		}
		switch n.loc.attr.Name {
		case "userName":
			return &store.SCIMUserKeys{UserNames: []string{s}}, true
		case "externalId":
			return &store.SCIMUserKeys{ExternalIDs: []string{s}}, true
		case "id":
			return &store.SCIMUserKeys{IDs: []string{s}}, true
		case "emails":
			if n.sub == nil || n.sub.Name == "value" {
				return &store.SCIMUserKeys{Emails: []string{s}}, true
			}
		}
	}
	return nil, false
}

// eqValue finds `name eq "v"` that every match of a value filter needs.
func eqValue(n *node, name string) (string, bool) {
	switch n.op {
	case "and":
		if v, ok := eqValue(n.left, name); ok {
			return v, true
		}
		return eqValue(n.right, name)
	case "cmp":
		s, ok := n.raw.(string)
		return s, ok && n.cmp == "eq" && n.leaf.Name == name && n.sub == nil
	}
	return "", false
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, c *call) error {
	proj, err := projectionFromQuery(s.users, r.URL.Query())
	if err != nil {
		return err
	}
	v, err := s.app.GetSCIMUser(r.Context(), c.a, r.PathValue("id"))
	if err != nil {
		return err
	}
	version := userVersion(v)
	if notModified(w, r, version) {
		return nil
	}
	return writeResource(w, http.StatusOK, userView(proj, c, v), version)
}

// notModified answers 304 when If-None-Match names the current version.
func notModified(w http.ResponseWriter, r *http.Request, version string) bool {
	for _, v := range ifMatch(r, "If-None-Match") {
		if v == version || v == "*" {
			w.Header().Set("ETag", etag(version))
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, c *call) error {
	body, res, proj, err := s.readResource(w, r, s.users)
	if err != nil {
		return err
	}
	in, err := userInput(res, false)
	if err != nil {
		return err
	}
	v, err := s.app.CreateSCIMUser(r.Context(), c.a, in, app.SCIMWrite{Password: bodyPassword(body)})
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusCreated, userView(proj, c, v), userVersion(v))
}

// readResource reads a body as a resource of kind k, with the response
// projection the query asks for.
func (s *Server) readResource(w http.ResponseWriter, r *http.Request, k *kind) (map[string]any, resource, projection, error) {
	proj, err := projectionFromQuery(k, r.URL.Query())
	if err != nil {
		return nil, nil, proj, err
	}
	body, err := readBody(w, r)
	if err != nil {
		return nil, nil, proj, err
	}
	res, err := normalizeResource(k, body)
	return body, res, proj, err
}

// bodyPassword finds the write-only password in a User body.
func bodyPassword(body map[string]any) string {
	p, _ := lookupCI(body, "password").(string)
	return p
}

// mentions reports whether a body names an attribute at the top level or
// inside an extension object, so that an empty value still counts.
func mentions(body map[string]any, name string) bool {
	for k, v := range body {
		if strings.EqualFold(k, name) {
			return true
		}
		if m, ok := v.(map[string]any); ok && strings.HasPrefix(k, "urn:") && lookupCI(m, name) != nil {
			return true
		}
	}
	return false
}
