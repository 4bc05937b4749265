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

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// Seed 002 (Mosaic): the single-tenant app registered inside Business
// Central with D365 AUTOMATION, LOCAL and LOGIN. The card is a human step:
// apply says exactly what to do, then manages the permission sets.
func TestAccBCEnvironmentApp_humanStepThenPermissionSets(t *testing.T) {
	srv := acctest.Emulator(t)
	if err := srv.SeedBCEnvironment(emulator.DefaultHomeTenantID, emulator.BCEnvironmentSpec{Name: "Production"}); err != nil {
		t.Fatal(err)
	}
	name := acctest.Name(t, "mosaic")
	config := func(sets string) string {
		return fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name              = %q
  allow_public_client_flows = true
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All"]
}
resource "onboard_customer_tenant" "home" {
  client_id  = onboard_entra_app.app.client_id
  tenant     = %q
  depends_on = [onboard_api_permission.bc]
}
resource "onboard_bc_environment_app" "production" {
  tenant_id       = onboard_customer_tenant.home.tenant_id
  environment     = "Production"
  client_id       = onboard_entra_app.app.client_id
  client_secret   = onboard_client_secret.app.value
  description     = "Mosaic Business Central"
  permission_sets = [%s]
}
`, name, emulator.DefaultHomeTenantID, sets)
	}
	three := `{ role_id = "D365 AUTOMATION" }, { role_id = "LOCAL" }, { role_id = "LOGIN" }`
	var clientID string
	roles := func() []string {
		st, err := srv.BCEntraApp(emulator.DefaultHomeTenantID, "Production", clientID)
		if err != nil {
			return nil
		}
		var out []string
		for _, p := range st.PermissionSets {
			out = append(out, p.RoleID)
		}
		slices.Sort(out)
		return out
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(three),
				ExpectError: regexp.MustCompile(`(?s)no API that creates the "Microsoft Entra Applications"\s+card.*Description: Mosaic Business Central`),
			},
			{
				// A person creates the card in the Business Central client.
				PreConfig: func() {
					apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 {
						t.Fatalf("apps: %+v", apps)
					}
					clientID = apps[0].AppID
					if _, err := srv.CreateBCEntraApp(emulator.DefaultHomeTenantID, "Production", emulator.BCEntraAppSpec{ClientID: clientID,
						Description: "Mosaic Business Central", State: "Enabled", PermissionSets: []emulator.BCPermission{{RoleID: "D365 AUTOMATION"}}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(three),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_bc_environment_app.production", tfjsonpath.New("user_name"), knownvalue.StringExact("MOSAIC BUSINESS CENTRAL")),
					statecheck.ExpectKnownValue("onboard_bc_environment_app.production", tfjsonpath.New("state"), knownvalue.StringExact("Enabled")),
				},
				Check: func(*terraform.State) error {
					if got := roles(); !slices.Equal(got, []string{"D365 AUTOMATION", "LOCAL", "LOGIN"}) {
						return fmt.Errorf("permission sets in BC: %v", got)
					}
					return nil
				},
			},
			{Config: config(three), PlanOnly: true},
			{
				Config: config(`{ role_id = "D365 AUTOMATION" }, { role_id = "LOGIN" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_bc_environment_app.production", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if got := roles(); !slices.Equal(got, []string{"D365 AUTOMATION", "LOGIN"}) {
						return fmt.Errorf("permission sets in BC: %v", got)
					}
					return nil
				},
			},
			{
				// Someone disables the card: the app is shut out, and plan shows it missing.
				PreConfig: func() {
					if _, err := srv.SetBCEntraAppState(emulator.DefaultHomeTenantID, "Production", clientID, "Disabled"); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config(`{ role_id = "D365 AUTOMATION" }, { role_id = "LOGIN" }`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					if _, err := srv.SetBCEntraAppState(emulator.DefaultHomeTenantID, "Production", clientID, "Enabled"); err != nil {
						t.Fatal(err)
					}
				},
				Config:   config(`{ role_id = "D365 AUTOMATION" }, { role_id = "LOGIN" }`),
				PlanOnly: true,
			},
			{
				ResourceName: "onboard_bc_environment_app.production",
				ImportState:  true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return emulator.DefaultHomeTenantID + "/Production/" + clientID + "/Mosaic Business Central", nil
				},
				// The app's secret is not part of the import ID, so the import
				// only records the address; the next apply reads the rest.
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					a := states[0].Attributes
					if a["tenant_id"] != emulator.DefaultHomeTenantID || a["environment"] != "Production" || a["client_id"] != clientID || a["description"] != "Mosaic Business Central" {
						return fmt.Errorf("imported %v", a)
					}
					return nil
				},
			},
			{
				Config:      config(`{ role_id = "D365 AUTOMATION" }, { role_id = "NO SUCH SET" }`),
				ExpectError: regexp.MustCompile(`Environment Production has no permission set "NO SUCH SET"`),
			},
		},
	})
}
