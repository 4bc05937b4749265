package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

const (
	graphAppID = "00000003-0000-0000-c000-000000000000"
	bcAppID    = "996def3d-b36c-4153-8607-a6fd3c01b89f"
)

func permissionsConfig(name string, bcRoles string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.test.id
  api                     = "Microsoft Graph"
  application_permissions = ["User.Read.All"]
  delegated_permissions   = ["User.Read"]
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.test.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = [%s]
}
`, name, bcRoles)
}

func TestAccAPIPermission_twoAPIsOnOneApp(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "mosaic")
	rra := func() map[string][]string {
		apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
		if len(apps) != 1 {
			t.Fatalf("apps: %+v", apps)
		}
		return apps[0].RequiredResourceAccess
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Both resources write the same app in parallel; neither loses the other's entry.
				Config: permissionsConfig(name, `"API.ReadWrite.All", "Automation.ReadWrite.All"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("onboard_api_permission.bc", tfjsonpath.New("resource_app_id"), knownvalue.StringExact(bcAppID)),
					plancheck.ExpectKnownValue("onboard_api_permission.bc", tfjsonpath.New("application_permission_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						"API.ReadWrite.All":        knownvalue.StringExact("a42b0b75-311e-488d-b67e-8fe84f924341"),
						"Automation.ReadWrite.All": knownvalue.StringExact("d365bc00-a990-0000-00bc-160000000001"),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_api_permission.graph", tfjsonpath.New("delegated_permission_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						"User.Read": knownvalue.StringExact("e1fe6dd8-ba31-4d61-89e7-88639da4683d"),
					})),
				},
				Check: func(*terraform.State) error {
					got := rra()
					want := map[string][]string{
						graphAppID: {"Role:df021288-bdef-4463-88db-98f22de89214", "Scope:e1fe6dd8-ba31-4d61-89e7-88639da4683d"},
						bcAppID:    {"Role:a42b0b75-311e-488d-b67e-8fe84f924341", "Role:d365bc00-a990-0000-00bc-160000000001"},
					}
					for k, v := range want {
						if !slices.Equal(got[k], v) {
							return fmt.Errorf("requiredResourceAccess = %v, want %v", got, want)
						}
					}
					if len(got) != 2 {
						return fmt.Errorf("requiredResourceAccess = %v", got)
					}
					return nil
				},
			},
			{
				Config:   permissionsConfig(name, `"API.ReadWrite.All", "Automation.ReadWrite.All"`),
				PlanOnly: true,
			},
			{
				// Changing one API's permissions leaves the other alone.
				Config: permissionsConfig(name, `"AdminCenter.ReadWrite.All"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_api_permission.bc", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("onboard_api_permission.graph", plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					got := rra()
					if !slices.Equal(got[bcAppID], []string{"Role:a20fe46f-4f63-4666-8e0e-9b882d90b837"}) || len(got[graphAppID]) != 2 {
						return fmt.Errorf("requiredResourceAccess = %v", got)
					}
					return nil
				},
			},
			{
				// A permission added in the portal is drift.
				PreConfig: func() {
					app := srv.AppsNamed(emulator.DefaultHomeTenantID, name)[0]
					err := srv.EditApp(emulator.DefaultHomeTenantID, app.ID, map[string]any{"requiredResourceAccess": []map[string]any{
						{"resourceAppId": graphAppID, "resourceAccess": []map[string]any{
							{"id": "df021288-bdef-4463-88db-98f22de89214", "type": "Role"}, {"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"},
							{"id": "5b567255-7703-4780-807c-7be8301ae99b", "type": "Role"}}},
						{"resourceAppId": bcAppID, "resourceAccess": []map[string]any{{"id": "a20fe46f-4f63-4666-8e0e-9b882d90b837", "type": "Role"}}},
					}})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: permissionsConfig(name, `"AdminCenter.ReadWrite.All"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_api_permission.graph", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if got := rra(); len(got[graphAppID]) != 2 {
						return fmt.Errorf("drift not repaired: %v", got)
					}
					return nil
				},
			},
			{
				ResourceName: "onboard_api_permission.bc",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources["onboard_api_permission.bc"].Primary.ID, nil
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"api"},
			},
			{
				// Removing a resource removes only its entry.
				Config: fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.test.id
  api                     = "graph"
  application_permissions = ["User.Read.All"]
  delegated_permissions   = ["User.Read"]
}
`, name),
				Check: func(*terraform.State) error {
					if got := rra(); len(got) != 1 || len(got[graphAppID]) != 2 {
						return fmt.Errorf("requiredResourceAccess = %v", got)
					}
					return nil
				},
			},
		},
	})
}

func TestAccDataSourceEntraAppAndFunctions(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "vendor app")
	_, clientID, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "", name)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// Provider functions need Terraform 1.8.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "onboard_entra_app" "by_id" {
  client_id = %q
}
data "onboard_entra_app" "by_name" {
  display_name = %q
}
output "role_id" {
  value = provider::onboard::permission_id("Dynamics 365 Business Central", "Automation.ReadWrite.All")
}
output "scope_id" {
  value = provider::onboard::permission_id("graph", "User.Read")
}
output "consent_url" {
  value = provider::onboard::admin_consent_url("contoso.onmicrosoft.com", data.onboard_entra_app.by_id.client_id, "https://orbit.qezaro.com/reseller")
}
output "consent_url_bc" {
  value = provider::onboard::admin_consent_url("contoso.onmicrosoft.com", data.onboard_entra_app.by_id.client_id, "https://orbit.qezaro.com/reseller", "Dynamics 365 Business Central", "graph")
}
`, clientID, name),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.onboard_entra_app.by_name", tfjsonpath.New("client_id"), knownvalue.StringExact(clientID)),
				statecheck.ExpectKnownValue("data.onboard_entra_app.by_id", tfjsonpath.New("display_name"), knownvalue.StringExact(name)),
				statecheck.ExpectKnownValue("data.onboard_entra_app.by_id", tfjsonpath.New("publisher_domain"), knownvalue.StringExact(emulator.DefaultHomeTenantDomain)),
				statecheck.ExpectKnownOutputValue("role_id", knownvalue.StringExact("d365bc00-a990-0000-00bc-160000000001")),
				statecheck.ExpectKnownOutputValue("scope_id", knownvalue.StringExact("e1fe6dd8-ba31-4d61-89e7-88639da4683d")),
				statecheck.ExpectKnownOutputValue("consent_url", knownvalue.StringExact("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id="+clientID+
					"&redirect_uri=https%3A%2F%2Forbit.qezaro.com%2Freseller&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default")),
				statecheck.ExpectKnownOutputValue("consent_url_bc", knownvalue.StringExact("https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id="+clientID+
					"&redirect_uri=https%3A%2F%2Forbit.qezaro.com%2Freseller&scope=https%3A%2F%2Fapi.businesscentral.dynamics.com%2F.default+https%3A%2F%2Fgraph.microsoft.com%2F.default")),
			},
		}},
	})
}

func TestAccFunctionAdminConsentURL_unknownAPI(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `output "x" {
  value = provider::onboard::admin_consent_url("contoso.com", "00000000-0000-4000-8000-000000000000", "https://x.example", "Business Centrl")
}`,
			ExpectError: regexp.MustCompile(`(?s)unknown API "Business Centrl"`),
		}},
	})
}
