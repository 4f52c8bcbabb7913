package scim

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// resource is a SCIM resource as a JSON object: core attributes at the
// top level, extension attributes under their schema URN, every name in
// its canonical spelling.
type resource = map[string]any

// kind is a resource type (RFC 7643 section 6) with its schemas.
type kind struct {
	Name        string
	Endpoint    string
	Description string
	core        *Schema
	exts        []*Schema
}

// schemaFor finds the core schema or an extension by URN, case-insensitively.
func (k *kind) schemaFor(urn string) *Schema {
	if strings.EqualFold(urn, k.core.ID) {
		return k.core
	}
	for _, s := range k.exts {
		if strings.EqualFold(urn, s.ID) {
			return s
		}
	}
	return nil
}

// attrLoc is where an attribute lives: ext is nil for the top level.
type attrLoc struct {
	ext  *Schema
	attr *Attr
}

// resolve finds an attribute by optional URN and name: without a URN the
// core schema and common attributes come first, then the extensions, so
// extension attributes are accepted at the top level too (C4).
func (k *kind) resolve(urn, name string) (attrLoc, bool) {
	if urn != "" {
		s := k.schemaFor(urn)
		if s == nil {
			return attrLoc{}, false
		}
		a := s.Attr(name)
		if a == nil && s == k.core {
			a = commonAttrs.Attr(name)
		}
		if a == nil {
			return attrLoc{}, false
		}
		if s == k.core {
			return attrLoc{attr: a}, true
		}
		return attrLoc{ext: s, attr: a}, true
	}
	if a := k.core.Attr(name); a != nil {
		return attrLoc{attr: a}, true
	}
	if a := commonAttrs.Attr(name); a != nil {
		return attrLoc{attr: a}, true
	}
	for _, s := range k.exts {
		if a := s.Attr(name); a != nil {
			return attrLoc{ext: s, attr: a}, true
		}
	}
	return attrLoc{}, false
}

// container returns the object holding l's attribute, creating an
// extension's object when create is set; nil when absent.
func (l attrLoc) container(res resource, create bool) map[string]any {
	if l.ext == nil {
		return res
	}
	m, _ := res[l.ext.ID].(map[string]any)
	if m == nil && create {
		m = map[string]any{}
		res[l.ext.ID] = m
	}
	return m
}

// get returns l's value in res, or nil.
func (l attrLoc) get(res resource) any {
	if c := l.container(res, false); c != nil {
		return c[l.attr.Name]
	}
	return nil
}

// set stores v as l's value; a nil v removes the attribute.
func (l attrLoc) set(res resource, v any) {
	if isEmpty(v) {
		if c := l.container(res, false); c != nil {
			delete(c, l.attr.Name)
			if l.ext != nil && len(c) == 0 {
				delete(res, l.ext.ID)
			}
		}
		return
	}
	l.container(res, true)[l.attr.Name] = v
}

// isEmpty reports whether v counts as unassigned (RFC 7643 2.5).
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// normalizeValue checks v against a's type and returns it in canonical
// form: booleans also from "True"/"False" strings (C6), sub-attribute
// names in their canonical spelling, unknown sub-attributes dropped, a
// lone value of a multi-valued attribute wrapped in an array.
func normalizeValue(a *Attr, v any, whole bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	if whole && a.MultiValued {
		list, ok := v.([]any)
		if !ok {
			list = []any{v}
		}
		out := make([]any, 0, len(list))
		for _, e := range list {
			n, err := normalizeValue(a, e, false)
			if err != nil {
				return nil, err
			}
			if !isEmpty(n) {
				out = append(out, n)
			}
		}
		return out, nil
	}
	switch a.Type {
	case tComplex:
		return normalizeComplex(a, v)
	case tBool:
		return normalizeBool(a, v)
	case tInteger, tDecimal:
		if n, ok := v.(json.Number); ok {
			return n, nil
		}
		if f, ok := v.(float64); ok {
			return f, nil
		}
	case tDateTime:
		if s, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return nil, bad(invalidValue, "%s must be an RFC 3339 date and time, not %q", a.Name, s)
			}
			return s, nil
		}
	default:
		if s, ok := v.(string); ok {
			return s, nil
		}
	}
	return nil, bad(invalidValue, "%s must be of type %s", a.Name, a.Type)
}

func normalizeBool(a *Attr, v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return nil, bad(invalidValue, "%s must be true or false", a.Name)
}

func normalizeComplex(a *Attr, v any) (any, error) {
	if a.shorthand && !a.MultiValued {
		if list, ok := v.([]any); ok {
			if len(list) > 1 {
				return nil, bad(invalidValue, "%s takes one value, not %d", a.Name, len(list))
			}
			if len(list) == 0 {
				return nil, nil
			}
			v = list[0]
		}
		if s, ok := v.(string); ok {
			v = map[string]any{"value": s}
		}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, bad(invalidValue, "%s must be an object", a.Name)
	}
	out := make(map[string]any, len(m))
	for k, sv := range m {
		sub := a.Sub(k)
		if sub == nil {
			continue
		}
		n, err := normalizeValue(sub, sv, true)
		if err != nil {
			return nil, err
		}
		if !isEmpty(n) {
			out[sub.Name] = n
		}
	}
	return out, nil
}

// normalizeResource turns a request body into a resource of kind k:
// attribute names canonical, values checked, read-only and unknown
// attributes dropped (be tolerant in what you accept).
// Extension objects are read first; an extension attribute also sent at
// the top level (as W&B's examples place organizationRole and teamRoles)
// must then agree with them.
func normalizeResource(k *kind, body map[string]any) (resource, error) {
	res := resource{}
	for key, v := range body {
		if s := k.schemaFor(key); s != nil && s != k.core {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, bad(invalidValue, "%s must be an object", s.ID)
			}
			for sk, sv := range m {
				if err := putAttr(k, res, s.ID, sk, sv, false); err != nil {
					return nil, err
				}
			}
		}
	}
	for key, v := range body {
		if s := k.schemaFor(key); s != nil && s != k.core {
			continue
		}
		urn, name := k.splitPathURN(key)
		if err := putAttr(k, res, urn, name, v, urn == ""); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// putAttr stores one attribute's normalized value; with topLevel, an
// extension attribute already given under its extension must agree.
func putAttr(k *kind, res resource, urn, name string, v any, topLevel bool) error {
	loc, ok := k.resolve(urn, name)
	if !ok || loc.attr.Mutability == "readOnly" {
		return nil
	}
	n, err := normalizeValue(loc.attr, v, true)
	if err != nil {
		return err
	}
	if had := loc.get(res); topLevel && loc.ext != nil && had != nil && !reflect.DeepEqual(had, n) {
		return bad(invalidValue, "%s is given both at the top level and under %s, with different values; send it once", loc.attr.Name, loc.ext.ID)
	}
	loc.set(res, n)
	return nil
}

// splitPathURN splits an attribute path after the URN of one of k's
// schemas, which Entra also ends with a dot (`...:2.0:User.manager`);
// other paths are split by splitURN.
func (k *kind) splitPathURN(s string) (urn, rest string) {
	for _, sc := range append([]*Schema{k.core}, k.exts...) {
		n := len(sc.ID)
		if len(s) > n+1 && (s[n] == ':' || s[n] == '.') && strings.EqualFold(s[:n], sc.ID) {
			return sc.ID, s[n+1:]
		}
	}
	return splitURN(s)
}

// splitURN splits "urn:...:User:name.givenName" into the URN and the rest.
func splitURN(s string) (urn, rest string) {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return "", s
}
