package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func bcAppConfig(name, tenant string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name     = %q
  sign_in_audience = "AzureADMultipleOrgs"
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["AdminCenter.ReadWrite.All"]
}
resource "onboard_customer_tenant" "c" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = %q
  depends_on    = [onboard_api_permission.bc]
}
resource "onboard_bc_authorized_app" "c" {
  tenant_id = onboard_customer_tenant.c.tenant_id
  client_id = onboard_entra_app.app.client_id
}
`, name, tenant)
}

// Seed 000 step 3 without the admin center UI: the partner admin (Dynamics
// 365 Administrator through GDAP) authorizes the app; removal in the admin
// center is drift that the next apply repairs.
func TestAccBCAuthorizedApp_partnerAuthorizes(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	config := bcAppConfig(acctest.Name(t, "bc"), emulator.FabrikamTenantID)
	const noEnvTenant = "a0a0a0a0-0000-4000-8000-00000000e0e0"
	var clientID string
	authorized := func() bool {
		apps, err := srv.BCAuthorizedApps(emulator.FabrikamTenantID)
		return err == nil && slices.ContainsFunc(apps, func(a string) bool { return strings.EqualFold(a, clientID) })
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.c", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("onboard_bc_authorized_app.c", tfjsonpath.New("admin_consent_granted"), knownvalue.Bool(true)),
				},
				Check: func(s *terraform.State) error {
					clientID = s.RootModule().Resources["onboard_entra_app.app"].Primary.Attributes["client_id"]
					if !authorized() {
						return fmt.Errorf("app %s is not authorized in Fabrikam's admin center", clientID)
					}
					return nil
				},
			},
			{Config: config, PlanOnly: true},
			{
				// Sync reports Business Central per tenant: authorized with its
				// environments in Fabrikam; consented but not authorized in
				// Northwind; authorized in a tenant that has no environment yet.
				PreConfig: func() {
					if err := srv.SeedTenant(emulator.TenantSeed{ID: noEnvTenant, DisplayName: "Contoso Retail", Domains: []string{"contosoretail.onmicrosoft.com"},
						Users: []emulator.UserSeed{{UPN: "admin@contosoretail.onmicrosoft.com", Roles: []string{"Global Administrator"}}}}); err != nil {
						t.Fatal(err)
					}
					if err := srv.Consent(noEnvTenant, clientID, ""); err != nil {
						t.Fatal(err)
					}
					if err := srv.AuthorizeBCApp(noEnvTenant, clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config + fmt.Sprintf(`
resource "onboard_customer_tenant" "northwind" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = %q
  depends_on    = [onboard_api_permission.bc]
}
data "onboard_sync" "all" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenants       = [onboard_customer_tenant.c.tenant_id, onboard_customer_tenant.northwind.tenant_id, %q]
}
`, emulator.NorthwindTenantID, noEnvTenant),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.FabrikamTenantID).AtMapKey("bc_authorized"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.FabrikamTenantID).AtMapKey("bc_consented"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.FabrikamTenantID).AtMapKey("bc_environments"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Production"), "type": knownvalue.StringExact("Production"),
							"country_code": knownvalue.StringExact("US"), "version": knownvalue.StringExact("27.0"), "status": knownvalue.StringExact("Active")}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Sandbox"), "type": knownvalue.StringExact("Sandbox"),
							"country_code": knownvalue.StringExact("US"), "version": knownvalue.StringExact("27.1"), "status": knownvalue.StringExact("Active")}),
					})),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.NorthwindTenantID).AtMapKey("bc_consented"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.NorthwindTenantID).AtMapKey("bc_authorized"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.NorthwindTenantID).AtMapKey("bc_environments"), knownvalue.ListExact(nil)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(noEnvTenant).AtMapKey("bc_authorized"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(noEnvTenant).AtMapKey("bc_environments"), knownvalue.ListExact(nil)),
				},
			},
			{
				PreConfig: func() {
					if err := srv.RemoveBCAuthorizedApp(emulator.FabrikamTenantID, clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_bc_authorized_app.c", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if !authorized() {
						return fmt.Errorf("not authorized again after the drift")
					}
					return nil
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if authorized() {
				return fmt.Errorf("still authorized after destroy")
			}
			return nil
		},
	})
}

func TestAccBCAuthorizedApp_needsDelegatedAdmin(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "onboard_bc_authorized_app" "x" {
  tenant_id = "` + emulator.FabrikamTenantID + `"
  client_id = "00000000-0000-4000-8000-000000000000"
}`,
			ExpectError: regexp.MustCompile(`(?s)needs a signed-in\s+Dynamics 365 Administrator.*Configure the provider's partner\s+block`),
		}},
	})
}

