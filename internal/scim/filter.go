package scim

import (
	"encoding/json"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// Filter bounds (D4).
const (
	maxFilterLen   = 2048
	maxFilterTerms = 64
	maxFilterDepth = 12
)

// compareOps are the attribute operators of RFC 7644 section 3.4.2.2.
var compareOps = map[string]bool{"eq": true, "ne": true, "co": true, "sw": true, "ew": true,
	"gt": true, "ge": true, "lt": true, "le": true, "pr": true}

// filterText is a filter being prepared for github.com/scim2/filter-parser,
// whose documented gaps we fill first: string literals are decoded here
// (the parser keeps escapes such as \" raw and refuses lower-case \u
// escapes) and replaced by numbered placeholders, and value paths are
// parsed here (the parser takes only one and/or inside brackets and
// refuses Entra's `emails[type eq "work"].value eq "x"`) and replaced by
// placeholder attributes `$vpN pr`.
type filterText struct {
	strs  []string
	paths []rawValuePath
	terms int
}

// rawValuePath is `attr[inner]` with an optional `.sub op value` after it.
type rawValuePath struct {
	attr, inner   string
	sub, op, used string
}

// parseFilter parses and compiles a filter for resources of kind k.
func parseFilter(k *kind, text string) (*node, error) {
	if len(text) > maxFilterLen {
		return nil, bad(invalidFilter, "filter must be at most %d characters", maxFilterLen)
	}
	ft := &filterText{}
	s, err := ft.lexStrings(quoteBareValues(text))
	if err != nil {
		return nil, err
	}
	if s, err = ft.extractPaths(s); err != nil {
		return nil, err
	}
	return ft.compile(s, scope{k: k})
}

// compile parses prepared text with the library and converts its tree.
func (ft *filterText) compile(s string, sc scope) (*node, error) {
	depth := 0
	for _, c := range s {
		switch c {
		case '(':
			if depth++; depth > maxFilterDepth {
				return nil, bad(invalidFilter, "filter nests parentheses deeper than %d", maxFilterDepth)
			}
		case ')':
			depth--
		}
	}
	expr, err := filter.ParseFilter([]byte(strings.TrimSpace(s)))
	if err != nil {
		return nil, bad(invalidFilter, "filter is not valid SCIM filter syntax (RFC 7644 section 3.4.2.2)")
	}
	return ft.convert(expr, sc)
}

// lexStrings decodes every string literal as JSON and replaces it with a
// placeholder holding its index.
func (ft *filterText) lexStrings(text string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '$' || c == 0 {
			return "", bad(invalidFilter, "filter has an unexpected character %q", c)
		}
		if c != '"' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for ; j < len(text) && text[j] != '"'; j++ {
			if text[j] == '\\' {
				j++
			}
		}
		if j >= len(text) {
			return "", bad(invalidFilter, "filter has a string without its closing quote")
		}
		var v string
		if err := json.Unmarshal([]byte(text[i:j+1]), &v); err != nil {
			return "", bad(invalidFilter, "filter string %s is not a valid JSON string", text[i:j+1])
		}
		b.WriteString(`"` + strconv.Itoa(len(ft.strs)) + `"`)
		ft.strs = append(ft.strs, v)
		i = j
	}
	return b.String(), nil
}

// quoteBareValues quotes the comparison values written without quotes,
// as Entra's tutorial prints them (`externalId eq jyoung`): a word after
// an attribute and an operator other than pr is a string unless it is
// true, false, null or a number. Quoted strings pass through untouched.
func quoteBareValues(text string) string {
	var b strings.Builder
	var attr, op string // the two words before the current one
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '"':
			j := i + 1
			for ; j < len(text) && text[j] != '"'; j++ {
				if text[j] == '\\' {
					j++
				}
			}
			end := min(j+1, len(text))
			b.WriteString(text[i:end])
			attr, op, i = op, `"`, end
		case strings.IndexByte(" ()[]", c) >= 0:
			if c != ' ' {
				attr, op = op, string(c)
			}
			b.WriteByte(c)
			i++
		default:
			j := i
			for j < len(text) && strings.IndexByte(` ()[]"`, text[j]) < 0 {
				j++
			}
			w := text[i:j]
			if isBareValue(attr, op, w) {
				q, _ := json.Marshal(w)
				b.Write(q)
			} else {
				b.WriteString(w)
			}
			attr, op, i = op, w, j
		}
	}
	return b.String()
}

// isBareValue reports whether w, after the words attr and op, is a
// comparison value written without quotes.
func isBareValue(attr, op, w string) bool {
	op = strings.ToLower(op)
	if !compareOps[op] || op == "pr" || attr == "" || strings.IndexByte(`"()[]`, attr[0]) >= 0 {
		return false
	}
	switch strings.ToLower(attr) {
	case "and", "or", "not":
		return false
	}
	if compareOps[strings.ToLower(attr)] {
		return false
	}
	switch strings.ToLower(w) {
	case "true", "false", "null":
		return false
	}
	return !json.Valid([]byte(w)) // numbers stay numbers
}

func isAttrChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.:$", c) >= 0
}

// extractPaths replaces every value path with a placeholder attribute.
func (ft *filterText) extractPaths(s string) (string, error) {
	for {
		open := strings.IndexByte(s, '[')
		if open < 0 {
			if strings.IndexByte(s, ']') >= 0 {
				return "", bad(invalidFilter, "filter has a ']' without its '['")
			}
			return s, nil
		}
		start := open
		for start > 0 && s[start-1] == ' ' {
			start--
		}
		nameEnd := start
		for start > 0 && isAttrChar(s[start-1]) {
			start--
		}
		closeAt := strings.IndexByte(s[open:], ']')
		if start == nameEnd || closeAt < 0 || strings.IndexByte(s[open+1:open+closeAt], '[') >= 0 {
			return "", bad(invalidFilter, "filter has a malformed value path (attribute[filter])")
		}
		vp := rawValuePath{attr: s[start:nameEnd], inner: s[open+1 : open+closeAt]}
		end, err := vp.readTail(s, open+closeAt+1)
		if err != nil {
			return "", err
		}
		placeholder := "$vp" + strconv.Itoa(len(ft.paths)) + " pr"
		ft.paths = append(ft.paths, vp)
		s = s[:start] + placeholder + s[end:]
	}
}

// readTail reads an optional `.sub op value` after a value path and
// returns where the value path ends.
func (vp *rawValuePath) readTail(s string, pos int) (int, error) {
	if pos >= len(s) || s[pos] != '.' {
		return pos, nil
	}
	word := func(p int) (string, int) {
		q := p
		for q < len(s) && s[q] != ' ' && s[q] != ')' {
			q++
		}
		return s[p:q], q
	}
	skip := func(p int) int {
		for p < len(s) && s[p] == ' ' {
			p++
		}
		return p
	}
	var p int
	vp.sub, p = word(pos + 1)
	vp.op, p = word(skip(p))
	vp.op = strings.ToLower(vp.op)
	if vp.sub == "" || !compareOps[vp.op] {
		return 0, bad(invalidFilter, "filter has a value path followed by %q; want .subAttribute operator value", vp.sub)
	}
	if vp.op == "pr" {
		return p, nil
	}
	vp.used, p = word(skip(p))
	if vp.used == "" {
		return 0, bad(invalidFilter, "filter operator %s needs a value", vp.op)
	}
	return p, nil
}
