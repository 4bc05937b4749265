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

// testDecls is the external test package's top-level declarations by name
// (a method counts as part of its receiver's type) and its acceptance tests.
type testDecls struct {
	decls map[string][]ast.Node
	tests []string
}

func readTestDecls(t *testing.T) testDecls {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	td := testDecls{decls: map[string][]ast.Node{}}
	fset := token.NewFileSet()
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
					td.tests = append(td.tests, name)
				}
				td.decls[name] = append(td.decls[name], d)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						td.decls[s.Name.Name] = append(td.decls[s.Name.Name], s)
					case *ast.ValueSpec:
						for _, n := range s.Names {
							td.decls[n.Name] = append(td.decls[n.Name], s)
						}
					}
				}
			}
		}
	}
	if len(td.tests) < 20 {
		t.Fatalf("found only %d acceptance tests: does the test read the right directory?", len(td.tests))
	}
	return td
}

// why returns the chain from the declaration name, through the package's
// declarations it refers to, to the first node marker describes, or nil.
func (td testDecls) why(name string, marker func(ast.Node) string) []string {
	seen := map[string]bool{}
	var walk func(name string) []string
	walk = func(name string) []string {
		if seen[name] || td.decls[name] == nil {
			return nil
		}
		seen[name] = true
		var refs []string
		var found string
		for _, d := range td.decls[name] {
			ast.Inspect(d, func(n ast.Node) bool {
				if found != "" {
					return false
				}
				if found = marker(n); found != "" {
					return false
				}
				if id, ok := n.(*ast.Ident); ok && id.Name != name {
					refs = append(refs, id.Name)
				}
				return true
			})
		}
		if found != "" {
			return []string{name, found}
		}
		for _, r := range refs {
			if chain := walk(r); chain != nil {
				return append([]string{name}, chain...)
			}
		}
		return nil
	}
	return walk(name)
}

func TestCompatTestsListed(t *testing.T) {
	td := readTestDecls(t)
	listed := compatTests(t)
	for _, name := range td.tests {
		if chain := td.why(name, compatMarker); chain != nil && !slices.Contains(listed, name) {
			t.Errorf("%s depends on the Terraform CLI's version (%s): add it to COMPAT_TESTS in GNUmakefile", name, strings.Join(chain, " → "))
		}
	}
	for _, name := range listed {
		if !slices.Contains(td.tests, name) {
			t.Errorf("COMPAT_TESTS in GNUmakefile names %s, which is no acceptance test of internal/provider", name)
		}
	}
}

// Parallel acceptance tests run together once every sequential test has
// finished, so the emulator's clock stands still while they run. A test that
// calls t.Parallel() must therefore change nothing the others see and read
// nothing the others change: no clock, faults, throttling, replication delay,
// counters, tenants or Business Central environments seeded or deleted, no
// t.Setenv (which Go refuses in a parallel test anyway).
var sharedStateCalls = []string{"Advance", "InjectFault", "ClearFaults", "SetThrottling", "SetReplicationDelay", "Counters",
	"ResetCounters", "Retries", "IssuedTokens", "SeedTenant", "DeleteTenant", "AddGDAPRelationship", "SetConsentAdmin",
	"SeedBCEnvironment", "Reset", "PutState", "Setenv"}

func sharedStateMarker(n ast.Node) string {
	if sel, ok := n.(*ast.SelectorExpr); ok && slices.Contains(sharedStateCalls, sel.Sel.Name) {
		return "calls " + sel.Sel.Name
	}
	return ""
}

func isParallelCall(n ast.Node) string {
	if call, ok := n.(*ast.CallExpr); ok {
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Parallel" {
			return "t.Parallel"
		}
	}
	return ""
}

func TestParallelTestsLeaveSharedStateAlone(t *testing.T) {
	td := readTestDecls(t)
	parallel := 0
	for _, name := range td.tests {
		if td.why(name, isParallelCall) == nil {
			continue
		}
		parallel++
		if chain := td.why(name, sharedStateMarker); chain != nil {
			t.Errorf("%s runs in parallel but changes or reads the shared emulator's state (%s): remove t.Parallel()", name, strings.Join(chain, " → "))
		}
	}
	if parallel == 0 {
		t.Fatal("no acceptance test calls t.Parallel(): does the test read the right directory?")
	}
}
