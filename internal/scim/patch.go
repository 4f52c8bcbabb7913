package scim

import (
	"errors"
	"net/http"
	"sort"
	"strings"
)

// patchOp is one PATCH operation (RFC 7644 section 3.5.2).
type patchOp struct {
	op       string // add, replace or remove
	path     string
	hasPath  bool
	value    any
	hasValue bool
	parsed   *patchPath // path, when an edge has already parsed and adjusted it
}

// decodePatch reads a PatchOp body tolerantly: member names in any case,
// operation names in any case ("Replace", C6).
func decodePatch(body map[string]any) ([]patchOp, error) {
	raw, _ := lookupCI(body, "Operations").([]any)
	if len(raw) == 0 {
		return nil, bad(invalidSyntax, "a PATCH body needs an Operations array with at least one operation")
	}
	if len(raw) > maxPatchOps {
		return nil, bad(tooMany, "a PATCH may hold at most %d operations", maxPatchOps)
	}
	ops := make([]patchOp, 0, len(raw))
	for i, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, bad(invalidSyntax, "operation %d is not an object", i+1)
		}
		var o patchOp
		o.op, _ = lookupCI(m, "op").(string)
		o.op = strings.ToLower(strings.TrimSpace(o.op))
		if o.op != "add" && o.op != "replace" && o.op != "remove" {
			return nil, bad(invalidSyntax, "operation %d: op must be add, replace or remove", i+1)
		}
		if p, present := lookupCIOK(m, "path"); present && p != nil {
			if o.path, ok = p.(string); !ok {
				return nil, bad(invalidPath, "operation %d: path must be a string", i+1)
			}
			o.hasPath = strings.TrimSpace(o.path) != ""
		}
		o.value, o.hasValue = lookupCIOK(m, "value")
		if o.op != "remove" && !o.hasValue {
			return nil, bad(invalidSyntax, "operation %d: %s needs a value", i+1, o.op)
		}
		ops = append(ops, o)
	}
	return ops, nil
}

func lookupCI(m map[string]any, key string) any {
	v, _ := lookupCIOK(m, key)
	return v
}

func lookupCIOK(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// applyPatch applies every operation to res in order; the caller applies
// the result in one transaction, so a failing operation changes nothing.
func applyPatch(k *kind, res resource, ops []patchOp) error {
	w := &patchWork{}
	for _, o := range ops {
		if err := applyOp(k, res, o, w); err != nil {
			return err
		}
	}
	fixPrimary(k, res)
	return nil
}

// maxPatchWork bounds the value comparisons one PATCH may make: filter
// terms times the values they are tried on, plus the values an operation
// sets or removes. It keeps the worst request within the documented bounds
// (1,000 operations, 63-term filters, 10,000 members) to a fraction of a
// second of work while it holds the write lock (#19); Entra's and Okta's
// PATCHes stay far below it.
const maxPatchWork = 4_000_000

// patchWork counts a PATCH's value comparisons against maxPatchWork.
type patchWork struct{ n int }

// spend adds cost and refuses the request once it is over the bound.
func (w *patchWork) spend(cost int) error {
	if w.n += cost; w.n > maxPatchWork {
		return bad(tooMany, "this PATCH would compare more than %d values (filters times the values they are tried on); send it as several smaller requests", maxPatchWork)
	}
	return nil
}

// filterSize counts a compiled filter's terms.
func filterSize(n *node) int {
	if n == nil {
		return 0
	}
	return 1 + filterSize(n.left) + filterSize(n.right) + filterSize(n.elem)
}

func applyOp(k *kind, res resource, o patchOp, w *patchWork) error {
	if o.hasPath {
		p := o.parsed
		if p == nil {
			var err error
			if p, err = parsePath(k, o.path); err != nil {
				return err
			}
		}
		return applyAt(k, res, o.op, p, o.value, false, w)
	}
	if o.op == "remove" {
		return bad(noTarget, "remove needs a path")
	}
	m, ok := o.value.(map[string]any)
	if !ok {
		return bad(invalidValue, "%s without a path needs an object value", o.op)
	}
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if strings.EqualFold(key, "schemas") {
			continue
		}
		// Path-less values may use paths as keys: "name.givenName",
		// schema URN prefixes and value filters (Entra, C6).
		p, err := parsePath(k, key)
		if errors.Is(err, errNoAttr) {
			continue
		}
		if err != nil {
			return err
		}
		if err := applyAt(k, res, o.op, p, m[key], true, w); err != nil {
			return err
		}
	}
	return nil
}