// With an expired GDAP relationship the partner cannot authorize: the
// diagnostic says which role is needed and where a person can do it.
func TestAccBCAuthorizedApp_partnerWithoutRole(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "onboard_bc_authorized_app" "x" {
  tenant_id = "` + emulator.TailspinTenantID + `"
  client_id = "00000000-0000-4000-8000-000000000000"
}`,
			ExpectError: regexp.MustCompile(`(?s)partner credential was refused.*AADSTS50020.*must include Dynamics 365\s+Administrator and be\s+active`),
		}},
	})
}

// With client_secret, a plan reads every tenant's authorization from one
// app-only manageableTenants answer instead of one partner request per
// tenant; a tenant it does not list is read through the partner, so removal
// is still drift.
func TestAccBCAuthorizedApp_manageableTenantsOncePerRun(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	var tenants []string
	for i := 0; i < 3; i++ {
		id := fmt.Sprintf("b2b2b2b2-0000-4000-8000-%012d", i)
		domain := fmt.Sprintf("manageable%d.onmicrosoft.com", i)
		tenants = append(tenants, id)
		if err := srv.SeedTenant(emulator.TenantSeed{ID: id, DisplayName: fmt.Sprint("Manageable ", i), Domains: []string{domain},
			Users: []emulator.UserSeed{{UPN: "admin@" + domain, Roles: []string{"Global Administrator"}}}}); err != nil {
			t.Fatal(err)
		}
		if err := srv.AddGDAPRelationship(emulator.DefaultHomeTenantID, emulator.GDAPSeed{CustomerTenantID: id, CustomerName: fmt.Sprint("Manageable ", i),
			Roles: []string{"Global Administrator", "Dynamics 365 Administrator"}, Members: []string{emulator.DefaultPartnerAdminUPN}}); err != nil {
			t.Fatal(err)
		}
	}
	config := fmt.Sprintf(`
locals {
  tenants = ["%s"]
}
resource "onboard_entra_app" "app" {
  display_name     = %q
  sign_in_audience = "AzureADMultipleOrgs"
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["AdminCenter.ReadWrite.All"]
}
resource "onboard_customer_tenant" "c" {
  count         = length(local.tenants)
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = local.tenants[count.index]
  depends_on    = [onboard_api_permission.bc]
}
resource "onboard_bc_authorized_app" "c" {
  count         = length(local.tenants)
  tenant_id     = onboard_customer_tenant.c[count.index].tenant_id
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
}
`, strings.Join(tenants, `", "`), acctest.Name(t, "manageable"))
	var clientID string
	perTenantReads := func() (n int) {
		for p, c := range srv.Counters().ByPath {
			if p == "GET /admin/v2.24/authorizedAadApps" {
				n += c
			}
		}
		return n
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					clientID = s.RootModule().Resources["onboard_entra_app.app"].Primary.Attributes["client_id"]
					for _, id := range tenants {
						if apps, err := srv.BCAuthorizedApps(id); err != nil || !slices.ContainsFunc(apps, func(a string) bool { return strings.EqualFold(a, clientID) }) {
							return fmt.Errorf("tenant %s: authorized apps %v (%v)", id, apps, err)
						}
					}
					return nil
				},
			},
			{
				PreConfig: srv.ResetCounters,
				Config:    config,
				PlanOnly:  true,
			},
			{
				PreConfig: func() {
					c := srv.Counters()
					manageable := c.ByPath["GET /admin/v2.24/authorizedAadApps/manageableTenants"]
					if reads := perTenantReads(); reads != 0 || manageable < 1 || manageable > 2 {
						t.Fatalf("refreshing 3 authorizations: %d per-tenant reads (want 0), %d manageableTenants calls (want one per provider run)", reads, manageable)
					}
					if err := srv.RemoveBCAuthorizedApp(tenants[1], clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_bc_authorized_app.c[1]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("onboard_bc_authorized_app.c[0]", plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}
