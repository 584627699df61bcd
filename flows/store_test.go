package flows_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
)

// TestEveryBucketIsCreated checks that each Bucket… constant declared in
// the package is in flows.Buckets, which storage creates at open: a bucket
// missing there would fail at the first write in production.
func TestEveryBucketIsCreated(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var names []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if strings.HasPrefix(id.Name, "Bucket") && i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						names = append(names, strings.Trim(lit.Value, `"`))
					}
				}
			}
			return true
		})
	}
	if len(names) < 10 {
		t.Fatalf("found only %d bucket constants: %v", len(names), names)
	}
	for _, n := range names {
		if !slices.Contains(flows.Buckets, n) {
			t.Errorf("bucket %q is declared but not in flows.Buckets, so it is never created", n)
		}
	}
	seen := map[string]bool{}
	for _, b := range flows.Buckets {
		if seen[b] {
			t.Errorf("bucket %q listed twice", b)
		}
		seen[b] = true
	}
}
