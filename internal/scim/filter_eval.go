package scim

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"

	"roster"
)

// node is a compiled filter expression.
type node struct {
	op          string // and, or, not, cmp, path
	left, right *node
	loc         attrLoc // cmp and path: the attribute
	sub         *Attr   // cmp: the sub-attribute compared, if any
	leaf        *Attr   // cmp: the attribute whose values are compared
	cmp         string  // cmp: eq, ne, co, sw, ew, gt, ge, lt, le, pr
	value       any     // cmp: the operand, folded when case-insensitive
	raw         any     // cmp: the operand as written
	elem        *node   // path: the filter over each value
}

// scope resolves attribute names: of a kind, or inside one attribute's
// values (a value path's filter).
type scope struct {
	k    *kind
	elem *Attr
}

func (sc scope) resolve(p filter.AttributePath) (attrLoc, *Attr, bool) {
	if sc.elem != nil {
		a := sc.elem.Sub(p.AttributeName)
		if a == nil || p.URIPrefix != nil || p.SubAttribute != nil {
			return attrLoc{}, nil, false
		}
		return attrLoc{attr: a}, nil, true
	}
	loc, ok := sc.k.resolve(p.URI(), p.AttributeName)
	if !ok {
		return attrLoc{}, nil, false
	}
	if p.SubAttribute == nil {
		return loc, nil, true
	}
	sub := loc.attr.Sub(*p.SubAttribute)
	return loc, sub, sub != nil
}

// convert turns the library's tree into compiled nodes, resolving every
// attribute and checking every operand's type.
func (ft *filterText) convert(e filter.Expression, sc scope) (*node, error) {
	if ft.terms++; ft.terms > maxFilterTerms {
		return nil, bad(invalidFilter, "filter has more than %d terms", maxFilterTerms)
	}
	switch x := e.(type) {
	case *filter.LogicalExpression:
		l, err := ft.convert(x.Left, sc)
		if err != nil {
			return nil, err
		}
		r, err := ft.convert(x.Right, sc)
		if err != nil {
			return nil, err
		}
		return &node{op: strings.ToLower(string(x.Operator)), left: l, right: r}, nil
	case *filter.NotExpression:
		inner, err := ft.convert(x.Expression, sc)
		return &node{op: "not", left: inner}, err
	case *filter.AttributeExpression:
		if name := x.AttributePath.AttributeName; strings.HasPrefix(name, "$vp") {
			i, _ := strconv.Atoi(name[3:])
			return ft.valuePath(ft.paths[i], sc)
		}
		return ft.comparison(x, sc)
	}
	return nil, bad(invalidFilter, "filter has an expression this server does not know")
}

// valuePath compiles attr[inner] and Entra's attr[inner].sub op value,
// which means the same as attr[inner and sub op value].
func (ft *filterText) valuePath(vp rawValuePath, sc scope) (*node, error) {
	urn, name := splitURN(vp.attr)
	if sc.elem != nil {
		return nil, bad(invalidFilter, "filter nests value paths")
	}
	loc, ok := sc.k.resolve(urn, name)
	if !ok || loc.attr.Type != tComplex {
		return nil, bad(invalidFilter, "%s is not a complex attribute of %s", vp.attr, sc.k.Name)
	}
	inner, err := ft.compile(vp.inner, scope{k: sc.k, elem: loc.attr})
	if err != nil {
		return nil, err
	}
	if vp.sub != "" {
		tail := vp.sub + " " + vp.op
		if vp.op != "pr" {
			tail += " " + vp.used
		}
		cmp, err := ft.compile(tail, scope{k: sc.k, elem: loc.attr})
		if err != nil {
			return nil, err
		}
		inner = &node{op: "and", left: inner, right: cmp}
	}
	return &node{op: "path", loc: loc, elem: inner}, nil
}

// comparison compiles `attr op value`.
func (ft *filterText) comparison(x *filter.AttributeExpression, sc scope) (*node, error) {
	loc, sub, ok := sc.resolve(x.AttributePath)
	if !ok {
		return nil, bad(invalidFilter, "filter names %s, which is not an attribute here", x.AttributePath)
	}
	n := &node{op: "cmp", loc: loc, sub: sub, cmp: strings.ToLower(string(x.Operator)), leaf: loc.attr}
	switch {
	case sub != nil:
		n.leaf = sub
	case loc.attr.MultiValued && loc.attr.Type == tComplex && loc.attr.Sub("value") != nil:
		n.leaf = loc.attr.Sub("value")
	}
	v := x.CompareValue
	if s, isStr := v.(string); isStr {
		i, _ := strconv.Atoi(s)
		v = ft.strs[i]
	}
	if v == nil && n.cmp != "pr" {
		if n.cmp != "eq" && n.cmp != "ne" {
			return nil, bad(invalidFilter, "null can only be compared with eq or ne")
		}
		// "eq null" means unassigned; "ne null" means present.
		pr := &node{op: "cmp", loc: n.loc, sub: n.sub, leaf: n.leaf, cmp: "pr"}
		if n.cmp == "ne" {
			return pr, nil
		}
		return &node{op: "not", left: pr}, nil
	}
	var err error
	n.raw = v
	n.value, err = operand(n.leaf, n.cmp, v)
	return n, err
}

// operand checks that v suits the attribute's type and the operator.
func operand(a *Attr, op string, v any) (any, error) {
	if op == "pr" {
		return nil, nil
	}
	fail := bad(invalidFilter, "%s %s needs a %s operand", a.Name, op, a.Type)
	switch a.Type {
	case tBool:
		if s, ok := v.(string); ok {
			v = strings.EqualFold(s, "true")
			if !strings.EqualFold(s, "true") && !strings.EqualFold(s, "false") {
				return nil, fail
			}
		}
		if _, ok := v.(bool); !ok || op != "eq" && op != "ne" {
			return nil, fail
		}
		return v, nil
	case tInteger, tDecimal:
		f, ok := toFloat(v)
		if !ok || op == "co" || op == "sw" || op == "ew" {
			return nil, fail
		}
		return f, nil
	case tComplex:
		return nil, bad(invalidFilter, "%s is complex: compare one of its sub-attributes", a.Name)
	case tDateTime:
		s, ok := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		if !ok || err != nil {
			return nil, fail
		}
		return t, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, fail
	}
	if !a.CaseExact {
		s = roster.FoldText(s)
	}
	return s, nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
