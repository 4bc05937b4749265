package provider_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// `make testacc-compat` runs again on the oldest supported Terraform only
// the acceptance tests whose behaviour depends on the CLI's version, named by
// COMPAT_TESTS in GNUmakefile. This test keeps that list honest: every
// acceptance test that (directly or through a helper or type of this
// package) checks the Terraform version, runs the CLI itself, applies an
// example, declares import or moved blocks, imports by identity or feeds
// `terraform show -json` to a script must be listed, and every name listed
// must be a test.

// compatMarker reports why a node makes a test depend on the CLI's
// version, or "".
func compatMarker(n ast.Node) string {
	switch n := n.(type) {
	case *ast.SelectorExpr:
		x, ok := n.X.(*ast.Ident)
		if !ok {
			return ""
		}
		switch {
		case x.Name == "tfversion":
			return "a Terraform version check (tfversion." + n.Sel.Name + ")"
		case x.Name == "acctest" && n.Sel.Name == "NewCLI":
			return "runs the Terraform CLI itself (acctest.NewCLI)"
		case x.Name == "resource" && strings.HasPrefix(n.Sel.Name, "ImportBlock"):
			return "imports with an import block (resource." + n.Sel.Name + ")"
		}
	case *ast.BasicLit:
		if n.Kind != token.STRING {
			return ""
		}
		s, err := strconv.Unquote(n.Value)
		if err != nil {
			return ""
		}
		switch {
		case s == "examples" || strings.Contains(s, "examples/"):
			return "uses an example or script from examples/ (" + s + ")"
		case strings.Contains(s, "import {"):
			return "declares an import block"
		case strings.Contains(s, "moved {"):
			return "declares a moved block"
		case strings.Contains(s, "client_secret_wo"):
			return "uses a write-only argument (client_secret_wo)"
		}
	}
	return ""
}

// compatTests reads COMPAT_TESTS from GNUmakefile: one name a line,
// continued with backslashes.
func compatTests(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "GNUmakefile"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	in := false
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if !in {
			if strings.HasPrefix(line, "COMPAT_TESTS ?=") {
				in = true
				if !strings.HasSuffix(line, `\`) {
					t.Fatalf("GNUmakefile: COMPAT_TESTS should list one test a line, continued with \\: %q", line)
				}
			}
			continue
		}
		names = append(names, strings.Fields(strings.TrimSuffix(line, `\`))...)
		if !strings.HasSuffix(line, `\`) {
			break
		}
	}
	if len(names) == 0 {
		t.Fatal("GNUmakefile has no COMPAT_TESTS list")
	}
	return names
}

func TestCompatTestsListed(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	// Every top-level declaration of the external test package: what it
	// refers to by name, and the first marker in it. A method counts as
	// part of its receiver's type.
	type decl struct {
		refs   []string
		marker string
	}
	decls := map[string]*decl{}
	var tests []string
	add := func(name string, n ast.Node) {
		if decls[name] == nil {
			decls[name] = &decl{}
		}
		d := decls[name]
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				d.refs = append(d.refs, id.Name)
			}
			if d.marker == "" {
				d.marker = compatMarker(n)
			}
			return true
		})
	}
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if file.Name.Name != "provider_test" {
			continue
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name := d.Name.Name
				if d.Recv != nil && len(d.Recv.List) == 1 {
					recv := d.Recv.List[0].Type
					if star, ok := recv.(*ast.StarExpr); ok {
						recv = star.X
					}
					if id, ok := recv.(*ast.Ident); ok {
						name = id.Name
					}
				} else if strings.HasPrefix(name, "TestAcc") {
					tests = append(tests, name)
				}
				add(name, d)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						add(s.Name.Name, s)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							add(n.Name, s)
						}
					}
				}
			}
		}
	}
	// why returns the chain from name to a marker, or nil.
	var why func(name string, seen map[string]bool) []string
	why = func(name string, seen map[string]bool) []string {
		d := decls[name]
		if d == nil || seen[name] {
			return nil
		}
		seen[name] = true
		if d.marker != "" {
			return []string{name, d.marker}
		}
		for _, r := range d.refs {
			if r == name {
				continue
			}
			if chain := why(r, seen); chain != nil {
				return append([]string{name}, chain...)
			}
		}
		return nil
	}
	listed := compatTests(t)
	for _, name := range tests {
		if chain := why(name, map[string]bool{}); chain != nil && !slices.Contains(listed, name) {
			t.Errorf("%s depends on the Terraform CLI's version (%s): add it to COMPAT_TESTS in GNUmakefile", name, strings.Join(chain, " → "))
		}
	}
	for _, name := range listed {
		if !slices.Contains(tests, name) {
			t.Errorf("COMPAT_TESTS in GNUmakefile names %s, which is no acceptance test of internal/provider", name)
		}
	}
	if len(tests) < 20 {
		t.Fatalf("found only %d acceptance tests: does the test read the right directory?", len(tests))
	}
}
