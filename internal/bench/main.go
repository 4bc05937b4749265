// Command bench measures the provider at scale (make bench): the seed 000
// scenario (examples/msp-multitenant: one multi-tenant app, its secret and
// permissions, every customer from a CSV, Business Central authorization
// through GDAP) over N customer tenants of the emulator, with a fixed latency
// on every request, driven by the real Terraform CLI.
//
// For each N it times a first apply, a no-change plan (full refresh), a plan
// after consent was revoked in 1% of the tenants, and onboard_sync over all
// tenants (-steps picks which of the last three run); it counts the requests each made (from the emulator), samples the
// provider process's peak RSS and compares the wall time with the lower
// bound requests x latency / parallelism.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

type config struct {
	repo        string
	terraform   string
	provider    string // directory holding terraform-provider-onboard
	latency     time.Duration
	parallelism int // terraform -parallelism
	syncPar     int // onboard_sync max_parallel
	work        string
	steps       map[string]bool // which optional steps run: plan, revoked, sync
	// states, when set, keeps every root's state behind Terraform's http
	// backend instead of a local file (-backend=http).
	states *stateServer
}

// optionalSteps are what -steps may name; the first apply always runs.
var optionalSteps = []string{"plan", "cached", "revoked", "sync"}

// parseSteps reads -steps: a comma-separated subset of optionalSteps.
func parseSteps(list string) (map[string]bool, error) {
	steps := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(optionalSteps, s) {
			return nil, fmt.Errorf("unknown step %q: use %s", s, strings.Join(optionalSteps, ", "))
		}
		steps[s] = true
	}
	return steps, nil
}

// row is one line of the table.
type row struct {
	N          int
	Step       string
	Wall       time.Duration
	Counters   emulator.Counters
	PeakRSS    int64 // bytes, the provider process
	Parallel   int
	Latency    time.Duration
	ExitDetail string
	// ProviderCPU is the provider processes' CPU time (from /proc),
	// TerraformCPU Terraform's own (its rusage less the provider's).
	ProviderCPU, TerraformCPU time.Duration
	// Bound is the tokens per tenant of the lower bound, if HasBound.
	Bound    float64
	HasBound bool
	// VsOne is this row's wall time over the single run it is compared
	// with (sharded rows).
	VsOne float64
}

func main() {
	sizes := flag.String("tenants", "100,500,1000", "customer tenant counts, comma separated")
	latency := flag.Duration("latency", 50*time.Millisecond, "latency the emulator adds to every request")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	syncPar := flag.Int("sync-parallel", 8, "onboard_sync max_parallel")
	out := flag.String("out", "bench-results/latest.md", "write the table to this file as well (bench-results/ is not committed; bench-results.md is prose, edited by hand)")
	stepList := flag.String("steps", strings.Join(optionalSteps, ","), "steps after the first apply: plan (no-change plan), cached (a no-change plan with token_cache_path, after one that filled the file), revoked (plan after revoking consent in 1% of the tenants), sync (onboard_sync)")
	tf := flag.String("terraform", "", "Terraform CLI (default: scripts/terraform-path.sh)")
	provider := flag.String("provider", "", "directory with a built terraform-provider-onboard")
	work := flag.String("work", "", "working directory (default: a temporary one, removed at the end)")
	backend := flag.String("backend", "local", "where Terraform keeps state: local (a file per root) or http (an in-memory HTTPS state server, as a remote backend behaves: see statebackend.go)")
	syncOnly := flag.Bool("sync-only", false, "for each tenant count, only onboard_sync over every tenant in one configuration: the emulator is seeded with a consented app instead of a first apply")
	shardedOnly := flag.Bool("sharded-only", false, "with -shards: run only the sharded scenario, over the largest tenant count (no single-configuration runs)")
	shards := flag.Int("shards", 0, "also run the sharded scenario (examples/msp-sharded) with this many shards at once over the largest tenant count, throttling on")
	flag.Parse()
	log.SetFlags(0)

	repo, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	steps, err := parseSteps(*stepList)
	if err != nil {
		log.Fatalf("bench: -steps: %v", err)
	}
	cfg := config{repo: repo, terraform: *tf, provider: *provider, latency: *latency, parallelism: *parallelism, syncPar: *syncPar, work: *work, steps: steps}
	switch *backend {
	case "local":
	case "http":
		cfg.states = newStateServer()
		defer cfg.states.Close()
	default:
		log.Fatalf("bench: -backend %q: use local or http", *backend)
	}
	if cfg.terraform == "" {
		b, err := exec.Command(filepath.Join(repo, "scripts/terraform-path.sh")).Output()
		if err != nil {
			log.Fatalf("bench: no Terraform CLI: %v", err)
		}
		cfg.terraform = strings.TrimSpace(string(b))
	}
	if cfg.work == "" {
		cfg.work, err = os.MkdirTemp("", "onboard-bench-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(cfg.work)
	}
	if cfg.provider == "" {
		cfg.provider = filepath.Join(cfg.work, "bin")
		log.Printf("building the provider into %s", cfg.provider)
		cmd := exec.Command("go", "build", "-o", filepath.Join(cfg.provider, "terraform-provider-onboard"), ".")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			log.Fatalf("bench: go build: %v", err)
		}
	}

	var rows []row
	largest := 0
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			log.Fatalf("bench: bad tenant count %q", s)
		}
		largest = max(largest, n)
		if *shardedOnly && *shards > 0 {
			continue
		}
		run := runSize
		if *syncOnly {
			run = runSyncOnly
		}
		r, err := run(cfg, n)
		rows = append(rows, r...)
		if err != nil {
			printTable(os.Stdout, cfg, rows)
			log.Fatalf("bench: %d tenants: %v", n, err)
		}
	}
	if *shards > 0 {
		var one time.Duration
		for _, r := range rows {
			if r.N == largest && r.Step == "first apply" {
				one = r.Wall
			}
		}
		r, err := runSharded(cfg, largest, *shards, one)
		rows = append(rows, r...)
		if err != nil {
			printTable(os.Stdout, cfg, rows)
			log.Fatalf("bench: %d tenants in %d shards: %v", largest, *shards, err)
		}
	}
	var b bytes.Buffer
	printTable(&b, cfg, rows)
	os.Stdout.Write(b.Bytes())
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("table written to %s", *out)
	}
}

