package scim

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"roster"
)

// Prefixes are the two base paths of the one SCIM API (section 9).
var Prefixes = []string{"/scim/v2", "/scim"}

// route is one SCIM endpoint below a prefix.
type route struct {
	method, path string
	handle       handler
}

// table lists every SCIM endpoint in one place.
func (s *Server) table() []route {
	return []route{
		{"GET", "/ServiceProviderConfig", s.serviceProviderConfig},
		{"GET", "/ResourceTypes", s.resourceTypes},
		{"GET", "/ResourceTypes/{id}", s.resourceType},
		{"GET", "/Schemas", s.schemas},
		{"GET", "/Schemas/{id}", s.schema},

		{"GET", "/Users", listByQuery(s.users, s.writeUserList)},
		{"POST", "/Users/.search", listBySearch(s.users, s.writeUserList)},
		{"POST", "/Users", s.createUser},
		{"GET", "/Users/{id}", s.getUser},
		{"PUT", "/Users/{id}", s.replaceUser},
		{"PATCH", "/Users/{id}", s.patchUser},
		{"DELETE", "/Users/{id}", s.deleteUser},

		{"GET", "/Groups", listByQuery(s.groups, s.writeGroupList)},
		{"POST", "/Groups/.search", listBySearch(s.groups, s.writeGroupList)},
		{"POST", "/Groups", s.createGroup},
		{"GET", "/Groups/{id}", s.getGroup},
		{"PUT", "/Groups/{id}", s.replaceGroup},
		{"PATCH", "/Groups/{id}", s.patchGroup},
		{"DELETE", "/Groups/{id}", s.deleteGroup},

		{"GET", "/Roles", listByQuery(s.roles, s.writeRoleList)},
		{"POST", "/Roles/.search", listBySearch(s.roles, s.writeRoleList)},
		{"POST", "/Roles", s.createRole},
		{"GET", "/Roles/{id}", s.getRole},
		{"PUT", "/Roles/{id}", s.replaceRole},
		{"PATCH", "/Roles/{id}", s.patchRole},
		{"DELETE", "/Roles/{id}", s.deleteRole},
	}
}

// Register adds every endpoint under both prefixes to mux. A path that
// differs from an endpoint's only by case or a trailing slash is served by
// it; unknown paths get a SCIM 404, known paths with another method a
// SCIM 405.
func (s *Server) Register(mux *http.ServeMux) {
	shapes := http.NewServeMux()
	allowed := map[string][]string{}
	segments := s.segments()
	for _, prefix := range Prefixes {
		for _, rt := range s.table() {
			mux.Handle(rt.method+" "+prefix+rt.path, s.serve(prefix, rt.handle))
			pattern := prefix + rt.path
			if allowed[pattern] == nil {
				shapes.Handle(pattern, http.NotFoundHandler())
			}
			allowed[pattern] = append(allowed[pattern], rt.method)
		}
		mux.Handle(prefix+"/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
			if p, ok := canonicalPath(shapes, segments, prefix, r.URL.Path); ok {
				// The same endpoint spelled another way: served by the
				// same route, with the same authentication.
				r2 := r.Clone(r.Context())
				r2.URL.Path, r2.URL.RawPath = p, ""
				mux.ServeHTTP(w, r2)
				return nil
			}
			if _, pattern := shapes.Handler(r); pattern != "" {
				methods := allowed[pattern]
				sort.Strings(methods)
				w.Header().Set("Allow", strings.Join(methods, ", "))
				return &statusError{http.StatusMethodNotAllowed,
					roster.Errorf(roster.EInvalid, "%s does not take %s; it takes %s", r.URL.Path, r.Method, strings.Join(methods, ", "))}
			}
			return roster.Errorf(roster.ENotFound, "no SCIM endpoint %s", r.URL.Path)
		}))
	}
}

// segments are the fixed path segments of the endpoints (Users, .search...).
func (s *Server) segments() []string {
	var out []string
	for _, rt := range s.table() {
		for _, seg := range strings.Split(strings.TrimPrefix(rt.path, "/"), "/") {
			if !strings.HasPrefix(seg, "{") && !slices.Contains(out, seg) {
				out = append(out, seg)
			}
		}
	}
	return out
}

// canonicalPath spells path as an endpoint's route does, when it differs
// only by the case of fixed segments (`/users`) or one trailing slash
// (`/Users/`); ids keep their case.
func canonicalPath(shapes *http.ServeMux, segments []string, prefix, path string) (string, bool) {
	rest := strings.TrimPrefix(path, prefix+"/")
	if rest == path {
		return "", false
	}
	rest = strings.TrimSuffix(rest, "/")
	parts := strings.Split(rest, "/")
	for i, part := range parts {
		if part == "" {
			return "", false
		}
		for _, seg := range segments {
			if strings.EqualFold(part, seg) && (i == 0 || strings.HasPrefix(seg, ".")) {
				parts[i] = seg
			}
		}
	}
	canon := prefix + "/" + strings.Join(parts, "/")
	if canon == path {
		return "", false
	}
	_, pattern := shapes.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: canon}})
	return canon, pattern != ""
}
