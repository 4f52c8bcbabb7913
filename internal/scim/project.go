package scim

import (
	"errors"
	"strings"
)

// projection is what attributes and excludedAttributes ask to return
// (RFC 7644 section 3.9); unknown names are ignored.
type projection struct {
	include, exclude []*patchPath
}

func newProjection(k *kind, include, exclude []string) (projection, error) {
	var p projection
	if len(include)+len(exclude) > 200 {
		return p, bad(tooMany, "attributes and excludedAttributes may name at most 200 attributes")
	}
	parse := func(names []string) ([]*patchPath, error) {
		var out []*patchPath
		for _, n := range names {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			pp, err := parsePath(k, n)
			if errors.Is(err, errNoAttr) {
				continue
			}
			if err != nil {
				return nil, bad(invalidValue, "attribute %q is not an attribute name", n)
			}
			// A value filter (Entra's emails[type eq "work"]) selects the
			// whole attribute: attributes name attributes, not values.
			pp.filter = nil
			out = append(out, pp)
		}
		return out, nil
	}
	var err error
	if p.include, err = parse(include); err != nil {
		return p, err
	}
	p.exclude, err = parse(exclude)
	return p, err
}

// splitAttrList splits a comma-separated attribute list, leaving commas
// inside value filters' brackets and strings alone.
func splitAttrList(v string) []string {
	var out []string
	depth, inQuote, start := 0, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == ',' && depth == 0:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// apply returns res narrowed to what the projection asks for; schemas and
// id are always returned.
func (p projection) apply(res resource) resource {
	if len(p.include) > 0 {
		return p.only(res)
	}
	if len(p.exclude) == 0 {
		return res
	}
	out := resource{}
	for k, v := range res {
		if m, ok := v.(map[string]any); ok {
			v = cloneMap(m)
		}
		out[k] = v
	}
	for _, pp := range p.exclude {
		switch {
		case pp.ext != nil:
			delete(out, pp.ext.ID)
		case pp.loc.attr.Returned == "always":
		case pp.sub == nil:
			pp.loc.set(out, nil)
		default:
			var kept []any
			for _, e := range asList(pp.loc.get(out)) {
				m := cloneMap(e)
				delete(m, pp.sub.Name)
				kept = append(kept, m)
			}
			if pp.loc.attr.MultiValued {
				pp.loc.set(out, kept)
			} else if len(kept) == 1 {
				pp.loc.set(out, dropEmpty(asMap(kept[0])))
			}
		}
	}
	return out
}

// only keeps the included attributes.
func (p projection) only(res resource) resource {
	out := resource{"schemas": res["schemas"], "id": res["id"]}
	for _, pp := range p.include {
		if pp.ext != nil {
			if v, ok := res[pp.ext.ID]; ok {
				out[pp.ext.ID] = v
			}
			continue
		}
		v := pp.loc.get(res)
		if v == nil {
			continue
		}
		if pp.sub == nil {
			pp.loc.container(out, true)[pp.loc.attr.Name] = v
			continue
		}
		have := asList(pp.loc.get(out))
		var picked []any
		for i, e := range asList(v) {
			m := map[string]any{}
			if i < len(have) {
				m = cloneMap(have[i])
			}
			if sv, ok := asMap(e)[pp.sub.Name]; ok {
				m[pp.sub.Name] = sv
			}
			picked = append(picked, m)
		}
		if pp.loc.attr.MultiValued {
			pp.loc.container(out, true)[pp.loc.attr.Name] = picked
		} else if len(picked) == 1 {
			pp.loc.container(out, true)[pp.loc.attr.Name] = picked[0]
		}
	}
	return out
}
