package flows_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestFlowsNamesNoBucket checks the rule of flows.Tx: package storage owns
// how records are kept (its buckets, keys and indexes, and that each
// bucket is created: its own tests check the layout), and the domain and
// the edge only ask the typed stores. No non-test file of flows, bot or
// the command may declare a Bucket… name or import bbolt.
func TestFlowsNamesNoBucket(t *testing.T) {
	var files []string
	for _, pattern := range []string{"*.go", "../bot/*.go", "../bot/*/*.go", "../cmd/*/*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			// The fake of LINE rate-limits with token buckets: not ours.
			if !strings.Contains(filepath.ToSlash(f), "/linefake/") {
				files = append(files, f)
			}
		}
	}
	fset := token.NewFileSet()
	parsed := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed++
		for _, imp := range file.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); strings.Contains(p, "bbolt") {
				t.Errorf("%s imports %s: only package storage may", fset.Position(imp.Pos()), p)
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			var names []*ast.Ident
			switch x := n.(type) {
			case *ast.ValueSpec:
				names = x.Names
			case *ast.FuncDecl:
				names = []*ast.Ident{x.Name}
			case *ast.TypeSpec:
				names = []*ast.Ident{x.Name}
			}
			for _, id := range names {
				if strings.HasPrefix(id.Name, "Bucket") || strings.HasPrefix(id.Name, "bucket") {
					t.Errorf("%s: %s names a bucket; ask a store of flows.Tx instead", fset.Position(id.Pos()), id.Name)
				}
			}
			return true
		})
	}
	if parsed < 40 {
		t.Fatalf("parsed only %d files: the scan is broken", parsed)
	}
}
