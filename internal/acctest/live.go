package acctest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"sort"
	"strings"
)

// Live-tenant mode: with ONBOARD_LIVE=1 the acceptance tests run against a
// real Microsoft tenant named by the usual ONBOARD_* variables instead of
// the emulator. A test that drives the emulator's control API (its clock,
// faults, seeding or inspection) is skipped with a message naming what it
// needs; the rest run against the real endpoints. CONTRIBUTING.md says what
// such a tenant needs.

// LiveEnvVar switches the acceptance tests to a real tenant.
const LiveEnvVar = "ONBOARD_LIVE"

// Live reports whether the acceptance tests run against a real tenant.
func Live() bool { return os.Getenv(LiveEnvVar) == "1" }

// liveRequirements are the variables live mode needs: each row is
// satisfied by any one of its names.
var liveRequirements = [][]string{
	{"ONBOARD_TENANT_ID", "ARM_TENANT_ID"},
	{"ONBOARD_CLIENT_ID", "ARM_CLIENT_ID"},
	{"ONBOARD_CLIENT_SECRET", "ARM_CLIENT_SECRET", "ONBOARD_CLIENT_CERTIFICATE_PATH", "ONBOARD_USE_OIDC"},
}

// missingLiveVars lists, one line per unmet requirement, what to set.
func missingLiveVars(getenv func(string) string) []string {
	var missing []string
	for _, names := range liveRequirements {
		if !slices.ContainsFunc(names, func(k string) bool { return getenv(k) != "" }) {
			missing = append(missing, strings.Join(names, " or "))
		}
	}
	return missing
}

// tb is the part of testing.TB live mode uses (a fake in unit tests).
type tb interface {
	Helper()
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

// checkLiveEnv fails (never skips) when live mode lacks a variable.
func checkLiveEnv(t tb, getenv func(string) string) {
	t.Helper()
	if missing := missingLiveVars(getenv); len(missing) > 0 {
		t.Fatalf("%s=1 runs the acceptance tests against a real tenant, and it needs:\n  %s\n(see CONTRIBUTING.md, \"Running the acceptance tests against a real tenant\")",
			LiveEnvVar, strings.Join(missing, "\n  "))
	}
}

// The emulator methods tests call, by what a real tenant lacks for them.
var controlAPI = map[string]string{
	"Advance": "clock", "Now": "clock",
	"InjectFault": "faults", "ClearFaults": "faults", "SetReplicationDelay": "faults", "Retries": "faults",
	"SeedTenant": "seeding", "SeedBCEnvironment": "seeding", "SeedFile": "seeding", "RegisterApp": "seeding", "EditApp": "seeding",
	"Consent": "seeding", "Revoke": "seeding", "SetConsentAdmin": "seeding", "AddGDAPRelationship": "seeding",
	"DeleteTenant": "seeding", "DeleteApp": "seeding", "PurgeApp": "seeding", "AddSecret": "seeding", "RemoveSecret": "seeding",
	"AuthorizeBCApp": "seeding", "RemoveBCAuthorizedApp": "seeding", "CreateBCEntraApp": "seeding", "SetBCEntraAppState": "seeding",
	"IssueRefreshToken": "seeding", "DeleteServicePrincipal": "seeding", "CompleteDeviceCode": "seeding",
	"AppsNamed": "inspect", "Apps": "inspect", "App": "inspect", "Grants": "inspect", "BCAuthorizedApps": "inspect", "BCEntraApp": "inspect",
	"Counters": "inspect", "DeletedApps": "inspect", "Tenants": "inspect",
	"URL": "the emulator's endpoint", "HTTPClient": "the emulator's endpoint", "Env": "the emulator's endpoint", "WriteCAFile": "the emulator's endpoint",
}

// emulatorNeeds reads the function around line in file (the caller of
// Emulator) and lists what it does with the emulator: "clock (Advance)",
// "inspect (AppsNamed, Grants)", "seeded directory (emulator.FabrikamTenantID)",
// or "the emulator, handed to seedCustomer" when it passes the emulator on. An empty list means the function only
// needs the provider's environment, which a real tenant provides.
func emulatorNeeds(file string, line int) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		return nil, err
	}
	var fn *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && fset.Position(fd.Pos()).Line <= line && line <= fset.Position(fd.End()).Line {
			fn = fd
		}
	}
	if fn == nil {
		return nil, nil
	}
	// The names the emulator is kept in: srv := acctest.Emulator(t).
	vars := map[string]bool{}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && isEmulatorCall(as.Rhs[0]) {
			if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name != "_" {
				vars[id.Name] = true
			}
		}
		return true
	})
	byNeed := map[string][]string{}
	add := func(need, what string) {
		if !slices.Contains(byNeed[need], what) {
			byNeed[need] = append(byNeed[need], what)
		}
	}
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && vars[id.Name] {
				need := controlAPI[sel.Sel.Name]
				if need == "" {
					need = "the control API"
				}
				add(need, sel.Sel.Name)
			}
		}
		for _, a := range call.Args {
			if id, ok := a.(*ast.Ident); ok && vars[id.Name] {
				add("helper", calleeName(call.Fun))
			}
		}
		return true
	})
	// The emulator's seeded tenants, apps and users (emulator.FabrikamTenantID,
	// emulator.DefaultAutomationClientID) are not in a real tenant.
	types := map[ast.Expr]bool{} // emulator.Fault{...}: a type, not seeded data
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if cl, ok := n.(*ast.CompositeLit); ok {
			types[cl.Type] = true
		}
		return true
	})
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && !types[sel] {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "emulator" {
				add("seeded directory", "emulator."+sel.Sel.Name)
			}
		}
		return true
	})
	var needs []string
	for need, what := range byNeed {
		sort.Strings(what)
		if need == "helper" {
			needs = append(needs, "the emulator, handed to "+strings.Join(what, ", "))
			continue
		}
		needs = append(needs, need+" ("+strings.Join(what, ", ")+")")
	}
	sort.Strings(needs)
	return needs, nil
}

func isEmulatorCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	name := calleeName(call.Fun)
	return name == "acctest.Emulator" || name == "Emulator"
}

func calleeName(e ast.Expr) string {
	switch f := e.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return calleeName(f.X) + "." + f.Sel.Name
	}
	return "a function"
}

// liveEmulator is Emulator in live mode: it checks the variables, then
// skips the caller when it uses the emulator's control API.
func liveEmulator(t tb, file string, line int, getenv func(string) string) {
	t.Helper()
	checkLiveEnv(t, getenv)
	needs, err := emulatorNeeds(file, line)
	switch {
	case err != nil:
		t.Skipf("live tenant mode (%s=1): cannot read %s to see what this test needs of the emulator (%v); skipped", LiveEnvVar, file, err)
	case len(needs) > 0:
		t.Skipf("live tenant mode (%s=1): this test needs the emulator's %s, which a real tenant does not offer; skipped", LiveEnvVar, strings.Join(needs, "; "))
	}
}
