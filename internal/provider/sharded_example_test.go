package provider_test

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// examples/msp-sharded, unchanged, with two shards against the emulator
// with Microsoft's throttling limits on: the owner configuration creates the
// app and its secret, then both shards at once (each its own root and
// state) onboard their half of the customers, split by the hash of the
// tenant ID, consent granted and Business Central authorized through GDAP,
// and plan no change on a second run. The Terraform CLI runs directly:
// terraform-plugin-testing cannot read for_each instances' state.
func TestAccExample_mspSharded(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	srv := acctest.Emulator(t)
	srv.SetThrottling(true)
	t.Cleanup(func() { srv.SetThrottling(false) })

	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_PARTNER_REFRESH_TOKEN", rt)
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("companyname,TenantId,AdminEmail,CategoryName\n")
	var names [2][]string
	for i := range 6 {
		id := fmt.Sprintf("5ad5ad00-0000-4000-8000-%012d", i)
		domain := fmt.Sprintf("sharded%d.onmicrosoft.com", i)
		name := fmt.Sprintf("Sharded %d", i)
		if err := srv.SeedTenant(emulator.TenantSeed{ID: id, DisplayName: name, Domains: []string{domain},
			Users: []emulator.UserSeed{{UPN: "admin@" + domain, Roles: []string{"Global Administrator"}}}}); err != nil {
			t.Fatal(err)
		}
		// The partner admin holds Global Administrator through GDAP: apply
		// grants consent and authorizes the app in Business Central.
		if err := srv.AddGDAPRelationship(emulator.DefaultHomeTenantID, emulator.GDAPSeed{CustomerTenantID: id, CustomerName: name,
			Roles: []string{"Global Administrator"}, Members: []string{emulator.DefaultPartnerAdminUPN}}); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&csv, "%s,%s,admin@%s,Gold\n", name, id, domain)
		// The example's rule: parseint(substr(sha1(lower(id)), 0, 4), 16) % 2.
		sum := sha1.Sum([]byte(strings.ToLower(id)))
		h, _ := strconv.ParseInt(hex.EncodeToString(sum[:])[:4], 16, 64)
		names[h%2] = append(names[h%2], name)
	}
	if len(names[0]) == 0 || len(names[1]) == 0 {
		t.Fatalf("pick tenant IDs that fill both shards: %v", names)
	}
	csvFile := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(csvFile, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// The example as it is, run by the Terraform CLI with the provider
	// served from this process, each root in its own directory and state.
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		tf = "terraform"
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	root := func(name string) string {
		d := filepath.Join(dir, name)
		src := "shard"
		if name == "owner" {
			src = "owner"
		}
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "msp-sharded", src, "main.tf"))
		if err != nil {
			t.Fatal(err)
		}
		if name == "owner" {
			b = []byte(strings.Replace(string(b), `"Qezaro Orbit"`, fmt.Sprintf("%q", acctest.Name(t, "sharded")), 1))
		}
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "main.tf"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		return d
	}
	run := func(d, reattach string, args ...string) (string, int) {
		cmd := exec.Command(tf, append([]string{"-chdir=" + d}, args...)...)
		cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+reattach, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		out, err := cmd.CombinedOutput()
		code := 0
		if err != nil {
			code = -1
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			}
		}
		return string(out), code
	}
	must := func(d, reattach string, args ...string) string {
		out, code := run(d, reattach, args...)
		if code != 0 {
			t.Fatalf("terraform %s in %s: exit %d\n%s", strings.Join(args, " "), filepath.Base(d), code, out)
		}
		return out
	}
	owner, ownerServer := root("owner"), acctest.Reattach(t)
	must(owner, ownerServer, "init", "-input=false", "-no-color")
	t.Cleanup(func() { run(owner, ownerServer, "destroy", "-auto-approve", "-input=false", "-no-color") })
	must(owner, ownerServer, "apply", "-auto-approve", "-input=false", "-no-color")
	clientID := strings.TrimSpace(must(owner, ownerServer, "output", "-raw", "client_id"))
	secret := strings.TrimSpace(must(owner, ownerServer, "output", "-raw", "client_secret"))

	// Both shards at once, each with its own provider server and state.
	var wg sync.WaitGroup
	outs := make([]string, 2)
	codes := make([]int, 2)
	shards := make([]string, 2)
	servers := make([]string, 2)
	for i := range 2 {
		shards[i], servers[i] = root(fmt.Sprint("shard", i)), acctest.Reattach(t)
		vars := fmt.Sprintf(`{"shard_index": %d, "shard_count": 2, "customers_csv": %q, "client_id": %q, "client_secret": %q}`, i, csvFile, clientID, secret)
		if err := os.WriteFile(filepath.Join(shards[i], "terraform.tfvars.json"), []byte(vars), 0o600); err != nil {
			t.Fatal(err)
		}
		must(shards[i], servers[i], "init", "-input=false", "-no-color")
		t.Cleanup(func() { run(shards[i], servers[i], "destroy", "-auto-approve", "-input=false", "-no-color") })
	}
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], codes[i] = run(shards[i], servers[i], "apply", "-auto-approve", "-input=false", "-no-color")
		}()
	}
	wg.Wait()
	for i := range 2 {
		if codes[i] != 0 {
			t.Fatalf("shard %d apply: exit %d\n%s", i, codes[i], outs[i])
		}
		var got []string
		if err := json.Unmarshal([]byte(must(shards[i], servers[i], "output", "-json", "customers")), &got); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != strings.Join(names[i], ",") {
			t.Errorf("shard %d manages %v, want %v", i, got, names[i])
		}
		// Consent granted and Business Central authorized everywhere.
		if pending := strings.TrimSpace(must(shards[i], servers[i], "output", "-json", "pending_consent")); pending != "{}" {
			t.Errorf("shard %d: pending consent %s", i, pending)
		}
		state := must(shards[i], servers[i], "state", "list")
		for _, n := range names[i] {
			for _, addr := range []string{fmt.Sprintf("onboard_customer_tenant.customer[%q]", n), fmt.Sprintf("onboard_bc_authorized_app.customer[%q]", n)} {
				if !strings.Contains(state, addr) {
					t.Errorf("shard %d state lacks %s:\n%s", i, addr, state)
				}
			}
		}
		// A second run plans no change.
		if out, code := run(shards[i], servers[i], "plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
			t.Errorf("shard %d second plan: exit %d\n%s", i, code, out)
		}
	}
	if st := srv.ThrottleState(); !st.Enabled {
		t.Fatalf("throttling was turned off: %+v", st)
	}
}
