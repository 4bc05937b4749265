package provider_test

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// mspConfig is examples/msp-multitenant without its partner parts (the
// tests' provider has no partner credential): the app, its rotating secret,
// a Graph permission, one onboard_customer_tenant per customer (name →
// tenant ID) and, taken verbatim from the example, the sync and its check
// blocks, so the tests prove the wiring the example recommends.
func mspConfig(t *testing.T, displayName string, customers map[string]string) string {
	t.Helper()
	example, err := os.ReadFile("../../examples/msp-multitenant/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	sync := string(example)
	i := strings.Index(sync, "# Step 5 of the guide")
	if i < 0 {
		t.Fatal("examples/msp-multitenant/main.tf has no \"# Step 5 of the guide\" part")
	}
	names := make([]string, 0, len(customers))
	for name := range customers {
		names = append(names, name)
	}
	sort.Strings(names)
	var rows strings.Builder
	for _, name := range names {
		fmt.Fprintf(&rows, "    %q = { TenantId = %q }\n", name, customers[name])
	}
	return fmt.Sprintf(`
terraform {
  required_providers {
    onboard = { source = "onboard-tf/onboard" }
  }
}
provider "onboard" {}

locals {
  secret_rotate_before = "720h"
  customers = {
%s  }
}

resource "onboard_entra_app" "orbit" {
  display_name     = %q
  sign_in_audience = "AzureADMultipleOrgs"
}

resource "onboard_client_secret" "orbit" {
  application_id = onboard_entra_app.orbit.id
  display_name   = "orbit"
  lifetime       = "2160h"
  rotate_before  = local.secret_rotate_before
  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}

resource "onboard_customer_tenant" "customer" {
  for_each      = local.customers
  client_id     = onboard_entra_app.orbit.client_id
  client_secret = onboard_client_secret.orbit.value
  tenant        = each.value.TenantId
  company_name  = each.key
  depends_on    = [onboard_api_permission.graph]
}

output "client_id" {
  value = onboard_entra_app.orbit.client_id
}

output "consent_urls" {
  value = { for name, c in onboard_customer_tenant.customer : name => c.consent_url }
}

`, rows.String(), displayName) + sync[i:]
}

// planExit runs plan -detailed-exitcode and fails unless it exits want.
func planExit(t *testing.T, c *acctest.CLI, situation string, want int) string {
	t.Helper()
	out, code := c.Run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if code != want {
		t.Fatalf("%s: plan -detailed-exitcode exited %d, want %d:\n%s", situation, code, want, out)
	}
	return out
}

func mustApply(t *testing.T, c *acctest.CLI) string {
	t.Helper()
	out, code := c.Run("apply", "-auto-approve", "-input=false", "-no-color")
	if code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out)
	}
	return out
}

// expectIn and expectNotIn compare with runs of white space as one space:
// Terraform wraps a diagnostic's detail at 78 columns.
func expectIn(t *testing.T, situation, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(oneLine(out), oneLine(w)) {
			t.Errorf("%s: output lacks %q:\n%s", situation, w, out)
		}
	}
}

