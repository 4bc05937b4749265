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

var guid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func appConfig(name, audience, redirect, notes string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name      = %q
  sign_in_audience  = %q
  web_redirect_uris = [%q]
  notes             = %q
}
`, name, audience, redirect, notes)
}

func TestAccEntraApp_lifecycle(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "orbit")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	newID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: appConfig(name, "AzureADMultipleOrgs", "https://orbit.qezaro.com/reseller", "first"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("onboard_entra_app.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("client_id"), knownvalue.StringRegexp(guid)),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("service_principal_id"), knownvalue.StringRegexp(guid)),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("tenant_id"), knownvalue.StringExact(emulator.DefaultHomeTenantID)),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("sign_in_audience"), knownvalue.StringExact("AzureADMultipleOrgs")),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("web_redirect_uris"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("https://orbit.qezaro.com/reseller")})),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("allow_public_client_flows"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("unique_name"), knownvalue.StringRegexp(regexp.MustCompile(`^onboard-acc-testaccentraapp-lifecycle-orbit$`))),
				},
				Check: func(*terraform.State) error {
					apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 || apps[0].SignInAudience != "AzureADMultipleOrgs" {
						return fmt.Errorf("emulator has %+v", apps)
					}
					return nil
				},
			},
			{
				// A second plan with nothing changed is empty.
				Config:   appConfig(name, "AzureADMultipleOrgs", "https://orbit.qezaro.com/reseller", "first"),
				PlanOnly: true,
			},
			{
				Config: appConfig(name+" renamed", "AzureADMultipleOrgs", "https://orbit.qezaro.com/reseller2", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("onboard_entra_app.test", tfjsonpath.New("id")),
					newID.AddStateValue("onboard_entra_app.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("display_name"), knownvalue.StringExact(name+" renamed")),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("notes"), knownvalue.StringExact("second")),
				},
				Check: func(*terraform.State) error {
					if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name+" renamed"); len(apps) != 1 || apps[0].WebRedirectURIs[0] != "https://orbit.qezaro.com/reseller2" {
						return fmt.Errorf("emulator has %+v", apps)
					}
					return nil
				},
			},
			{
				// Drift: someone changes the app in the portal; plan shows it and apply puts it back.
				PreConfig: func() {
					app := srv.AppsNamed(emulator.DefaultHomeTenantID, name+" renamed")[0]
					if err := srv.EditApp(emulator.DefaultHomeTenantID, app.ID, map[string]any{"displayName": "changed in portal", "isFallbackPublicClient": true}); err != nil {
						t.Fatal(err)
					}
				},
				Config: appConfig(name+" renamed", "AzureADMultipleOrgs", "https://orbit.qezaro.com/reseller2", "second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("display_name"), knownvalue.StringExact(name+" renamed")),
					plancheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("allow_public_client_flows"), knownvalue.Bool(false)),
				}},
				Check: func(*terraform.State) error {
					if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name+" renamed"); len(apps) != 1 {
						return fmt.Errorf("drift not repaired: %+v", apps)
					}
					return nil
				},
			},
			{
				// Import by client ID.
				ResourceName:      "onboard_entra_app.test",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources["onboard_entra_app.test"].Primary.Attributes["client_id"], nil
				},
			},
			{
				// A new unique_name means a new app.
				Config: fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name      = %q
  unique_name       = "orbit-v2"
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://orbit.qezaro.com/reseller2"]
  notes             = "second"
}
`, name+" renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newID.AddStateValue("onboard_entra_app.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("unique_name"), knownvalue.StringExact("orbit-v2")),
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name+" renamed"); len(apps) != 0 {
				return fmt.Errorf("apps left after destroy: %+v", apps)
			}
			return nil
		},
	})
}

// The app's enterprise application (service principal) deleted in the
// portal is drift: plan shows the update that makes it again, and apply
// does, with the plan's promise kept.
func TestAccEntraApp_servicePrincipalDeletedOutOfBand(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "sp-deleted")
	config := fmt.Sprintf("resource \"onboard_entra_app\" \"test\" {\n  display_name = %q\n}\n", name)
	var clientID, firstSP string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["onboard_entra_app.test"].Primary.Attributes
					clientID, firstSP = a["client_id"], a["service_principal_id"]
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := srv.DeleteServicePrincipal(emulator.DefaultHomeTenantID, clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("onboard_entra_app.test", tfjsonpath.New("service_principal_id")),
				}},
				Check: func(s *terraform.State) error {
					sp := s.RootModule().Resources["onboard_entra_app.test"].Primary.Attributes["service_principal_id"]
					// Deleted in the portal, it waits in deleted items: apply
					// restores it (same object ID) rather than making another.
					if g := srv.Grants(emulator.DefaultHomeTenantID, clientID); g.ServicePrincipals != 1 || sp != firstSP {
						return fmt.Errorf("service principal %q (was %q), emulator has %d; want the restored one", sp, firstSP, g.ServicePrincipals)
					}
					return nil
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}
