package scim

import (
	"reflect"
	"strings"
)

// removeAt removes what a path names. A value given with a path-only
// multi-valued target removes just those values (Entra's older member
// removal, C6); a filter that matches nothing removes nothing.
func removeAt(p *patchPath, res resource, v any) error {
	a := p.loc.attr
	list := asList(p.loc.get(res))
	switch {
	case p.filter != nil:
		var keep []any
		for _, e := range list {
			m, ok := e.(map[string]any)
			switch {
			case !ok || !p.filter.match(m):
				keep = append(keep, e)
			case p.sub != nil:
				m = cloneMap(m)
				delete(m, p.sub.Name)
				keep = append(keep, m)
			}
		}
		p.loc.set(res, keep)
	case p.sub != nil && a.MultiValued:
		var keep []any
		for _, e := range list {
			m := cloneMap(e)
			delete(m, p.sub.Name)
			keep = append(keep, m)
		}
		p.loc.set(res, keep)
	case p.sub != nil:
		m := cloneMap(p.loc.get(res))
		delete(m, p.sub.Name)
		p.loc.set(res, dropEmpty(m))
	case a.MultiValued && v != nil:
		gone, err := normalizeValue(a, v, true)
		if err != nil {
			return err
		}
		goneIdx := newValueIndex(a, asList(gone))
		var keep []any
		for _, e := range list {
			if goneIdx.find(e) < 0 {
				keep = append(keep, e)
			}
		}
		p.loc.set(res, keep)
	default:
		p.loc.set(res, nil)
	}
	return nil
}

// setFiltered adds or replaces at `attr[filter]` or `attr[filter].sub`.
// When nothing matches and the filter only states equalities, a value
// with those equalities is created, as Entra expects of
// `emails[type eq "work"].value` (C6).
func setFiltered(p *patchPath, res resource, op string, val any) error {
	list := asList(p.loc.get(res))
	out := make([]any, 0, len(list)+1)
	matched := false
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok || !p.filter.match(m) {
			out = append(out, e)
			continue
		}
		matched = true
		out = append(out, setValue(p, op, m, val))
	}
	if !matched {
		base, ok := eqConditions(p.filter)
		if !ok {
			return bad(noTarget, "no value of %s matches the path's filter", p.loc.attr.Name)
		}
		out = append(out, setValue(p, "add", base, val))
	}
	p.loc.set(res, out)
	return nil
}

// setValue sets a sub-attribute of one value, or merges or replaces it.
func setValue(p *patchPath, op string, m map[string]any, val any) map[string]any {
	if p.sub != nil {
		m = cloneMap(m)
		m[p.sub.Name] = val
		return dropEmpty(m)
	}
	if op == "replace" {
		return cloneMap(val)
	}
	m = cloneMap(m)
	for k, v := range asMap(val) {
		m[k] = v
	}
	return dropEmpty(m)
}

// eqConditions returns the sub-attribute values a filter of equalities
// joined by "and" states.
func eqConditions(n *node) (map[string]any, bool) {
	switch {
	case n.op == "and":
		l, ok1 := eqConditions(n.left)
		r, ok2 := eqConditions(n.right)
		for k, v := range r {
			l[k] = v
		}
		return l, ok1 && ok2
	case n.op == "cmp" && n.cmp == "eq" && n.sub == nil:
		return map[string]any{n.leaf.Name: n.raw}, true
	}
	return map[string]any{}, false
}

// appendValues adds values to a multi-valued attribute: a value whose key
// (members' value, teamRoles' teamName) is already there replaces it, and
// an identical value is not repeated.
func appendValues(a *Attr, list, add []any) []any {
	out := append([]any(nil), list...)
	idx := newValueIndex(a, out)
	for _, v := range add {
		if i := idx.find(v); i >= 0 {
			out[i] = v
			continue
		}
		idx.add(v, len(out))
		out = append(out, v)
	}
	return out
}

// valueIndex finds values of a multi-valued attribute by their key
// sub-attribute in constant time, so that adding or removing thousands of
// members costs linear time; values without a key are compared one by one.
type valueIndex struct {
	a     *Attr
	list  []any
	byKey map[string]int
}

func newValueIndex(a *Attr, list []any) *valueIndex {
	x := &valueIndex{a: a, list: list, byKey: map[string]int{}}
	if a.key != "" {
		for i, e := range list {
			x.add(e, i)
		}
	}
	return x
}

// key is v's folded key, or "" when it has none.
func (x *valueIndex) key(v any) string {
	m, ok := v.(map[string]any)
	if x.a.key == "" || !ok {
		return ""
	}
	k, _ := m[x.a.key].(string)
	return strings.ToLower(k)
}

// add records that v sits at position i (the first holder of a key wins).
func (x *valueIndex) add(v any, i int) {
	if k := x.key(v); k != "" {
		if _, seen := x.byKey[k]; !seen {
			x.byKey[k] = i
		}
	}
	if i >= len(x.list) {
		x.list = append(x.list, v)
	}
}

// find returns v's position, or -1.
func (x *valueIndex) find(v any) int {
	if k := x.key(v); k != "" {
		if i, ok := x.byKey[k]; ok {
			return i
		}
		return -1
	}
	if _, isMap := v.(map[string]any); isMap && x.a.key != "" {
		return -1 // a keyed attribute's value without its key matches nothing by key
	}
	return indexOf(x.a, x.list, v)
}

// indexOf finds v among list by a's key sub-attribute, else by equality.
func indexOf(a *Attr, list []any, v any) int {
	vm, isMap := v.(map[string]any)
	for i, e := range list {
		em, ok := e.(map[string]any)
		if a.key != "" && ok && isMap {
			ks, _ := vm[a.key].(string)
			es, _ := em[a.key].(string)
			if ks != "" && strings.EqualFold(ks, es) {
				return i
			}
			continue
		}
		if reflect.DeepEqual(e, v) {
			return i
		}
	}
	return -1
}

// fixPrimary keeps at most one primary value per multi-valued attribute
// (RFC 7643 section 2.4): the last one set wins.
func fixPrimary(k *kind, res resource) {
	for _, s := range append([]*Schema{k.core}, k.exts...) {
		for _, a := range s.Attributes {
			if !a.MultiValued || a.Sub("primary") == nil {
				continue
			}
			loc, _ := k.resolve(s.ID, a.Name)
			list := asList(loc.get(res))
			seen := false
			for i := len(list) - 1; i >= 0; i-- {
				m, ok := list[i].(map[string]any)
				if !ok || m["primary"] != true {
					continue
				}
				if seen {
					m = cloneMap(m)
					delete(m, "primary")
					list[i] = m
				}
				seen = true
			}
		}
	}
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func cloneMap(v any) map[string]any {
	out := map[string]any{}
	for k, x := range asMap(v) {
		out[k] = x
	}
	return out
}

func dropEmpty(m map[string]any) map[string]any {
	for k, v := range m {
		if isEmpty(v) {
			delete(m, k)
		}
	}
	return m
}
