package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// A partner admin's refresh token (GDAP) lets apply grant consent itself:
// fully where GDAP gives Global Administrator (Northwind), for everything but
// Microsoft Graph app roles where it gives Cloud Application Administrator
// (Fabrikam), and not at all where the relationship expired (Tailspin).
func TestAccCustomerTenant_partnerGrantsThroughGDAP(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	name := acctest.Name(t, "gdap")
	config := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name      = %q
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://portal.example.com/consent"]
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All"]
}
resource "onboard_customer_tenant" "northwind" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = %q
  depends_on    = [onboard_api_permission.graph, onboard_api_permission.bc]
}
resource "onboard_customer_tenant" "fabrikam" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = %q
  depends_on    = [onboard_api_permission.graph, onboard_api_permission.bc]
}
resource "onboard_customer_tenant" "tailspin" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = %q
  depends_on    = [onboard_api_permission.graph, onboard_api_permission.bc]
}
`, name, emulator.NorthwindTenantID, emulator.FabrikamTenantID, emulator.TailspinTenantID)
	// (terraform-plugin-testing's state shim cannot address for_each keys, so three resources.)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
				statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("granted_permissions"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Dynamics 365 Business Central/API.ReadWrite.All")})),
				statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("missing_permissions"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/Organization.Read.All")})),
				statecheck.ExpectKnownValue("onboard_customer_tenant.tailspin", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue("onboard_customer_tenant.tailspin", tfjsonpath.New("granted_permissions"), knownvalue.SetExact(nil)),
			},
			// Fabrikam and Tailspin still need their admins.
			ExpectNonEmptyPlan: true,
		}},
	})
}