func runSize(cfg config, n int) ([]row, error) {
	log.Printf("== %d customer tenants", n)
	dir := filepath.Join(cfg.work, fmt.Sprint(n))
	applyDir, syncDir := filepath.Join(dir, "onboard"), filepath.Join(dir, "sync")
	srv, tenants, env, err := setup(cfg, dir, n, false, applyDir, syncDir)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	if err := writeScenario(cfg.repo, applyDir, tenants); err != nil {
		return nil, err
	}
	if err := initBackend(cfg, env, fmt.Sprintf("%d-onboard", n), applyDir); err != nil {
		return nil, err
	}
	// The lower bound of tokens per tenant: one per API (Graph, whose
	// roles claim answers consent; Business Central) per tenant.
	bounds := map[string]float64{"no-change plan": 2, "onboard_sync": 2, "no-change plan, token cache": 0}
	par := fmt.Sprintf("-parallelism=%d", cfg.parallelism)
	var rows []row
	step := func(name, d string, parallel int, want int, args ...string) error {
		srv.ResetCounters()
		m, code, output, err := runTerraform(cfg.terraform, d, env, args...)
		r := row{N: n, Step: name, Wall: m.wall, Counters: srv.Counters(), PeakRSS: m.rss, Parallel: parallel, Latency: cfg.latency,
			ProviderCPU: m.providerCPU, TerraformCPU: m.terraformCPU}
		r.Bound, r.HasBound = bounds[name]
		wall, rss := m.wall, m.rss
		rows = append(rows, r)
		log.Printf("   %-28s %8s  %6d requests  peak RSS %s", name, wall.Round(100*time.Millisecond), r.Counters.Total, mib(rss))
		if err != nil || (want >= 0 && code != want) {
			return fmt.Errorf("%s: exit %d (want %d): %v\n%s", name, code, want, err, tail(output, 60))
		}
		return nil
	}

	if err := step("first apply", applyDir, cfg.parallelism, 0, "apply", "-auto-approve", "-input=false", "-no-color", par); err != nil {
		return rows, err
	}
	if cfg.steps["plan"] {
		if err := step("no-change plan", applyDir, cfg.parallelism, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color", par); err != nil {
			return rows, err
		}
	}
	if cfg.steps["cached"] {
		// token_cache_path: the first plan fills the file, the second is
		// measured. Its bound is no token at all: every token is in the file.
		cached := append(slices.Clone(env), "ONBOARD_TOKEN_CACHE_PATH="+filepath.Join(dir, "tokens.json"))
		if _, code, output, err := runTerraform(cfg.terraform, applyDir, cached, "plan", "-detailed-exitcode", "-input=false", "-no-color", par); err != nil || code != 0 {
			return rows, fmt.Errorf("plan filling the token cache: exit %d: %v\n%s", code, err, tail(output, 60))
		}
		saved := env
		env = cached
		err := step("no-change plan, token cache", applyDir, cfg.parallelism, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color", par)
		env = saved
		if err != nil {
			return rows, err
		}
	}
	out, err := outputs(cfg.terraform, applyDir, env)
	if err != nil {
		return rows, err
	}
	revoked := 0
	if cfg.steps["revoked"] {
		revoked = (n + 99) / 100
		for _, t := range tenants[:revoked] {
			if err := srv.Revoke(t.id, out.ClientID); err != nil {
				return rows, fmt.Errorf("revoking consent in %s: %w", t.id, err)
			}
		}
		if err := step(fmt.Sprintf("plan, %d revoked", revoked), applyDir, cfg.parallelism, 2, "plan", "-detailed-exitcode", "-input=false", "-no-color", par); err != nil {
			return rows, err
		}
	}
	if !cfg.steps["sync"] {
		return rows, nil
	}
	vars, _ := json.Marshal(map[string]any{"client_id": out.ClientID, "client_secret": out.ClientSecret, "tenants": out.TenantIDs, "max_parallel": cfg.syncPar})
	if err := os.WriteFile(filepath.Join(syncDir, "terraform.tfvars.json"), vars, 0o600); err != nil {
		return rows, err
	}
	if err := os.WriteFile(filepath.Join(syncDir, "main.tf"), []byte(syncConfig), 0o644); err != nil {
		return rows, err
	}
	if err := initBackend(cfg, env, fmt.Sprintf("%d-sync", n), syncDir); err != nil {
		return rows, err
	}
	if err := step("onboard_sync", syncDir, cfg.syncPar, 0, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return rows, err
	}
	// The sync must have read every tenant: the revoked ones fail, the rest are ok.
	b, err := exec.Command(cfg.terraform, "-chdir="+syncDir, "output", "-json", "summary").Output()
	if err != nil {
		return rows, fmt.Errorf("terraform output summary: %w", err)
	}
	var sum map[string]any
	if err := json.Unmarshal(b, &sum); err != nil {
		return rows, err
	}
	rows[len(rows)-1].ExitDetail = fmt.Sprintf("%v ok, %v pending consent", sum["tenants_ok"], sum["tenants_pending_consent"])
	if fmt.Sprint(sum["tenants_ok"]) != fmt.Sprint(n) || fmt.Sprint(sum["tenants_pending_consent"]) != fmt.Sprint(revoked) {
		return rows, fmt.Errorf("sync summary %v: want %d tenants ok, %d pending consent", sum, n, revoked)
	}
	return rows, nil
}

// runSyncOnly measures onboard_sync over n tenants in one configuration
// without a first apply, which for 10,000 customers in one state takes hours
// of Terraform's own CPU (see bench-results.md): the emulator is seeded with
// what that apply leaves, the scenario's app (its permissions consented in
// every customer, authorized in Business Central) and a secret.
func runSyncOnly(cfg config, n int) ([]row, error) {
	log.Printf("== %d customer tenants, onboard_sync only", n)
	dir := filepath.Join(cfg.work, fmt.Sprint(n, "-sync-only"))
	syncDir := filepath.Join(dir, "sync")
	srv, tenants, env, err := setup(cfg, dir, n, false, syncDir)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	home := emulator.DefaultHomeTenantID
	obj, clientID, err := srv.RegisterApp(home, "onboard-bench-sync", "Qezaro Orbit")
	if err != nil {
		return nil, err
	}
	// examples/msp-multitenant's permissions: Business Central
	// AdminCenter.ReadWrite.All and API.ReadWrite.All, Graph Organization.Read.All.
	if err := srv.EditApp(home, obj, map[string]any{"signInAudience": "AzureADMultipleOrgs", "requiredResourceAccess": []any{
		map[string]any{"resourceAppId": "996def3d-b36c-4153-8607-a6fd3c01b89f", "resourceAccess": []any{
			map[string]any{"id": "a20fe46f-4f63-4666-8e0e-9b882d90b837", "type": "Role"},
			map[string]any{"id": "a42b0b75-311e-488d-b67e-8fe84f924341", "type": "Role"}}},
		map[string]any{"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": []any{
			map[string]any{"id": "498476ce-e0fe-48b0-b801-37ba7e2685c6", "type": "Role"}}},
	}}); err != nil {
		return nil, err
	}
	_, secret, err := srv.AddSecret(home, obj, "bench", srv.Now().Add(90*24*time.Hour))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(tenants))
	for i, c := range tenants {
		if err := srv.Consent(c.id, clientID, "admin@"+c.domain); err != nil {
			return nil, fmt.Errorf("consent in %s: %w", c.id, err)
		}
		if err := srv.AuthorizeBCApp(c.id, clientID); err != nil {
			return nil, fmt.Errorf("authorizing in %s: %w", c.id, err)
		}
		ids[i] = c.id
	}
	vars, _ := json.Marshal(map[string]any{"client_id": clientID, "client_secret": secret, "tenants": ids, "max_parallel": cfg.syncPar})
	if err := os.WriteFile(filepath.Join(syncDir, "terraform.tfvars.json"), vars, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(syncDir, "main.tf"), []byte(syncConfig), 0o644); err != nil {
		return nil, err
	}
	if err := initBackend(cfg, env, fmt.Sprintf("%d-sync-only", n), syncDir); err != nil {
		return nil, err
	}
	srv.ResetCounters()
	m, code, output, err := runTerraform(cfg.terraform, syncDir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	r := row{N: n, Step: "onboard_sync, one configuration", Wall: m.wall, Counters: srv.Counters(), PeakRSS: m.rss, Parallel: cfg.syncPar,
		Latency: cfg.latency, ProviderCPU: m.providerCPU, TerraformCPU: m.terraformCPU, Bound: 2, HasBound: true}
	log.Printf("   %-28s %8s  %6d requests  peak RSS %s", r.Step, r.Wall.Round(100*time.Millisecond), r.Counters.Total, mib(r.PeakRSS))
	if err != nil || code != 0 {
		return []row{r}, fmt.Errorf("sync: exit %d: %v\n%s", code, err, tail(output, 60))
	}
	b, err := exec.Command(cfg.terraform, "-chdir="+syncDir, "output", "-json", "summary").Output()
	if err != nil {
		return []row{r}, fmt.Errorf("terraform output summary: %w", err)
	}
	var sum map[string]any
	if err := json.Unmarshal(b, &sum); err != nil {
		return []row{r}, err
	}
	r.ExitDetail = fmt.Sprintf("%v ok, %v pending consent", sum["tenants_ok"], sum["tenants_pending_consent"])
	if fmt.Sprint(sum["tenants_ok"]) != fmt.Sprint(n) {
		return []row{r}, fmt.Errorf("sync summary %v: want %d tenants ok", sum, n)
	}
	return []row{r}, nil
}

// setup starts an emulator with n customers and writes what Terraform needs
// in dir (CA, CLI config with the provider's dev override); it returns the
// environment to run Terraform with.
func setup(cfg config, dir string, n int, throttling bool, dirs ...string) (*emulator.Server, []customer, []string, error) {
	srv, err := emulator.New(emulator.Options{Throttling: throttling})
	if err != nil {
		return nil, nil, nil, err
	}
	fail := func(err error) (*emulator.Server, []customer, []string, error) {
		srv.Close()
		return nil, nil, nil, err
	}
	for _, d := range append(dirs, dir) {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fail(err)
		}
	}
	if err := srv.WriteCAFile(filepath.Join(dir, "ca.pem")); err != nil {
		return fail(err)
	}
	tenants, err := seedCustomers(srv, n)
	if err != nil {
		return fail(err)
	}
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
	if err != nil {
		return fail(err)
	}
	env := append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "ONBOARD_PARTNER_REFRESH_TOKEN="+rt,
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraformrc"))
	for k, v := range srv.Env() {
		env = append(env, k+"="+v)
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/onboard-tf/onboard\" = %q\n  }\n  direct {}\n}\n", cfg.provider)
	if err := os.WriteFile(filepath.Join(dir, "terraformrc"), []byte(rc), 0o644); err != nil {
		return fail(err)
	}
	if err := srv.InjectFault(emulator.Fault{Latency: cfg.latency}); err != nil {
		return fail(err)
	}
	return srv, tenants, env, nil
}

