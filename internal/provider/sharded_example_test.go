package provider_test

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// examples/msp-sharded with two shards, against the emulator with
// Microsoft's throttling limits on: the owner configuration creates the app
// and its secret, then each shard (the example's shard root, with its own
// state) onboards its half of the customers, split by the hash of the
// tenant ID, and plans no change on a second run.
func TestAccExample_mspSharded(t *testing.T) {
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
	var want [2][]knownvalue.Check
	for i, ns := range names {
		for _, n := range ns {
			want[i] = append(want[i], knownvalue.StringExact(n))
		}
	}
	csvFile := filepath.Join(dir, "customers.csv")
	if err := os.WriteFile(csvFile, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// The test serves the provider as hashicorp/onboard.
	local := func(path string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "msp-sharded", path))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Replace(string(b), `source = "onboard-tf/onboard"`, `source = "hashicorp/onboard"`, 1)
	}
	if err := os.MkdirAll(filepath.Join(dir, "shard"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "shard", "main.tf"), []byte(local("shard/main.tf")), 0o600); err != nil {
		t.Fatal(err)
	}
	owner := strings.Replace(local("owner/main.tf"), `display_name      = "Qezaro Orbit"`, fmt.Sprintf("display_name      = %q", acctest.Name(t, "sharded")), 1)
	tenantOf := func(name string) string {
		return fmt.Sprintf("5ad5ad00-0000-4000-8000-%012s", strings.TrimPrefix(name, "Sharded "))
	}
	// Each shard is its own root configuration with its own state, applied
	// while the owner's app exists: a test of its own inside the owner's.
	shard := func(i int, clientID, secret string) func(*testing.T) {
		return func(t *testing.T) {
			customer := func(name string) string { return fmt.Sprintf("onboard_customer_tenant.customer[%q]", name) }
			vars := config.Variables{"shard_index": config.IntegerVariable(i), "shard_count": config.IntegerVariable(2),
				"customers_csv": config.StringVariable(csvFile), "client_id": config.StringVariable(clientID), "client_secret": config.StringVariable(secret)}
			// The shard's terraform block names the provider: the factories
			// go with the steps.
			resource.Test(t, resource.TestCase{
				PreCheck: func() { acctest.PreCheck(t) },
				Steps: []resource.TestStep{
					{
						ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
						ConfigDirectory:          config.StaticDirectory(filepath.Join(dir, "shard")),
						ConfigVariables:          vars,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownOutputValue("customers", knownvalue.ListExact(want[i])),
							statecheck.ExpectKnownValue(customer(names[i][0]), tfjsonpath.New("tenant_id"), knownvalue.StringExact(tenantOf(names[i][0]))),
							statecheck.ExpectKnownValue(customer(names[i][0]), tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
							statecheck.ExpectKnownValue(fmt.Sprintf("onboard_bc_authorized_app.customer[%q]", names[i][0]), tfjsonpath.New("tenant_id"), knownvalue.StringExact(tenantOf(names[i][0]))),
						},
					},
					{
						ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
						ConfigDirectory:          config.StaticDirectory(filepath.Join(dir, "shard")),
						ConfigVariables:          vars,
						ConfigPlanChecks:         resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: owner,
			Check: func(s *terraform.State) error {
				app := s.RootModule().Resources["onboard_entra_app.orbit"].Primary.Attributes
				secret := s.RootModule().Resources["onboard_client_secret.orbit"].Primary.Attributes["value"]
				for i := range 2 {
					if !t.Run(fmt.Sprintf("shard%d", i), shard(i, app["client_id"], secret)) {
						return fmt.Errorf("shard %d of 2 failed", i)
					}
				}
				return nil
			},
		}},
	})
}
