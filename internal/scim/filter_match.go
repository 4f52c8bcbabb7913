package scim

import (
	"strings"
	"time"

	"roster"
)

// match reports whether res (a resource, or one value of a complex
// attribute inside a value path) satisfies the filter.
func (n *node) match(res map[string]any) bool {
	switch n.op {
	case "and":
		return n.left.match(res) && n.right.match(res)
	case "or":
		return n.left.match(res) || n.right.match(res)
	case "not":
		return !n.left.match(res)
	case "path":
		for _, e := range asList(n.loc.get(res)) {
			if m, ok := e.(map[string]any); ok && n.elem.match(m) {
				return true
			}
		}
		return false
	}
	vals := n.values(res)
	switch n.cmp {
	case "pr":
		for _, v := range vals {
			if !isEmpty(v) {
				return true
			}
		}
		return false
	case "ne":
		return !n.anyMatch(vals, "eq")
	}
	return n.anyMatch(vals, n.cmp)
}

func (n *node) anyMatch(vals []any, op string) bool {
	for _, v := range vals {
		if compare(n.leaf, v, op, n.value) {
			return true
		}
	}
	return false
}

// values lists the attribute values a comparison looks at: every value of
// a multi-valued attribute, its "value" sub-attribute when complex.
func (n *node) values(res map[string]any) []any {
	v := n.loc.get(res)
	a := n.loc.attr
	if a.Type != tComplex {
		return asList(v)
	}
	var out []any
	for _, e := range asList(v) {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		switch {
		case n.sub != nil:
			out = append(out, asList(m[n.sub.Name])...)
		case n.leaf != a:
			out = append(out, m[n.leaf.Name])
		default:
			out = append(out, m)
		}
	}
	return out
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// compare applies op to an attribute value and an operand of leaf's type.
func compare(leaf *Attr, v any, op string, want any) bool {
	switch w := want.(type) {
	case bool:
		b, ok := v.(bool)
		return ok && b == w
	case float64:
		f, ok := toFloat(v)
		return ok && order(op, cmpFloat(f, w))
	case time.Time:
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		return err == nil && order(op, t.Compare(w))
	case string:
		s, ok := v.(string)
		if !ok {
			return false
		}
		if !leaf.CaseExact {
			s = roster.FoldText(s)
		}
		switch op {
		case "co":
			return strings.Contains(s, w)
		case "sw":
			return strings.HasPrefix(s, w)
		case "ew":
			return strings.HasSuffix(s, w)
		}
		return order(op, strings.Compare(s, w))
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// order turns a three-way comparison into the operator's answer.
func order(op string, c int) bool {
	switch op {
	case "eq":
		return c == 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}
