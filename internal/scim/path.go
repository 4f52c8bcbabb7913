package scim

import (
	"errors"
	"fmt"
	"strings"

	"roster"
)

// errNoAttr marks a path that names no attribute this server knows.
var errNoAttr = errors.New("no such attribute")

// patchPath is a PATCH target (RFC 7644 section 3.5.2): an attribute, an
// optional value filter over its values, and an optional sub-attribute;
// ext alone (no attribute) targets a whole extension object.
type patchPath struct {
	loc    attrLoc
	filter *node
	sub    *Attr
	ext    *Schema
}

// parsePath parses a PATCH path such as `name.givenName`,
// `emails[type eq "work"].value` or `members[value eq "id"]`, with or
// without a schema URN prefix.
func parsePath(k *kind, s string) (*patchPath, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxFilterLen {
		return nil, bad(invalidPath, "path must be 1 to %d characters", maxFilterLen)
	}
	if ext := k.schemaFor(s); ext != nil && ext != k.core {
		return &patchPath{ext: ext}, nil
	}
	head, filterText, tail, err := splitPath(s)
	if err != nil {
		return nil, err
	}
	urn, name := k.splitPathURN(head)
	attrName, subName, hasSub := strings.Cut(name, ".")
	loc, ok := k.resolve(urn, attrName)
	if !ok {
		return nil, &roster.Error{Code: roster.EInvalid, Reason: invalidPath,
			Message: fmt.Sprintf("path %q names no attribute of %s", s, k.Name), Err: errNoAttr}
	}
	p := &patchPath{loc: loc}
	if filterText != "" {
		if hasSub || loc.attr.Type != tComplex || !loc.attr.MultiValued {
			return nil, bad(invalidPath, "path %q filters an attribute that is not multi-valued and complex", s)
		}
		if p.filter, err = parseFilterIn(k, loc.attr, filterText); err != nil {
			return nil, err
		}
		subName, hasSub = tail, tail != ""
	}
	if hasSub {
		if p.sub = loc.attr.Sub(subName); p.sub == nil {
			return nil, bad(invalidPath, "path %q names no sub-attribute %q", s, subName)
		}
	}
	return p, nil
}

// splitPath splits `attr[filter].sub` into its three parts.
func splitPath(s string) (head, filterText, sub string, err error) {
	open := strings.IndexByte(s, '[')
	if open < 0 {
		if strings.ContainsAny(s, `]" `) {
			return "", "", "", bad(invalidPath, "path %q is malformed", s)
		}
		return s, "", "", nil
	}
	inQuote := false
	for i := open + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case c == ']' && !inQuote:
			rest := s[i+1:]
			if rest != "" && (rest[0] != '.' || len(rest) == 1 || strings.ContainsAny(rest[1:], `.[]" `)) {
				return "", "", "", bad(invalidPath, "path %q is malformed after its filter", s)
			}
			return strings.TrimSpace(s[:open]), s[open+1 : i], strings.TrimPrefix(rest, "."), nil
		}
	}
	return "", "", "", bad(invalidPath, "path %q has a filter without its closing ']'", s)
}

// parseFilterIn compiles a value filter over the values of attribute a.
func parseFilterIn(k *kind, a *Attr, text string) (*node, error) {
	ft := &filterText{}
	s, err := ft.lexStrings(quoteBareValues(text))
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(s, "[]") {
		return nil, bad(invalidFilter, "a value filter may not hold another value path")
	}
	return ft.compile(s, scope{k: k, elem: a})
}