type customer struct{ id, name, domain string }

func seedCustomers(srv *emulator.Server, n int) ([]customer, error) {
	var cs []customer
	for i := 0; i < n; i++ {
		c := customer{id: fmt.Sprintf("be000000-0000-4000-8000-%012d", i), name: fmt.Sprintf("Customer %04d", i), domain: fmt.Sprintf("customer%04d.onmicrosoft.com", i)}
		if err := srv.SeedTenant(emulator.TenantSeed{ID: c.id, DisplayName: c.name, Domains: []string{c.domain},
			Users:     []emulator.UserSeed{{UPN: "admin@" + c.domain, Roles: []string{"Global Administrator"}}},
			Inventory: emulator.Inventory{Users: 25, Groups: 5, Devices: 10}}); err != nil {
			return nil, err
		}
		// The partner admin holds Global Administrator through GDAP, so the
		// first apply grants consent and authorizes the app in Business
		// Central in every customer, as a partner would.
		if err := srv.AddGDAPRelationship(emulator.DefaultHomeTenantID, emulator.GDAPSeed{CustomerTenantID: c.id, CustomerName: c.name,
			Roles: []string{"Global Administrator"}, Members: []string{emulator.DefaultPartnerAdminUPN}}); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// writeScenario copies the MSP example up to its sync step (measured on its
// own) and writes customers.csv with the seeded tenants.
func writeScenario(repo, dir string, cs []customer) error {
	src, err := os.ReadFile(filepath.Join(repo, "examples/msp-multitenant/main.tf"))
	if err != nil {
		return err
	}
	const marker = "# Step 5"
	i := bytes.Index(src, []byte(marker))
	if i < 0 {
		return fmt.Errorf("examples/msp-multitenant/main.tf has no %q section: update internal/bench", marker)
	}
	tf := string(src[:i]) + benchOutputs
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
		return err
	}
	return writeCSV(filepath.Join(dir, "customers.csv"), cs)
}

// writeCSV writes the customers as seed 000's spreadsheet.
func writeCSV(path string, cs []customer) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"companyname", "TenantId", "AdminEmail", "CategoryName"})
	for i, c := range cs {
		// Half by domain, as spreadsheets have both.
		_ = w.Write([]string{c.name, csvTenant(i, c), "admin@" + c.domain, "Bench; Scale"})
	}
	w.Flush()
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// csvTenant is how writeCSV writes customer i: half by domain.
func csvTenant(i int, c customer) string {
	if i%2 == 1 {
		return c.domain
	}
	return c.id
}

