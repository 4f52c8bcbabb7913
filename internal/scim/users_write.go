package scim

import (
	"net/http"
	"strings"

	"roster/internal/app"
)

// replaceUser is PUT: the body replaces the user's attributes. What a
// full-profile PUT usually leaves out is kept rather than cleared: the
// externalId, the status (without active), the password and the Roster
// roles (without organizationRole or teamRoles).
func (s *Server) replaceUser(w http.ResponseWriter, r *http.Request, c *call) error {
	body, res, proj, err := s.readResource(w, r, s.users)
	if err != nil {
		return err
	}
	in, err := userInput(res, false)
	if err != nil {
		return err
	}
	if in.TeamRoles == nil && mentions(body, "teamRoles") {
		in.TeamRoles = []app.TeamJoin{}
	}
	write := app.SCIMWrite{Check: precondition(r, userVersion), Password: bodyPassword(body)}
	v, err := s.app.ModifySCIMUser(r.Context(), c.a, r.PathValue("id"), write, func(cur *app.DirectoryUser) (app.SCIMUserInput, error) {
		if in.ExternalID == "" {
			in.ExternalID = cur.ExternalID()
		}
		return in, nil
	})
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, userView(proj, c, v), userVersion(v))
}

// patchUser is PATCH: the operations apply to the user's current
// representation, and the result is applied in one transaction.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, c *call) error {
	proj, ops, err := readPatch(s.users, w, r)
	if err != nil {
		return err
	}
	write := app.SCIMWrite{Check: precondition(r, userVersion), Password: patchPassword(ops)}
	v, err := s.app.ModifySCIMUser(r.Context(), c.a, r.PathValue("id"), write, func(cur *app.DirectoryUser) (app.SCIMUserInput, error) {
		res := storedUserResource(c, cur)
		ops := append([]patchOp(nil), ops...) // the transaction may run again
		byTeamName(s.users, ops, cur)
		if err := applyPatch(s.users, res, ops); err != nil {
			return app.SCIMUserInput{}, err
		}
		norm, err := normalizeResource(s.users, res)
		if err != nil {
			return app.SCIMUserInput{}, err
		}
		return userInput(norm, true)
	})
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, userView(proj, c, v), userVersion(v))
}

// patchPassword finds a password that PATCH operations set.
func patchPassword(ops []patchOp) string {
	var pw string
	for _, o := range ops {
		if o.op == "remove" {
			continue
		}
		if o.hasPath {
			if _, name := splitURN(o.path); strings.EqualFold(strings.TrimSpace(name), "password") {
				pw, _ = o.value.(string)
			}
			continue
		}
		if m, ok := o.value.(map[string]any); ok {
			if p, ok := lookupCI(m, "password").(string); ok {
				pw = p
			}
		}
	}
	return pw
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.app.DeleteSCIMUser(r.Context(), c.a, r.PathValue("id"), precondition(r, userVersion)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
