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

// A vendor app with no secret at all: the provider reads consent in the
// customer tenant, and the sync reads the tenant, signing in as the app by
// certificate.
func TestAccCustomerTenant_readsConsentByCertificate(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "certificate only")
	config := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name      = %q
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://sync.contoso.com/onboarded"]
}
resource "onboard_client_certificate" "app" {
  application_id = onboard_entra_app.app.id
  generate       = true
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}
resource "onboard_customer_tenant" "northwind" {
  client_id          = onboard_entra_app.app.client_id
  client_certificate = "${onboard_client_certificate.app.certificate_pem}${onboard_client_certificate.app.private_key_pem}"
  tenant             = "northwind.com"
  depends_on         = [onboard_api_permission.graph]
}
data "onboard_sync" "all" {
  client_id          = onboard_entra_app.app.client_id
  client_certificate = "${onboard_client_certificate.app.certificate_pem}${onboard_client_certificate.app.private_key_pem}"
  tenants            = [onboard_customer_tenant.northwind.tenant_id]
}
`, name)
	var clientID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
				},
				ExpectNonEmptyPlan: true,
				Check:              saveAttr("onboard_entra_app.app", "client_id", &clientID),
			},
			{
				// The customer's admin consents; the refresh reads it with the certificate.
				PreConfig: consentAs(t, srv, emulator.NorthwindTenantID, &clientID, "admin@northwind.onmicrosoft.com"),
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("granted_permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/Organization.Read.All")})),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("service_principal_id"), knownvalue.StringRegexp(guid)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.NorthwindTenantID).AtMapKey("status"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.NorthwindTenantID).AtMapKey("organization_name"), knownvalue.StringExact("Northwind Traders")),
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}