const benchOutputs = `
output "bench_client_secret" {
  value     = onboard_client_secret.orbit.value
  sensitive = true
}

output "bench_tenant_ids" {
  value = [for c in onboard_customer_tenant.customer : c.tenant_id]
}
`

const syncConfig = `terraform {
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

variable "client_id" {
  type = string
}

variable "client_secret" {
  type      = string
  sensitive = true
}

variable "tenants" {
  type = list(string)
}

variable "max_parallel" {
  type = number
}

data "onboard_sync" "all" {
  client_id     = var.client_id
  client_secret = var.client_secret
  tenants       = var.tenants
  max_parallel  = var.max_parallel
}

output "summary" {
  value = data.onboard_sync.all.summary
}
`

// runSharded is examples/msp-sharded over n tenants: the owner applies the
// app and secret, then every shard applies its customers at once, against
// one emulator with Microsoft's throttling limits on. Every shard must
// succeed; the 429s are counted (each one retried, as no shard failed).
func runSharded(cfg config, n, shards int, one time.Duration) ([]row, error) {
	log.Printf("== %d customer tenants in %d shards at once, throttling on", n, shards)
	dir := filepath.Join(cfg.work, fmt.Sprintf("%d-sharded", n))
	ownerDir := filepath.Join(dir, "owner")
	shardDirs := make([]string, shards)
	for i := range shardDirs {
		shardDirs[i] = filepath.Join(dir, fmt.Sprint("shard", i))
	}
	srv, tenants, env, err := setup(cfg, dir, n, true, append(slices.Clone(shardDirs), ownerDir)...)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	copyFile := func(src, dst string) error {
		b, err := os.ReadFile(filepath.Join(cfg.repo, "examples/msp-sharded", src))
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	}
	if err := copyFile("owner/main.tf", filepath.Join(ownerDir, "main.tf")); err != nil {
		return nil, err
	}
	if err := initBackend(cfg, env, fmt.Sprintf("%d-owner", n), ownerDir); err != nil {
		return nil, err
	}
	csvPath := filepath.Join(dir, "customers.csv")
	if err := writeCSV(csvPath, tenants); err != nil {
		return nil, err
	}
	par := fmt.Sprintf("-parallelism=%d", cfg.parallelism)
	var rows []row
	srv.ResetCounters()
	m, code, output, err := runTerraform(cfg.terraform, ownerDir, env, "apply", "-auto-approve", "-input=false", "-no-color", par)
	rows = append(rows, row{N: n, Step: "sharded: owner apply", Wall: m.wall, Counters: srv.Counters(), PeakRSS: m.rss, Parallel: cfg.parallelism,
		Latency: cfg.latency, ProviderCPU: m.providerCPU, TerraformCPU: m.terraformCPU})
	if err != nil || code != 0 {
		return rows, fmt.Errorf("owner apply: exit %d: %v\n%s", code, err, tail(output, 60))
	}
	cmd := exec.Command(cfg.terraform, "-chdir="+ownerDir, "output", "-json")
	cmd.Env = env
	b, err := cmd.Output()
	if err != nil {
		return rows, fmt.Errorf("owner outputs: %w", err)
	}
	var outs map[string]struct{ Value string }
	if err := json.Unmarshal(b, &outs); err != nil {
		return rows, err
	}
	// The example's split: parseint(substr(sha1(lower(id)), 0, 4), 16) % N.
	per := make([]int, shards)
	for i, c := range tenants {
		sum := sha1.Sum([]byte(strings.ToLower(csvTenant(i, c))))
		h, _ := strconv.ParseInt(hex.EncodeToString(sum[:])[:4], 16, 64)
		per[h%int64(shards)]++
	}
	for i, d := range shardDirs {
		if err := copyFile("shard/main.tf", filepath.Join(d, "main.tf")); err != nil {
			return rows, err
		}
		if err := initBackend(cfg, env, fmt.Sprintf("%d-shard%d", n, i), d); err != nil {
			return rows, err
		}
		vars, _ := json.Marshal(map[string]any{"shard_index": i, "shard_count": shards, "customers_csv": csvPath,
			"client_id": outs["client_id"].Value, "client_secret": outs["client_secret"].Value})
		if err := os.WriteFile(filepath.Join(d, "terraform.tfvars.json"), vars, 0o600); err != nil {
			return rows, err
		}
	}
	srv.ResetCounters()
	start := time.Now()
	results := make([]row, shards)
	errs := make([]error, shards)
	var wg sync.WaitGroup
	for i, d := range shardDirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, code, output, err := runTerraform(cfg.terraform, d, env, "apply", "-auto-approve", "-input=false", "-no-color", par)
			results[i] = row{N: per[i], Step: fmt.Sprintf("sharded: shard %d of %d apply", i+1, shards), Wall: m.wall, PeakRSS: m.rss,
				Parallel: cfg.parallelism, Latency: cfg.latency, ProviderCPU: m.providerCPU, TerraformCPU: m.terraformCPU}
			if err != nil || code != 0 {
				errs[i] = fmt.Errorf("shard %d: exit %d: %v\n%s", i, code, err, tail(output, 40))
			}
		}()
	}
	wg.Wait()
	all := row{N: n, Step: fmt.Sprintf("sharded: %d shards at once", shards), Wall: time.Since(start), Counters: srv.Counters(),
		Parallel: cfg.parallelism * shards, Latency: cfg.latency}
	failed := 0
	for i, r := range results {
		all.PeakRSS = max(all.PeakRSS, r.PeakRSS)
		all.ProviderCPU += r.ProviderCPU
		all.TerraformCPU += r.TerraformCPU
		if errs[i] != nil {
			failed++
		}
	}
	if one > 0 {
		all.VsOne = float64(all.Wall) / float64(one)
	}
	all.ExitDetail = fmt.Sprintf("%d failed shards, %d 429s retried (%v)", failed, all.Counters.Throttled, srv.Throttled())
	rows = append(rows, results...)
	rows = append(rows, all)
	log.Printf("   %-28s %8s  %6d requests  %d 429s  %d failed", all.Step, all.Wall.Round(100*time.Millisecond), all.Counters.Total, all.Counters.Throttled, failed)
	if err := errors.Join(errs...); err != nil {
		return rows, err
	}
	if cfg.steps["plan"] {
		r, err := shardsAtOnce(cfg, srv, env, shardDirs, n, "no-change plan", 2, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color", par)
		rows = append(rows, r)
		if err != nil {
			return rows, err
		}
	}
	if !cfg.steps["sync"] {
		return rows, nil
	}
	// One onboard_sync over every customer of every shard, in one
	// configuration: one data source instance, so Terraform's per-instance
	// work does not grow, and the provider holds all n tenants in one process.
	syncDir := filepath.Join(dir, "sync")
	ids := make([]string, len(tenants))
	for i, c := range tenants {
		ids[i] = c.id
	}
	vars, _ := json.Marshal(map[string]any{"client_id": outs["client_id"].Value, "client_secret": outs["client_secret"].Value, "tenants": ids, "max_parallel": cfg.syncPar})
	if err := os.MkdirAll(syncDir, 0o755); err != nil {
		return rows, err
	}
	if err := os.WriteFile(filepath.Join(syncDir, "terraform.tfvars.json"), vars, 0o600); err != nil {
		return rows, err
	}
	if err := os.WriteFile(filepath.Join(syncDir, "main.tf"), []byte(syncConfig), 0o644); err != nil {
		return rows, err
	}
	if err := initBackend(cfg, env, fmt.Sprintf("%d-sharded-sync", n), syncDir); err != nil {
		return rows, err
	}
	srv.ResetCounters()
	m, code, output, err = runTerraform(cfg.terraform, syncDir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	r := row{N: n, Step: "onboard_sync over every shard's customers", Wall: m.wall, Counters: srv.Counters(), PeakRSS: m.rss, Parallel: cfg.syncPar,
		Latency: cfg.latency, ProviderCPU: m.providerCPU, TerraformCPU: m.terraformCPU, Bound: 2, HasBound: true}
	rows = append(rows, r)
	log.Printf("   %-28s %8s  %6d requests  peak RSS %s", r.Step, r.Wall.Round(100*time.Millisecond), r.Counters.Total, mib(r.PeakRSS))
	if err != nil || code != 0 {
		return rows, fmt.Errorf("sync: exit %d: %v\n%s", code, err, tail(output, 60))
	}
	return rows, nil
}

// shardsAtOnce runs one Terraform command in every shard at the same time
// and returns one row for all of them (the largest peak RSS, the summed CPU).
func shardsAtOnce(cfg config, srv *emulator.Server, env, dirs []string, n int, name string, bound float64, want int, args ...string) (row, error) {
	srv.ResetCounters()
	start := time.Now()
	ms := make([]measured, len(dirs))
	errs := make([]error, len(dirs))
	var wg sync.WaitGroup
	for i, d := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, code, output, err := runTerraform(cfg.terraform, d, env, args...)
			ms[i] = m
			if err != nil || code != want {
				errs[i] = fmt.Errorf("shard %d %s: exit %d (want %d): %v\n%s", i, name, code, want, err, tail(output, 40))
			}
		}()
	}
	wg.Wait()
	r := row{N: n, Step: fmt.Sprintf("sharded: %s, %d shards at once", name, len(dirs)), Wall: time.Since(start), Counters: srv.Counters(),
		Parallel: cfg.parallelism * len(dirs), Latency: cfg.latency, Bound: bound, HasBound: true}
	for _, m := range ms {
		r.PeakRSS = max(r.PeakRSS, m.rss)
		r.ProviderCPU += m.providerCPU
		r.TerraformCPU += m.terraformCPU
	}
	log.Printf("   %-28s %8s  %6d requests  %d 429s", r.Step, r.Wall.Round(100*time.Millisecond), r.Counters.Total, r.Counters.Throttled)
	return r, errors.Join(errs...)
}

