package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func TestAccCustomerTenantsDiscovery(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	customer := func(id, attr string) tfjsonpath.Path { return tfjsonpath.New("customers").AtMapKey(id).AtMapKey(attr) }
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "onboard_customer_tenants" "gdap" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.onboard_customer_tenants.gdap", customer(emulator.FabrikamTenantID, "display_name"), knownvalue.StringExact("Fabrikam")),
				statecheck.ExpectKnownValue("data.onboard_customer_tenants.gdap", customer(emulator.FabrikamTenantID, "active"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.onboard_customer_tenants.gdap", customer(emulator.FabrikamTenantID, "roles"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("Cloud Application Administrator"), knownvalue.StringExact("Dynamics 365 Administrator")})),
				statecheck.ExpectKnownValue("data.onboard_customer_tenants.gdap", customer(emulator.NorthwindTenantID, "roles"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("Global Administrator")})),
				statecheck.ExpectKnownValue("data.onboard_customer_tenants.gdap", customer(emulator.TailspinTenantID, "active"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.onboard_customer_tenants.gdap", customer(emulator.TailspinTenantID, "relationships"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("GDAP Tailspin Toys (expired)")})),
			},
		}},
	})
}

func TestAccCustomerTenantsDiscoveryNeedsPartner(t *testing.T) {
	acctest.Emulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `data "onboard_customer_tenants" "gdap" {}`,
			ExpectError: regexp.MustCompile(`Microsoft lists GDAP customers only to a signed-in partner user`),
		}},
	})
}

func TestAccCustomerTenantsDiscoveryBCManageableTenants(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	base := `
resource "onboard_entra_app" "app" {
  display_name     = "` + acctest.Name(t, "bc discovery") + `"
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
resource "onboard_customer_tenant" "home" {
  client_id  = onboard_entra_app.app.client_id
  tenant     = "` + emulator.DefaultHomeTenantID + `"
  depends_on = [onboard_api_permission.bc]
}
`
	var clientID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: base,
				Check:  saveAttr("onboard_entra_app.app", "client_id", &clientID),
			},
			{
				PreConfig: func() {
					for _, tenant := range []string{emulator.DefaultHomeTenantID, emulator.FabrikamTenantID} {
						if err := srv.AuthorizeBCApp(tenant, clientID); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: base + `
data "onboard_customer_tenants" "all" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_customer_tenants.all", tfjsonpath.New("bc_manageable_tenants"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(emulator.FabrikamTenantID), knownvalue.StringExact(emulator.DefaultHomeTenantID)})),
				},
			},
			{
				// No copy of a credential: the secret onboard_client_secret
				// holds, named by its key ID; then a generated certificate,
				// named by its.
				Config: base + `
data "onboard_customer_tenants" "all" {
  client_id            = onboard_entra_app.app.client_id
  client_secret_key_id = onboard_client_secret.app.key_id
}
resource "onboard_client_certificate" "app" {
  application_id = onboard_entra_app.app.id
  generate       = true
}
data "onboard_customer_tenants" "by_certificate" {
  client_id                 = onboard_entra_app.app.client_id
  client_certificate_key_id = onboard_client_certificate.app.key_id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_customer_tenants.all", tfjsonpath.New("client_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.onboard_customer_tenants.all", tfjsonpath.New("bc_manageable_tenants"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(emulator.FabrikamTenantID), knownvalue.StringExact(emulator.DefaultHomeTenantID)})),
					statecheck.ExpectKnownValue("data.onboard_customer_tenants.by_certificate", tfjsonpath.New("client_certificate"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.onboard_customer_tenants.by_certificate", tfjsonpath.New("bc_manageable_tenants"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(emulator.FabrikamTenantID), knownvalue.StringExact(emulator.DefaultHomeTenantID)})),
				},
				Check: func(*terraform.State) error {
					// The app has a secret too: the list alone does not tell
					// which credential was used; the token does.
					byCert, _ := certificateSignIns(t, srv.IssuedTokens(), clientID)
					if byCert[emulator.DefaultHomeTenantID+" https://api.businesscentral.dynamics.com"] == 0 {
						return fmt.Errorf("no Business Central token was issued to the app by certificate; got %v", byCert)
					}
					return nil
				},
			},
		},
	})
}
