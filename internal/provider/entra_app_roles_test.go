package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

const (
	payrollReadID   = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a01"
	payrollWriteID  = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a02"
	payrollExportID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a03"
)

func providerManagedAPIConfig(name, roles, required string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "api" {
  display_name = "%[1]s api"
%[2]s}
resource "onboard_entra_app" "client" {
  display_name = "%[1]s client"
}
resource "onboard_api_permission" "client" {
  application_id          = onboard_entra_app.client.id
  api                     = onboard_entra_app.api.client_id
  application_permissions = [%[3]s]
}
`, name, roles, required)
}

func appRoleHCL(id, value string) string {
	return fmt.Sprintf(`  app_role {
    id                   = %q
    value                = %q
    display_name         = "%[2]s"
    description          = "Allows the app to %[2]s without a signed-in user."
    allowed_member_types = ["Application"]
  }
`, id, value)
}

// One app exposes app roles; a second app in the same configuration
// requires one by name. The names come from the first app's service
// principal in the tenant, which the snapshot knows nothing of: the tenant
// is the authority, for typos too. Removing an enabled role disables it
// first, as Graph requires.
func TestAccEntraApp_appRoleRequiredBySecondApp(t *testing.T) {
	t.Parallel()
	emu := acctest.Emulator(t)
	name := acctest.Name(t, "payroll")
	both := appRoleHCL(payrollReadID, "Payroll.Read.All") + appRoleHCL(payrollWriteID, "Payroll.ReadWrite.All")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerManagedAPIConfig(name, both, `"Payroll.Read.All"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("app_role"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue("onboard_api_permission.client", tfjsonpath.New("application_permission_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						"Payroll.Read.All": knownvalue.StringExact(payrollReadID),
					})),
					statecheck.CompareValuePairs("onboard_api_permission.client", tfjsonpath.New("resource_app_id"),
						"onboard_entra_app.api", tfjsonpath.New("client_id"), compare.ValuesSame()),
				},
				Check: func(s *terraform.State) error {
					apiID := s.RootModule().Resources["onboard_entra_app.api"].Primary.Attributes["client_id"]
					apps := emu.AppsNamed(emulator.DefaultHomeTenantID, name+" client")
					if len(apps) != 1 || fmt.Sprint(apps[0].RequiredResourceAccess[apiID]) != "[Role:"+payrollReadID+"]" {
						return fmt.Errorf("client app: %+v", apps)
					}
					return nil
				},
			},
			{Config: providerManagedAPIConfig(name, both, `"Payroll.Read.All"`), PlanOnly: true},
			{
				// A role this tenant's app lacks may come with the same apply,
				// so plan warns and apply, after updating the API, fails.
				Config:      providerManagedAPIConfig(name, both, `"Payroll.Read.Al"`),
				ExpectError: regexp.MustCompile(`has\s+no\s+application\s+permission\s+"Payroll.Read.Al";\s+did\s+you\s+mean\s+"Payroll.Read.All"`),
			},
			{
				// A role added and required in one apply: the API app is
				// updated first (the reference orders them), then the client
				// requires the new role by name.
				Config: providerManagedAPIConfig(name, both+appRoleHCL(payrollExportID, "Payroll.Export.All"), `"Payroll.Read.All", "Payroll.Export.All"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_api_permission.client", tfjsonpath.New("application_permission_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						"Payroll.Read.All":   knownvalue.StringExact(payrollReadID),
						"Payroll.Export.All": knownvalue.StringExact(payrollExportID),
					})),
				},
			},
			{
				// The write and export roles go: disabled, then removed; the client drops export.
				Config: providerManagedAPIConfig(name, appRoleHCL(payrollReadID, "Payroll.Read.All"), `"Payroll.Read.All"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.api", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("onboard_api_permission.client", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("app_role"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(payrollReadID), "value": knownvalue.StringExact("Payroll.Read.All"), "enabled": knownvalue.Bool(true)}),
					})),
				},
			},
		},
	})
}
