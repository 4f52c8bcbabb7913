package roster

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAuditActionsListsEveryAction keeps AuditActions in step with the
// Act constants of audit.go.
func TestAuditActionsListsEveryAction(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "audit.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var consts []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Act") || len(vs.Values) != 1 {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			v, _ := strconv.Unquote(lit.Value)
			consts = append(consts, v)
		}
		return true
	})
	if len(consts) < 30 {
		t.Fatalf("found only %d Act constants; the parse is wrong", len(consts))
	}
	for _, c := range consts {
		if !slices.Contains(AuditActions, c) {
			t.Errorf("AuditActions lacks %q", c)
		}
	}
	if len(AuditActions) != len(consts) {
		t.Errorf("AuditActions has %d entries for %d constants", len(AuditActions), len(consts))
	}
}