// initBackend points dir's root at the http state server (when the bench
// uses one) and runs terraform init, which a backend needs.
func initBackend(cfg config, env []string, name, dir string) error {
	if cfg.states == nil {
		return nil
	}
	if err := cfg.states.writeBackend(dir, name); err != nil {
		return err
	}
	// init installs providers even with dev_overrides, and there is no
	// registry offline: it gets the built provider from a filesystem mirror.
	// The other commands keep the dev override.
	rc, err := cfg.states.mirror(cfg.work, cfg.provider)
	if err != nil {
		return err
	}
	env = append(slices.Clone(env), "TF_CLI_CONFIG_FILE="+rc)
	_, code, output, err := runTerraform(cfg.terraform, dir, env, "init", "-input=false", "-no-color")
	if err != nil || code != 0 {
		return fmt.Errorf("terraform init in %s: exit %d: %v\n%s", dir, code, err, tail(output, 30))
	}
	return nil
}

type scenarioOutputs struct {
	ClientID     string
	ClientSecret string
	TenantIDs    []string
}

func outputs(terraform, dir string, env []string) (scenarioOutputs, error) {
	cmd := exec.Command(terraform, "-chdir="+dir, "output", "-json")
	cmd.Env = env
	b, err := cmd.Output()
	if err != nil {
		return scenarioOutputs{}, fmt.Errorf("terraform output: %w", err)
	}
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return scenarioOutputs{}, err
	}
	var o scenarioOutputs
	for k, dst := range map[string]any{"client_id": &o.ClientID, "bench_client_secret": &o.ClientSecret, "bench_tenant_ids": &o.TenantIDs} {
		if err := json.Unmarshal(raw[k].Value, dst); err != nil {
			return o, fmt.Errorf("output %s: %w", k, err)
		}
	}
	return o, nil
}

