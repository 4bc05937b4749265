package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// A customer without client_secret is read through the partner credential
// when there is one. Where the partner has no access (Tailspin's GDAP
// relationship expired), the missing client_secret is the error, not the
// partner token's AADSTS50020, which is only mentioned as why the fallback
// failed.
func TestAccCustomerTenant_missingSecretIsReportedAsMissing(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	config := graphAppConfig(acctest.Name(t, "no-secret")) + fmt.Sprintf(`
resource "onboard_customer_tenant" "tailspin" {
  client_id  = onboard_entra_app.app.client_id
  tenant     = %q
  depends_on = [onboard_api_permission.graph]
}
`, emulator.TailspinTenantID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			// (Terraform wraps the detail at any space.)
			ExpectError: regexp.MustCompile(strings.ReplaceAll(`(?s)Error: No way to read consent in this tenant.*set client_secret to a secret of app .*`+
				`The partner credential, tried instead, was refused too: token request .* failed: AADSTS50020: .*GDAP relationship`, " ", `\s+`)),
		}},
	})
}

// A Business Central failure other than "not authorized" (401) or "may not
// read" (403) is the tenant's error in onboard_sync, not a silent null.
func TestAccSync_reportsBusinessCentralFailure(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "bc-failure")
	base := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name     = %q
  sign_in_audience = "AzureADMultipleOrgs"
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
  lifetime       = "720h"
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["AdminCenter.ReadWrite.All"]
}
`, name)
	withSync := base + fmt.Sprintf(`
data "onboard_sync" "all" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenants       = [%q]
  depends_on    = [onboard_api_permission.bc]
}
`, emulator.FabrikamTenantID)
	var clientID string
	result := func(attr string) tfjsonpath.Path {
		return tfjsonpath.New("results").AtMapKey(emulator.FabrikamTenantID).AtMapKey(attr)
	}
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
					if err := srv.Consent(emulator.FabrikamTenantID, clientID, "admin@fabrikam.onmicrosoft.com"); err != nil {
						t.Fatal(err)
					}
					if err := srv.InjectFault(emulator.Fault{Service: "bc", Path: `/environments$`, Status: 500}); err != nil {
						t.Fatal(err)
					}
				},
				Config: withSync,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", result("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", result("bc_consented"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", result("status"), knownvalue.StringExact("error")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", result("error"),
						knownvalue.StringRegexp(regexp.MustCompile(`environments: 500 Internal Server Error.*Business Central kept failing after retries`))),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("summary").AtMapKey("tenants_failing"), knownvalue.Int64Exact(1)),
				},
			},
		},
	})
}
