package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// An automation identity with Application.ReadWrite.OwnedBy alone (no
// Application.ReadWrite.All) manages its own app registrations end to end:
// it creates the app (becoming its owner), the service principal, a secret
// and API permissions resolved by name from the tenant.
func TestAccLeastPrivilege_applicationReadWriteOwnedBy(t *testing.T) {
	emu := acctest.Emulator(t)
	objectID, clientID, err := emu.RegisterApp(emulator.DefaultHomeTenantID, acctest.Name(t, "ownedby-automation"), acctest.Name(t, "ownedby automation"))
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.EditApp(emulator.DefaultHomeTenantID, objectID, map[string]any{"requiredResourceAccess": []map[string]any{{
		"resourceAppId":  graphAppID,
		"resourceAccess": []map[string]any{{"id": "18a4783c-866b-4cc7-a460-3d5e5662c884", "type": "Role"}}, // Application.ReadWrite.OwnedBy
	}}}); err != nil {
		t.Fatal(err)
	}
	if err := emu.Consent(emulator.DefaultHomeTenantID, clientID, "admin@"+emulator.DefaultHomeTenantDomain); err != nil {
		t.Fatal(err)
	}
	_, secret, err := emu.AddSecret(emulator.DefaultHomeTenantID, objectID, "automation", emu.Now().Add(90*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_CLIENT_ID", clientID)
	t.Setenv("ONBOARD_CLIENT_SECRET", secret)
	name := acctest.Name(t, "owned")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name     = %[1]q
  sign_in_audience = "AzureADMultipleOrgs"
  owners           = [onboard_entra_app.operator.service_principal_id]
}
resource "onboard_entra_app" "operator" {
  display_name = "%[1]s operator"
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["Sites.Read.All", "Mail.Send", "Files.Read.All"]
}
`, name),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("onboard_entra_app.app", tfjsonpath.New("service_principal_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
				statecheck.ExpectKnownValue("onboard_api_permission.graph", tfjsonpath.New("application_permission_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
					"Sites.Read.All": knownvalue.StringExact("332a536c-c7ef-4017-ab91-336970924f0d"),
					"Mail.Send":      knownvalue.StringExact("b633e1c5-b582-4048-a93e-9f11b44c7e96"),
					"Files.Read.All": knownvalue.StringExact("01d4889c-1287-42c6-ac1f-5d1e02578ef6"),
				})),
			},
			// The automation identity owns what it created; the listed owner
			// joins it, and nothing removes the automation identity.
			Check: func(s *terraform.State) error {
				operator := s.RootModule().Resources["onboard_entra_app.operator"].Primary.Attributes["service_principal_id"]
				apps := emu.AppsNamed(emulator.DefaultHomeTenantID, name)
				if len(apps) != 1 || len(apps[0].Owners) != 2 || apps[0].Owners[1] != operator {
					return fmt.Errorf("owners: %+v, want the automation identity and %s", apps, operator)
				}
				return nil
			},
		}},
	})
}
