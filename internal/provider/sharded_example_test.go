package provider_test

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
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
// and plan no change on a second run. The Terraform CLI runs through
// acctest.CLI, one directory per root: terraform-plugin-testing cannot read
// for_each instances' state.
func TestAccExample_mspSharded(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (runs the Terraform CLI)")
	}
	srv := acctest.Emulator(t)
	srv.SetThrottling(true)
	t.Cleanup(func() { srv.SetThrottling(false) })

	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_PARTNER_REFRESH_TOKEN", rt)
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
	csvFile := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(csvFile, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// The example as it is, run by the Terraform CLI with the provider
	// served from this process, each root in its own directory and state.
	example := func(src string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "msp-sharded", src, "main.tf"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	must := func(c *acctest.CLI, args ...string) string {
		t.Helper()
		out, code := c.Run(args...)
		if code != 0 {
			t.Fatalf("terraform %s in %s: exit %d\n%s", strings.Join(args, " "), filepath.Base(c.Dir), code, out)
		}
		return out
	}
	destroyAtEnd := func(c *acctest.CLI) {
		t.Cleanup(func() { c.Run("destroy", "-auto-approve", "-input=false", "-no-color") })
	}
	owner := acctest.NewCLI(t, map[string]string{
		"main.tf": strings.Replace(example("owner"), `"Qezaro Orbit"`, fmt.Sprintf("%q", acctest.Name(t, "sharded")), 1),
	})
	destroyAtEnd(owner)
	must(owner, "apply", "-auto-approve", "-input=false", "-no-color")
	clientID := strings.TrimSpace(must(owner, "output", "-raw", "client_id"))
	secret := strings.TrimSpace(must(owner, "output", "-raw", "client_secret"))

	// Both shards at once, each its own root and state.
	shards := make([]*acctest.CLI, 2)
	for i := range shards {
		shards[i] = acctest.NewCLI(t, map[string]string{
			"main.tf": example("shard"),
			"terraform.tfvars.json": fmt.Sprintf(`{"shard_index": %d, "shard_count": 2, "customers_csv": %q, "client_id": %q, "client_secret": %q}`,
				i, csvFile, clientID, secret),
		})
		destroyAtEnd(shards[i])
	}
	var wg sync.WaitGroup
	outs := make([]string, 2)
	codes := make([]int, 2)
	for i, shard := range shards {
		wg.Go(func() { outs[i], codes[i] = shard.Run("apply", "-auto-approve", "-input=false", "-no-color") })
	}
	wg.Wait()
	for i, shard := range shards {
		if codes[i] != 0 {
			t.Fatalf("shard %d apply: exit %d\n%s", i, codes[i], outs[i])
		}
		var got []string
		if err := json.Unmarshal([]byte(must(shard, "output", "-json", "customers")), &got); err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != strings.Join(names[i], ",") {
			t.Errorf("shard %d manages %v, want %v", i, got, names[i])
		}
		// Consent granted and Business Central authorized everywhere.
		if pending := strings.TrimSpace(must(shard, "output", "-json", "pending_consent")); pending != "{}" {
			t.Errorf("shard %d: pending consent %s", i, pending)
		}
		state := must(shard, "state", "list")
		for _, n := range names[i] {
			for _, addr := range []string{fmt.Sprintf("onboard_customer_tenant.customer[%q]", n), fmt.Sprintf("onboard_bc_authorized_app.customer[%q]", n)} {
				if !strings.Contains(state, addr) {
					t.Errorf("shard %d state lacks %s:\n%s", i, addr, state)
				}
			}
		}
		// A second run plans no change.
		if out, code := shard.Run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
			t.Errorf("shard %d second plan: exit %d\n%s", i, code, out)
		}
	}
	if st := srv.ThrottleState(); !st.Enabled {
		t.Fatalf("throttling was turned off: %+v", st)
	}
}
