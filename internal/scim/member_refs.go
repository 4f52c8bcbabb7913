package scim

import (
	"strings"

	"roster"
	"roster/internal/app"
)

// byEmail lets a Group PATCH name current members by email (or username)
// where their id is expected, as W&B's documentation does: `members[value
// eq "user@example.com"]` and Entra's remove with a value list. Each such
// equality or value is rewritten to the member's id before the operations
// apply; a value that names no member stays as written and matches
// nothing, since that member is truly absent.
func byEmail(k *kind, ops []patchOp, cur *app.DirectoryGroup) {
	isID := make(map[string]bool, len(cur.Members))
	byRef := make(map[string]string, 2*len(cur.Members))
	for _, m := range cur.Members {
		isID[m.PrincipalID] = true
		if m.Email != "" {
			byRef[roster.CanonicalEmail(m.Email)] = m.PrincipalID
		}
		if m.Username != "" {
			byRef[strings.ToLower(m.Username)] = m.PrincipalID
		}
	}
	resolve := func(s string) (string, bool) {
		if isID[s] {
			return "", false
		}
		if strings.Contains(s, "@") {
			id, ok := byRef[roster.CanonicalEmail(s)]
			return id, ok
		}
		id, ok := byRef[strings.ToLower(s)]
		return id, ok
	}
	rewriteOps(k, ops, "members", "value", resolve)
}

// byTeamName lets a User PATCH name a team in a teamRoles filter by its
// display name too, as teamRoles values may: `teamRoles[teamName eq "ML
// Engineers"]` finds the membership of team ml-engineers.
func byTeamName(k *kind, ops []patchOp, cur *app.DirectoryUser) {
	names := make(map[string]string, len(cur.Teams))
	for _, m := range cur.Teams {
		names[strings.ToLower(m.TeamDisplayName)] = m.TeamName
	}
	for _, m := range cur.Teams {
		delete(names, strings.ToLower(m.TeamName)) // a team's own name wins
	}
	resolve := func(s string) (string, bool) {
		n, ok := names[strings.ToLower(s)]
		return n, ok
	}
	rewriteOps(k, ops, "teamRoles", "teamName", resolve)
}

// rewriteOps rewrites, in the operations whose path filters attribute
// attr, every `key eq "x"` to `key eq resolve(x)`, and in removes with a
// value list every value's key the same way.
func rewriteOps(k *kind, ops []patchOp, attr, key string, resolve func(string) (string, bool)) {
	for i := range ops {
		o := &ops[i]
		if !o.hasPath {
			continue
		}
		p := o.parsed
		if p == nil {
			var err error
			if p, err = parsePath(k, o.path); err != nil {
				continue // applyOp reports a bad path
			}
		}
		if p.ext != nil || p.loc.attr.Name != attr {
			continue
		}
		if p.filter != nil {
			// A copy: the parsed path is shared by every run of the
			// transaction, and each run resolves against its own state.
			p = &patchPath{loc: p.loc, filter: cloneFilter(p.filter), sub: p.sub}
			rewriteEq(p.filter, key, resolve)
			o.parsed = p
		}
		if o.op == "remove" && o.value != nil && p.filter == nil {
			o.value = rewriteValues(o.value, key, resolve)
		}
	}
}

// cloneFilter copies a compiled filter's nodes, so that rewriteEq can
// change the copy.
func cloneFilter(n *node) *node {
	if n == nil {
		return nil
	}
	c := *n
	c.left, c.right, c.elem = cloneFilter(n.left), cloneFilter(n.right), cloneFilter(n.elem)
	return &c
}

// rewriteEq rewrites the equalities on sub-attribute key in a filter.
func rewriteEq(n *node, key string, resolve func(string) (string, bool)) {
	if n == nil {
		return
	}
	if n.op == "cmp" && n.cmp == "eq" && n.leaf != nil && n.leaf.Name == key {
		if s, ok := n.raw.(string); ok {
			if to, found := resolve(s); found {
				n.raw, n.value = to, to
				if v, err := operand(n.leaf, n.cmp, to); err == nil {
					n.value = v
				}
			}
		}
	}
	rewriteEq(n.left, key, resolve)
	rewriteEq(n.right, key, resolve)
	rewriteEq(n.elem, key, resolve)
}

// rewriteValues rewrites sub-attribute key of each value in a list.
func rewriteValues(v any, key string, resolve func(string) (string, bool)) any {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	out := make([]any, len(list))
	for i, e := range list {
		out[i] = e
		m, isMap := e.(map[string]any)
		if !isMap {
			continue
		}
		s, _ := lookupCI(m, key).(string)
		if to, found := resolve(s); found {
			m = cloneMap(m)
			for name := range m {
				if strings.EqualFold(name, key) {
					delete(m, name)
				}
			}
			m[key] = to
			out[i] = m
		}
	}
	return out
}