func expectNotIn(t *testing.T, situation, out string, deny ...string) {
	t.Helper()
	for _, d := range deny {
		if strings.Contains(oneLine(out), oneLine(d)) {
			t.Errorf("%s: output has %q:\n%s", situation, d, out)
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var warningLine = regexp.MustCompile(`(?m)^Warning: `)

// The exit codes the drift guide documents, each situation in turn, with the
// real CLI: 2 while apply would change something or a person has to act, 0
// otherwise; and every check block evaluated at plan.
func TestAccDrift_exitCodes(t *testing.T) {
	srv := acctest.Emulator(t)
	acctest.PreCheck(t)
	name := acctest.Name(t, "orbit")
	c := acctest.NewCLI(t, map[string]string{"main.tf": mspConfig(t, name, map[string]string{
		"Fabrikam": emulator.FabrikamTenantID, "Northwind Traders": emulator.NorthwindTenantID})})

	planExit(t, c, "fresh", 2)
	applied := mustApply(t, c)
	// Two customers to consent: one warning, Terraform folds the second in.
	expectIn(t, "first apply", applied, "Warning: Admin consent needed", "(and one more similar warning elsewhere)")
	clientID, code := c.Run("output", "-raw", "client_id")
	if code != 0 {
		t.Fatalf("terraform output: %s", clientID)
	}

	out := planExit(t, c, "pending", 2)
	expectIn(t, "pending", out, "Warning: Check block assertion failed",
		"2 customer(s) still have to consent: Fabrikam, Northwind Traders. Send each administrator its URL")
	expectNotIn(t, "pending", out, "Check block assertion known after apply", "will be read during apply")

	for tenant, upn := range map[string]string{emulator.FabrikamTenantID: "admin@fabrikam.onmicrosoft.com", emulator.NorthwindTenantID: "admin@northwind.onmicrosoft.com"} {
		if err := srv.Consent(tenant, clientID, upn); err != nil {
			t.Fatal(err)
		}
	}
	out = planExit(t, c, "all consented", 0)
	expectNotIn(t, "all consented", out, "Warning:", "Changes to Outputs")

	if err := srv.Revoke(emulator.NorthwindTenantID, clientID); err != nil {
		t.Fatal(err)
	}
	out = planExit(t, c, "revoked", 2)
	expectIn(t, "revoked", out, "Consent was taken back in 1 customer(s): Northwind Traders.")
	if err := srv.Consent(emulator.NorthwindTenantID, clientID, "admin@northwind.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	planExit(t, c, "consented again", 0)

	// Fabrikam's login answers 500 to every token request: unreachable,
	// named with the cause, never counted as pending, and the plan of the
	// other customers goes on (an update reads it again: exit 2).
	if err := srv.InjectFault(emulator.Fault{Service: "login", Path: "^/" + emulator.FabrikamTenantID + "/oauth2/v2.0/token$", Status: 500}); err != nil {
		t.Fatal(err)
	}
	out = planExit(t, c, "unreachable", 2)
	expectIn(t, "unreachable", out, "1 customer(s) cannot be read: Fabrikam.", "Warning: Consent could not be read")
	expectNotIn(t, "unreachable", out, "still have to consent", "Error:")
	srv.ClearFaults()

	// Into rotate_before (29 of 90 days left): plan replaces the secret;
	// the secret check, read without the secret, is evaluated and passes
	// (14 days of warning).
	srv.Advance(61 * 24 * time.Hour)
	out = planExit(t, c, "rotation due", 2)
	expectIn(t, "rotation due", out, "onboard_client_secret.orbit will be updated in-place", "Warning: Client secret will be rotated")
	expectNotIn(t, "rotation due", out, "Check block assertion failed", `check "secret_not_expiring"`)
	// Nobody applied for 17 more days: the check fails at plan, naming
	// the secret, its end and when apply should have replaced it.
	srv.Advance(17 * 24 * time.Hour)
	out = planExit(t, c, "expiring", 2)
	expectIn(t, "expiring", out, "Warning: Check block assertion failed", `Client secret "orbit" (key`, "of Qezaro Orbit ends 20",
		"terraform apply should have replaced it from 20")
	// The apply that rotates it; then the next plan is clean: no expiry
	// warning for the secret it replaced.
	mustApply(t, c)
	out = planExit(t, c, "rotated", 0)
	// The previous secret, kept a week beside the new one, is managed.
	expectNotIn(t, "rotated", out, "Warning:")

	// A secret added in the portal (or left by `terraform state rm`): one
	// warning at plan naming it, with how to remove or adopt it; nothing
	// for apply to do.
	apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
	if len(apps) != 1 {
		t.Fatalf("want one app named %q, got %d", name, len(apps))
	}
	stray, _, err := srv.AddSecret(emulator.DefaultHomeTenantID, apps[0].ID, "portal", srv.Now().Add(365*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	out = planExit(t, c, "secret added out of band", 0)
	expectIn(t, "secret added out of band", out, "Warning: 1 client secret(s) of app "+clientID+" are not managed by this configuration",
		"key ID "+stray+`, display name "portal"`, "az ad app credential delete --id "+apps[0].ID+" --key-id "+stray, `id = "`+apps[0].ID+"/"+stray+`"`)
	if got := len(warningLine.FindAllString(out, -1)); got != 1 {
		t.Errorf("secret added out of band: %d warnings, want 1:\n%s", got, out)
	}
}

// Warnings scale: 40 customers waiting for consent make a few warnings, not
// one or two per customer, and the check names them with a count.
func TestAccDrift_warningsScale(t *testing.T) {
	srv := acctest.Emulator(t)
	acctest.PreCheck(t)
	const n = 40
	customers := map[string]string{}
	for i := range n {
		id := fmt.Sprintf("d7d7d7d7-0000-4000-8000-%012d", i)
		domain := fmt.Sprintf("driftscale%d.onmicrosoft.com", i)
		if err := srv.SeedTenant(emulator.TenantSeed{ID: id, DisplayName: fmt.Sprint("Scale ", i), Domains: []string{domain}}); err != nil {
			t.Fatal(err)
		}
		customers[fmt.Sprintf("Customer %02d", i)] = id
	}
	c := acctest.NewCLI(t, map[string]string{"main.tf": mspConfig(t, acctest.Name(t, "orbit"), customers)})
	applied := mustApply(t, c)
	if got := len(warningLine.FindAllString(applied, -1)); got > 3 {
		t.Errorf("apply printed %d warnings for %d customers, want at most 3:\n%s", got, n, applied)
	}
	expectIn(t, "apply", applied, "Warning: Admin consent needed", "(and 39 more similar warnings elsewhere)")
	out := planExit(t, c, "40 pending", 2)
	if got := len(warningLine.FindAllString(out, -1)); got > 3 {
		t.Errorf("plan printed %d warnings for %d customers, want at most 3:\n%s", got, n, out)
	}
	expectIn(t, "40 pending", out, "40 customer(s) still have to consent: Customer 00, Customer 01,", "Customer 29 and 10 more.")
	if doubled := regexp.MustCompile(`[^.]\.\.[^.]`).FindString(applied + out); doubled != "" {
		t.Errorf("a doubled full stop: %q", doubled)
	}
}