type measured struct {
	wall, providerCPU, terraformCPU time.Duration
	rss                             int64
}

// runTerraform runs one command and samples the peak RSS (VmHWM) and CPU
// time of the provider processes Terraform starts.
func runTerraform(terraform, dir string, env []string, args ...string) (measured, int, string, error) {
	cmd := exec.Command(terraform, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measured{}, -1, "", err
	}
	ctx, cancel := context.WithCancel(context.Background())
	var peak int64
	cpu := map[int]time.Duration{} // per provider process, its last sample
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			providerSample(cmd.Process.Pid, &peak, cpu)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	m := measured{wall: time.Since(start)}
	cancel()
	wg.Wait()
	m.rss = peak
	for _, c := range cpu {
		m.providerCPU += c
	}
	// Terraform's rusage includes the children it waited for: the provider.
	if ps := cmd.ProcessState; ps != nil {
		m.terraformCPU = max(0, ps.UserTime()+ps.SystemTime()-m.providerCPU)
	}
	code := cmd.ProcessState.ExitCode()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = nil // the caller judges the exit code
	}
	return m, code, out.String(), err
}

// providerSample records the largest VmHWM and the CPU time of the
// children of pid that are the provider.
func providerSample(pid int, peak *int64, cpu map[int]time.Duration) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		var name string
		var ppid int
		var hwm int64
		sc := bufio.NewScanner(bytes.NewReader(status))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				continue
			}
			switch f[0] {
			case "Name:":
				name = f[1]
			case "PPid:":
				ppid, _ = strconv.Atoi(f[1])
			case "VmHWM:":
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				hwm = kb * 1024
			}
		}
		if ppid != pid || !strings.HasPrefix(name, "terraform-provi") {
			continue
		}
		*peak = max(*peak, hwm)
		// utime and stime, fields 14 and 15 of stat, in clock ticks (100/s).
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			cpu[child] = time.Duration(u+st) * 10 * time.Millisecond
		}
	}
}

