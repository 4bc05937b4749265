package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// Seed 000's spreadsheet: 50 customers (by tenant ID or by domain, with
// categories) onboarded in one apply while the token endpoint and Graph
// throttle; every customer lands once, none is lost or duplicated.
func TestAccCustomerTenant_fiftyFromCSVUnderThrottling(t *testing.T) {
	srv := acctest.Emulator(t)
	const n = 50
	var csv strings.Builder
	csv.WriteString("companyname,TenantId,AdminEmail,CategoryName\n")
	ids := map[string]bool{}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("c5c5c5c5-0000-4000-8000-%012d", i)
		domain := fmt.Sprintf("bulkcsv%d.onmicrosoft.com", i)
		ids[id] = true
		if err := srv.SeedTenant(emulator.TenantSeed{ID: id, DisplayName: fmt.Sprint("Customer ", i), Domains: []string{domain},
			Users: []emulator.UserSeed{{UPN: "admin@" + domain, Roles: []string{"Global Administrator"}}}}); err != nil {
			t.Fatal(err)
		}
		tenant := id
		if i%2 == 1 {
			tenant = domain
		}
		fmt.Fprintf(&csv, "Customer %d,%s,admin@%s,Gold;EU\n", i, tenant, domain)
	}
	file := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	name := acctest.Name(t, "bulk")
	config := fmt.Sprintf(`
locals {
  customers = csvdecode(file(%q))
}
resource "onboard_entra_app" "app" {
  display_name      = %q
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://orbit.qezaro.com/reseller"]
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}
resource "onboard_customer_tenant" "customer" {
  count         = length(local.customers)
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = local.customers[count.index].TenantId
  company_name  = local.customers[count.index].companyname
  admin_email   = local.customers[count.index].AdminEmail
  categories    = split(";", local.customers[count.index].CategoryName)
  depends_on    = [onboard_api_permission.graph]
}
`, file, name)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				for _, f := range []emulator.Fault{
					{Service: "login", Path: `/oauth2/v2.0/token$`, Status: 429, RetryAfter: 1, Count: 4},
					{Service: "graph", Path: `findTenantInformation`, Status: 429, RetryAfter: 1, Count: 5},
					{Service: "graph", Method: "GET", Path: `^/v1.0/applications`, Status: 503, Count: 3},
				} {
					if err := srv.InjectFault(f); err != nil {
						t.Fatal(err)
					}
				}
			},
			Config:             config,
			ExpectNonEmptyPlan: true, // every customer still has to consent
			Check: func(s *terraform.State) error {
				seen := map[string]bool{}
				for i := 0; i < n; i++ {
					a := s.RootModule().Resources[fmt.Sprintf("onboard_customer_tenant.customer.%d", i)].Primary.Attributes
					if a["consent_state"] != "pending" || a["company_name"] != fmt.Sprint("Customer ", i) || a["categories.#"] != "2" {
						return fmt.Errorf("customer %d: %v", i, a)
					}
					seen[a["tenant_id"]] = true
				}
				for id := range ids {
					if !seen[id] {
						return fmt.Errorf("tenant %s missing from state", id)
					}
				}
				if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name); len(apps) != 1 || len(apps[0].Secrets) != 1 {
					return fmt.Errorf("want one app with one secret: %+v", apps)
				}
				return nil
			},
		}},
	})
}
