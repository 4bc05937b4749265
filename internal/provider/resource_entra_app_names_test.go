package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// Two teams in one home tenant name their apps in Japanese and Russian, and
// a third only differs from the first in an accent: three apps, each with
// its own unique name, shown in the plan before anything is created.
func TestAccEntraApp_uniqueNamesInAnyScript(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	names := map[string]string{
		"payroll": "給与チーム " + t.Name(),
		"sales":   "Отдел продаж " + t.Name(),
		"cafe":    "Café " + t.Name(),
		"cafe2":   "Cafè " + t.Name(),
	}
	config := ""
	var planned []plancheck.PlanCheck
	var states []statecheck.StateCheck
	for key, name := range names {
		config += fmt.Sprintf("resource \"onboard_entra_app\" %q {\n  display_name = %q\n}\n", key, name)
		want := knownvalue.StringExact(onboarding.UniqueName(name))
		planned = append(planned, plancheck.ExpectKnownValue("onboard_entra_app."+key, tfjsonpath.New("unique_name"), want))
		states = append(states, statecheck.ExpectKnownValue("onboard_entra_app."+key, tfjsonpath.New("unique_name"), want))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: planned},
			ConfigStateChecks: states,
			Check: func(*terraform.State) error {
				seen := map[string]string{}
				for _, name := range names {
					apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 {
						return fmt.Errorf("%q: want one app, emulator has %+v", name, apps)
					}
					if other, dup := seen[apps[0].UniqueName]; dup {
						return fmt.Errorf("%q and %q share unique name %q", name, other, apps[0].UniqueName)
					}
					seen[apps[0].UniqueName] = name
				}
				return nil
			},
		}},
	})
}

// An app created under the first rule (which made "onboard-caf-<test>" of
// "Café <test>") keeps its unique name: the new default applies to new apps
// only, so an existing configuration plans no replacement.
func TestAccEntraApp_existingUniqueNameKept(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := "Café " + t.Name()
	old := "onboard-caf-testaccentraapp-existinguniquenamekept"
	objectID, _, err := srv.RegisterApp(emulator.DefaultHomeTenantID, old, name)
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("resource \"onboard_entra_app\" \"test\" {\n  display_name = %q\n}\n", name)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// State as an earlier release left it.
				Config:             config,
				ResourceName:       "onboard_entra_app.test",
				ImportState:        true,
				ImportStateId:      objectID,
				ImportStatePersist: true,
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 || s[0].Attributes["unique_name"] != old {
						return fmt.Errorf("imported %+v", s)
					}
					return nil
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("unique_name"), knownvalue.StringExact(old)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("id"), knownvalue.StringExact(objectID)),
				},
			},
		},
	})
}