func printTable(w io.Writer, cfg config, rows []row) {
	backend := "local (a state file per root)"
	if cfg.states != nil {
		backend = "http (an in-memory HTTPS state server)"
	}
	fmt.Fprintf(w, "\nonboard provider benchmark: seed 000 scenario (examples/msp-multitenant), %s latency per request, terraform -parallelism=%d, onboard_sync max_parallel=%d, state backend %s\n\n",
		cfg.latency, cfg.parallelism, cfg.syncPar, backend)
	fmt.Fprintln(w, "| tenants | step | wall | requests | per tenant: all | token (bound) | Graph | BC | 429s | provider peak RSS | provider CPU | Terraform CPU | lower bound | wall / bound | wall / one run |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		n := float64(r.N)
		bound := time.Duration(float64(r.Counters.Total) * float64(r.Latency) / float64(r.Parallel))
		ratio, vsOne, tokBound := "-", "-", ""
		if bound > 0 {
			ratio = fmt.Sprintf("%.2f", float64(r.Wall)/float64(bound))
		}
		if r.VsOne > 0 {
			vsOne = fmt.Sprintf("%.2f", r.VsOne)
		}
		if r.HasBound {
			tokBound = fmt.Sprintf(" (%.0f)", r.Bound)
		}
		step := r.Step
		if r.ExitDetail != "" {
			step += " (" + r.ExitDetail + ")"
		}
		fmt.Fprintf(w, "| %d | %s | %s | %d | %.2f | %.2f%s | %.2f | %.2f | %d | %s | %s | %s | %s | %s | %s |\n", r.N, step, r.Wall.Round(100*time.Millisecond), r.Counters.Total,
			float64(r.Counters.Total)/n, float64(r.Counters.Tokens)/n, tokBound, float64(r.Counters.ByService["graph"])/n, float64(r.Counters.ByService["bc"])/n,
			r.Counters.Throttled, mib(r.PeakRSS), r.ProviderCPU.Round(100*time.Millisecond), r.TerraformCPU.Round(100*time.Millisecond),
			bound.Round(100*time.Millisecond), ratio, vsOne)
	}
	fmt.Fprintln(w, "\nlower bound = requests x latency / parallelism (terraform -parallelism for apply and plan, max_parallel for onboard_sync).")
	fmt.Fprintln(w, "token = requests to /oauth2/v2.0/token per tenant, with the lower bound in brackets: one token per API (Graph, Business Central) per tenant;")
	fmt.Fprintln(w, "login requests also include OpenID configuration discovery. 429s: answered by the emulator's throttling (Microsoft's published limits; sharded rows).")
	fmt.Fprintln(w, "provider CPU: user+system time of the provider process (/proc); Terraform CPU: Terraform's own (its rusage less the provider's).")
	fmt.Fprintln(w, "The rest of the wall time is waiting: on the emulator's latency (the lower bound) and on Terraform's graph walk.")
	fmt.Fprintln(w, "\nRequests by route (IDs replaced by {id}, per tenant):")
	for _, r := range rows {
		fmt.Fprintf(w, "\n%d tenants, %s:\n", r.N, r.Step)
		byRoute := map[string]int{}
		for p, c := range r.Counters.ByPath {
			byRoute[guid.ReplaceAllString(p, "{id}")] += c
		}
		routes := make([]string, 0, len(byRoute))
		for p := range byRoute {
			routes = append(routes, p)
		}
		sort.Slice(routes, func(i, j int) bool { return byRoute[routes[i]] > byRoute[routes[j]] })
		for _, p := range routes {
			fmt.Fprintf(w, "    %8.2f  %s\n", float64(byRoute[p])/float64(r.N), p)
		}
	}
}

var guid = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(-[0-9a-fA-F-]{36})?|customer\d+\.onmicrosoft\.com`)

func mib(b int64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}
