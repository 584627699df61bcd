package flows_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/locales"
)

// TestEveryKeyInCodeIsInTheCatalogs reads the package's source and checks
// that each locale key written as a literal (in T(…), the error helpers,
// the parsers' hints, command words and done keys) exists in every
// language, so that no user ever sees "[some.key]". A key built from a
// prefix ("x.status." + s) must have at least one key under the prefix.
func TestEveryKeyInCodeIsInTheCatalogs(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	have := map[locales.Lang]map[string]bool{}
	for _, l := range locales.Langs() {
		have[l] = map[string]bool{}
		for _, k := range cat.Keys(l) {
			have[l][k] = true
		}
	}
	keyArg := map[string]int{ // function name → index of its key argument
		"T": 0, "Forbidden": 1, "Invalid": 1, "Conflict": 1, "NotFound": 1,
		"textParser": 1, "nameParser": 0, "intParser": 2, "sayAlready": 0,
	}
	keyField := map[string]bool{"Key": true, "DoneKey": true}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	checked := 0
	check := func(pos token.Pos, e ast.Expr) {
		switch x := e.(type) {
		case *ast.BasicLit:
			if x.Kind != token.STRING {
				return
			}
			k, _ := strconv.Unquote(x.Value)
			if k == "" || !strings.Contains(k, ".") {
				return
			}
			checked++
			for l, keys := range have {
				if !keys[k] {
					t.Errorf("%s: key %q is not in the %s catalog", fset.Position(pos), k, l)
				}
			}
		case *ast.BinaryExpr:
			lit, ok := x.X.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return
			}
			prefix, _ := strconv.Unquote(lit.Value)
			checked++
			for l, keys := range have {
				found := false
				for k := range keys {
					if strings.HasPrefix(k, prefix) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("%s: no key starts with %q in the %s catalog", fset.Position(pos), prefix, l)
				}
			}
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				var name string
				switch fn := x.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if i, ok := keyArg[name]; ok && i < len(x.Args) {
					check(x.Pos(), x.Args[i])
				}
			case *ast.KeyValueExpr:
				if id, ok := x.Key.(*ast.Ident); ok && keyField[id.Name] {
					check(x.Pos(), x.Value)
				}
			}
			return true
		})
	}
	if checked < 100 {
		t.Fatalf("checked only %d keys: the scan is broken", checked)
	}
}
