// Package archtest holds tests about the shape of the code base rather than
// its behaviour: which package may depend on which.
package archtest

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const module = "github.com/onboard-tf/terraform-provider-onboard"

type pkg struct {
	ImportPath string
	Deps       []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	// A positive control: if Deps were not filled in, every test here would
	// pass vacuously.
	for _, p := range pkgs {
		if p.ImportPath == module+"/internal/provider" && !contains(p.Deps, "github.com/hashicorp/terraform-plugin-framework/provider") {
			t.Fatalf("go list reported no framework dependency for internal/provider: %v", p.Deps)
		}
	}
	return pkgs
}

// msgraph-sdk-go's models package alone takes minutes and gigabytes to compile,
// and its root package pulls in every request builder; keep both contained.
func TestMicrosoftGraphSDKStaysInInternalGraph(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, d := range p.Deps {
			if d == "github.com/microsoftgraph/msgraph-sdk-go" {
				t.Errorf("%s depends on the msgraph-sdk-go root package; import request-builder subpackages from internal/graph instead", p.ImportPath)
			}
			if strings.HasPrefix(d, "github.com/microsoftgraph/msgraph-sdk-go/") && strings.HasPrefix(p.ImportPath, module+"/internal/emulator") {
				t.Errorf("%s depends on %s; the emulator must not depend on the SDK it is tested with", p.ImportPath, d)
			}
		}
	}
}

// API clients and domain logic carry no Terraform types, so they can be
// tested and reused without the plugin framework.
func TestClientsHaveNoTerraformTypes(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		switch {
		case strings.HasPrefix(rel, "internal/auth"), strings.HasPrefix(rel, "internal/graph"),
			strings.HasPrefix(rel, "internal/bcadmin"), strings.HasPrefix(rel, "internal/onboarding"),
			strings.HasPrefix(rel, "internal/emulator"), strings.HasPrefix(rel, "internal/session"):
		default:
			continue
		}
		for _, d := range p.Deps {
			if strings.HasPrefix(d, "github.com/hashicorp/terraform-plugin-") {
				t.Errorf("%s depends on %s; keep Terraform types in internal/provider", p.ImportPath, d)
			}
		}
	}
}

// internal/session is the one place that builds API clients, so that every
// client shares its options and caches; resources ask it for them.
func TestProviderBuildsNoClients(t *testing.T) {
	constructors := regexp.MustCompile(`\b(auth\.New\w*|graph\.New|bcadmin\.New)\(|http\.Client\{`)
	files, err := filepath.Glob("../provider/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no provider sources found: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := constructors.FindString(line); m != "" {
				t.Errorf("%s:%d builds a client (%s); ask internal/session for it", filepath.Base(f), i+1, m)
			}
		}
	}
	// A positive control: the pattern finds what the session does.
	if b, err := os.ReadFile("../session/session.go"); err != nil || !constructors.Match(b) {
		t.Fatalf("the constructor pattern finds nothing in internal/session (%v)", err)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// The onboarding decisions are pure: plain Go values in and out, so each
// is table-tested without Terraform or a network. Checked on the whole
// dependency tree, not just direct imports.
func TestOnboardingDecisionsArePure(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./internal/onboarding")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	// A positive control: the list holds the package itself and the stdlib.
	if !contains(deps, module+"/internal/onboarding") || !contains(deps, "strings") {
		t.Fatalf("go list -deps ./internal/onboarding listed %v", deps)
	}
	for _, d := range deps {
		if d == "net/http" || strings.HasPrefix(d, "github.com/hashicorp/terraform-plugin-") {
			t.Errorf("internal/onboarding depends on %s; decisions take plain values, the provider talks to Terraform and the clients", d)
		}
	}
}