// applyAt applies one operation at a parsed path. Read-only attributes
// named in a path-less value are skipped (Okta repeats the id, C6);
// named in a path they are refused.
func applyAt(k *kind, res resource, op string, p *patchPath, v any, pathless bool, w *patchWork) error {
	if p.ext != nil {
		return applyExt(k, res, op, p.ext, v, w)
	}
	a := p.loc.attr
	if a.MultiValued {
		// Each present value is tried once per filter term, and each given
		// value once more (key lookups are by index).
		if err := w.spend(len(asList(p.loc.get(res)))*max(1, filterSize(p.filter)) + len(asList(v))); err != nil {
			return err
		}
	}
	if a.Mutability == "readOnly" || p.sub != nil && p.sub.Mutability == "readOnly" {
		if pathless {
			return nil
		}
		return bad(mutability, "%s is read-only", a.Name)
	}
	if op == "remove" {
		return removeAt(p, res, v)
	}
	target := a
	if p.sub != nil {
		target = p.sub
	}
	val, err := normalizeValue(target, v, p.sub != nil || p.filter == nil)
	if err != nil {
		return err
	}
	switch {
	case p.filter != nil:
		return setFiltered(p, res, op, val)
	case p.sub != nil:
		if a.MultiValued {
			return bad(invalidPath, "name one value of %s with a filter, as in %s[type eq \"work\"].%s", a.Name, a.Name, p.sub.Name)
		}
		m := cloneMap(p.loc.get(res))
		m[p.sub.Name] = val
		p.loc.set(res, dropEmpty(m))
	case a.MultiValued && (op == "add" || op == "replace" && a.replaceMerges && !isEmpty(val)):
		p.loc.set(res, appendValues(a, asList(p.loc.get(res)), asList(val)))
	case a.Type == tComplex && !a.MultiValued:
		m := cloneMap(p.loc.get(res))
		for sk, sv := range asMap(val) {
			m[sk] = sv
		}
		p.loc.set(res, dropEmpty(m))
	default:
		p.loc.set(res, val)
	}
	return nil
}

// applyExt applies an operation whose path is a whole extension's URN.
func applyExt(k *kind, res resource, op string, ext *Schema, v any, w *patchWork) error {
	if op == "remove" {
		delete(res, ext.ID)
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return bad(invalidValue, "%s needs an object value", ext.ID)
	}
	for key, sv := range m {
		loc, ok := k.resolve(ext.ID, key)
		if !ok {
			continue
		}
		if err := applyAt(k, res, op, &patchPath{loc: loc}, sv, true, w); err != nil {
			return err
		}
	}
	return nil
}

// readPatch reads a PATCH request: the projection of the answer from the
// query string and the operations from the body.
func readPatch(k *kind, w http.ResponseWriter, r *http.Request) (projection, []patchOp, error) {
	proj, err := projectionFromQuery(k, r.URL.Query())
	if err != nil {
		return proj, nil, err
	}
	body, err := readBody(w, r)
	if err != nil {
		return proj, nil, err
	}
	ops, err := decodePatch(body)
	if err != nil {
		return proj, nil, err
	}
	// Parse the paths here, before any transaction, so that a PATCH of
	// many filters holds no lock while they are parsed, and each distinct
	// path once (a parsed path is never changed, only copied); a path that
	// does not parse is left for applyOp to report in its turn.
	parsed := map[string]*patchPath{}
	for i := range ops {
		if !ops[i].hasPath {
			continue
		}
		p, ok := parsed[ops[i].path]
		if !ok {
			p, _ = parsePath(k, ops[i].path)
			parsed[ops[i].path] = p
		}
		ops[i].parsed = p
	}
	return proj, ops, nil
}
