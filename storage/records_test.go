package storage

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"
)

func TestDecodeRecord(t *testing.T) {
	tests := []struct {
		bucket, key, raw string
		ok               bool
	}{
		{bucketHouseholds, "k", `{"id":"h1","village":3,"headName":"มาลี","applied":"2026-11-20T10:00:00+07:00"}`, true},
		{bucketHouseholds, "k", `{"id":"h1","village":q}`, false},
		{bucketHouseholds, "k", `{"id":"h1","village":"3"}`, false},
		{bucketHouseholds, "k", `{"id":"h1","applied":"2026-1q-20T10:00:00+07:00"}`, false},
		{bucketHouseholdVillages, "k", `"h1"`, true},
		{bucketHouseholdVillages, "k", `3`, false},
		{bucketCounters, "k", `{"n":4}`, true},
		{bucketCounters, "k", `{"limited":true,"limit":300,"used":12,"at":"2026-11-20T10:00:00Z"}`, true},
		{bucketCounters, "k", `{"n":"4"}`, false},
		{bucketInbox, "k", `{"anything":"the edge's type"}`, true},
		{bucketInbox, "k", `{"cut`, false},
		{bucketPlan, "k", `{"key":"x","due":"2026-12-0"}`, false},
		{bucketCodeAttempts, "global", `{"wrong":"3"}`, false},
		{bucketRounds, "r/000001", `{"id":1,"fiscalYear":2570,"started":"2026-10-01T09:00:00+07:00"}`, true},
		{bucketRounds, "r/000001", `{"id":"1"}`, false},
		{bucketRounds, "current", `1`, true},
		{bucketRounds, "current", `{"id":1}`, false},
		{"a bucket of a later schema", "k", `[1,2]`, true},
	}
	for _, tt := range tests {
		if err := checkRecord(Options{}, tt.bucket, tt.key, []byte(tt.raw)); (err == nil) != tt.ok {
			t.Errorf("checkRecord(%s, %s, %s): got %v, want ok %v", tt.bucket, tt.key, tt.raw, err, tt.ok)
		}
	}
}

func TestEveryBucketHasARecordType(t *testing.T) {
	for _, b := range buckets {
		if _, ok := recordTypes[b]; !ok {
			t.Errorf("bucket %s is not in recordTypes: say what its records decode as (nil for the edge's)", b)
		}
	}
}

// Every bucket the layout names is in buckets, so Open creates it and a
// restore checks it.
func TestEveryBucketConstantIsCreated(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "layout.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for _, n := range spec.(*ast.ValueSpec).Names {
				if !strings.HasPrefix(n.Name, "bucket") {
					continue
				}
				named++
				lit := spec.(*ast.ValueSpec).Values[0].(*ast.BasicLit).Value
				if !slices.Contains(buckets, strings.Trim(lit, `"`)) {
					t.Errorf("%s (%s) is not in buckets", n.Name, lit)
				}
			}
		}
	}
	if named != len(buckets) {
		t.Errorf("layout.go names %d buckets, buckets lists %d", named, len(buckets))
	}
}
