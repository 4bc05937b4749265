// Command bench measures the provider at scale (make bench): the seed 000
// scenario (examples/msp-multitenant: one multi-tenant app, its secret and
// permissions, every customer from a CSV, Business Central authorization
// through GDAP) over N customer tenants of the emulator, with a fixed latency
// on every request, driven by the real Terraform CLI.
//
// For each N it times a first apply, a no-change plan (full refresh), a plan
// after consent was revoked in 1% of the tenants, and onboard_sync over all
// tenants; it counts the requests each made (from the emulator), samples the
// provider process's peak RSS and compares the wall time with the lower
// bound requests x latency / parallelism.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
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
}

func main() {
	sizes := flag.String("tenants", "100,500,1000", "customer tenant counts, comma separated")
	latency := flag.Duration("latency", 50*time.Millisecond, "latency the emulator adds to every request")
	parallelism := flag.Int("parallelism", 10, "terraform -parallelism")
	syncPar := flag.Int("sync-parallel", 8, "onboard_sync max_parallel")
	out := flag.String("out", "bench-results.md", "write the table to this file as well")
	tf := flag.String("terraform", "", "Terraform CLI (default: scripts/terraform-path.sh)")
	provider := flag.String("provider", "", "directory with a built terraform-provider-onboard")
	work := flag.String("work", "", "working directory (default: a temporary one, removed at the end)")
	flag.Parse()
	log.SetFlags(0)

	repo, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	cfg := config{repo: repo, terraform: *tf, provider: *provider, latency: *latency, parallelism: *parallelism, syncPar: *syncPar, work: *work}
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
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			log.Fatalf("bench: bad tenant count %q", s)
		}
		r, err := runSize(cfg, n)
		rows = append(rows, r...)
		if err != nil {
			printTable(os.Stdout, cfg, rows)
			log.Fatalf("bench: %d tenants: %v", n, err)
		}
	}
	var b bytes.Buffer
	printTable(&b, cfg, rows)
	os.Stdout.Write(b.Bytes())
	if *out != "" {
		if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("table written to %s", *out)
	}
}

func runSize(cfg config, n int) ([]row, error) {
	log.Printf("== %d customer tenants", n)
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	dir := filepath.Join(cfg.work, fmt.Sprint(n))
	applyDir, syncDir := filepath.Join(dir, "onboard"), filepath.Join(dir, "sync")
	for _, d := range []string{applyDir, syncDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := srv.WriteCAFile(filepath.Join(dir, "ca.pem")); err != nil {
		return nil, err
	}
	tenants, err := seedCustomers(srv, n)
	if err != nil {
		return nil, err
	}
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "ONBOARD_PARTNER_REFRESH_TOKEN="+rt,
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraformrc"))
	for k, v := range srv.Env() {
		env = append(env, k+"="+v)
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/onboard-tf/onboard\" = %q\n  }\n  direct {}\n}\n", cfg.provider)
	if err := os.WriteFile(filepath.Join(dir, "terraformrc"), []byte(rc), 0o644); err != nil {
		return nil, err
	}
	if err := writeScenario(cfg.repo, applyDir, tenants); err != nil {
		return nil, err
	}
	if err := srv.InjectFault(emulator.Fault{Latency: cfg.latency}); err != nil {
		return nil, err
	}
	tf := func(d string, args ...string) (time.Duration, int64, int, string, error) {
		return runTerraform(cfg.terraform, d, env, args...)
	}
	par := fmt.Sprintf("-parallelism=%d", cfg.parallelism)
	var rows []row
	step := func(name, d string, parallel int, want int, args ...string) error {
		srv.ResetCounters()
		wall, rss, code, output, err := tf(d, args...)
		r := row{N: n, Step: name, Wall: wall, Counters: srv.Counters(), PeakRSS: rss, Parallel: parallel, Latency: cfg.latency}
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
	if err := step("no-change plan", applyDir, cfg.parallelism, 0, "plan", "-detailed-exitcode", "-input=false", "-no-color", par); err != nil {
		return rows, err
	}
	out, err := outputs(cfg.terraform, applyDir, env)
	if err != nil {
		return rows, err
	}
	revoked := (n + 99) / 100
	for _, t := range tenants[:revoked] {
		if err := srv.Revoke(t.id, out.ClientID); err != nil {
			return rows, fmt.Errorf("revoking consent in %s: %w", t.id, err)
		}
	}
	if err := step(fmt.Sprintf("plan, %d revoked", revoked), applyDir, cfg.parallelism, 2, "plan", "-detailed-exitcode", "-input=false", "-no-color", par); err != nil {
		return rows, err
	}
	vars, _ := json.Marshal(map[string]any{"client_id": out.ClientID, "client_secret": out.ClientSecret, "tenants": out.TenantIDs, "max_parallel": cfg.syncPar})
	if err := os.WriteFile(filepath.Join(syncDir, "terraform.tfvars.json"), vars, 0o600); err != nil {
		return rows, err
	}
	if err := os.WriteFile(filepath.Join(syncDir, "main.tf"), []byte(syncConfig), 0o644); err != nil {
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
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"companyname", "TenantId", "AdminEmail", "CategoryName"})
	for i, c := range cs {
		tenant := c.id
		if i%2 == 1 { // half by domain, as spreadsheets have both
			tenant = c.domain
		}
		_ = w.Write([]string{c.name, tenant, "admin@" + c.domain, "Bench; Scale"})
	}
	w.Flush()
	return os.WriteFile(filepath.Join(dir, "customers.csv"), b.Bytes(), 0o644)
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

// runTerraform runs one command and samples the peak RSS (VmHWM) of the
// provider processes Terraform starts.
func runTerraform(terraform, dir string, env []string, args ...string) (time.Duration, int64, int, string, error) {
	cmd := exec.Command(terraform, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, -1, "", err
	}
	ctx, cancel := context.WithCancel(context.Background())
	var peak int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if v := providerHWM(cmd.Process.Pid); v > peak {
				peak = v
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	cancel()
	wg.Wait()
	code := cmd.ProcessState.ExitCode()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = nil // the caller judges the exit code
	}
	return wall, peak, code, out.String(), err
}

// providerHWM returns the largest VmHWM among the children of pid that are
// the provider.
func providerHWM(pid int) int64 {
	entries, _ := os.ReadDir("/proc")
	var peak int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
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
		if ppid == pid && strings.HasPrefix(name, "terraform-provi") && hwm > peak {
			peak = hwm
		}
	}
	return peak
}

func printTable(w io.Writer, cfg config, rows []row) {
	fmt.Fprintf(w, "\nonboard provider benchmark: seed 000 scenario (examples/msp-multitenant), %s latency per request, terraform -parallelism=%d, onboard_sync max_parallel=%d\n\n",
		cfg.latency, cfg.parallelism, cfg.syncPar)
	fmt.Fprintln(w, "| tenants | step | wall | requests | per tenant: all | token | Graph | BC | provider peak RSS | lower bound | wall / bound |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		n := float64(r.N)
		bound := time.Duration(float64(r.Counters.Total) * float64(r.Latency) / float64(r.Parallel))
		ratio := "-"
		if bound > 0 {
			ratio = fmt.Sprintf("%.2f", float64(r.Wall)/float64(bound))
		}
		step := r.Step
		if r.ExitDetail != "" {
			step += " (" + r.ExitDetail + ")"
		}
		fmt.Fprintf(w, "| %d | %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %s | %s | %s |\n", r.N, step, r.Wall.Round(100*time.Millisecond), r.Counters.Total,
			float64(r.Counters.Total)/n, float64(r.Counters.Tokens)/n, float64(r.Counters.ByService["graph"])/n, float64(r.Counters.ByService["bc"])/n,
			mib(r.PeakRSS), bound.Round(100*time.Millisecond), ratio)
	}
	fmt.Fprintln(w, "\nlower bound = requests x latency / parallelism (terraform -parallelism for apply and plan, max_parallel for onboard_sync).")
	fmt.Fprintln(w, "token = requests to /oauth2/v2.0/token; login requests also include OpenID configuration discovery.")
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
