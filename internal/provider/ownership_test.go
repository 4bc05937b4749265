package provider_test

import (
	"fmt"
	"regexp"
	"slices"
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
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

const home = emulator.DefaultHomeTenantID

func namedApp(resourceName, uniqueName, displayName string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" %q {
  unique_name  = %q
  display_name = %q
}
`, resourceName, uniqueName, displayName)
}

// appByUnique is the live app with this unique name in the home tenant.
func appByUnique(srv *emulator.Server, unique string) (emulator.AppView, bool) {
	for _, a := range srv.Apps(home) {
		if a.UniqueName == unique {
			return a, true
		}
	}
	return emulator.AppView{}, false
}

// Two configurations share a home tenant: another team's app (with its
// marker) and one made in the portal (no marker) sit beside this
// configuration's. A create that collides with either is refused at plan
// with the import block; the portal app is then adopted by import and
// becomes owned; destroy deletes what this configuration owns and leaves
// the other team's app, and an app another configuration has since
// imported.
func TestAccEntraApp_sharedHomeTenant(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	prefix := "onboard-acc-shared-"
	otherTeam, otherClientID, err := srv.RegisterApp(home, prefix+"給与チーム", "給与チーム")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.EditApp(home, otherTeam, map[string]any{"tags": []string{onboarding.OwnerTag("other-team")}}); err != nil {
		t.Fatal(err)
	}
	portal, _, err := srv.RegisterApp(home, prefix+"portal", "Отдел продаж")
	if err != nil {
		t.Fatal(err)
	}
	handedOver, _, err := srv.RegisterApp(home, prefix+"handed-over", "handed over")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.EditApp(home, handedOver, map[string]any{"tags": []string{"HideApp", onboarding.OwnerTag("team-two")}}); err != nil {
		t.Fatal(err)
	}
	mine := namedApp("mine", prefix+"mine", "Отдел продаж (mine)")
	adopt := fmt.Sprintf(`
import {
  to = onboard_entra_app.portal
  id = %q
}
import {
  to = onboard_entra_app.handed_over
  id = %q
}
`, portal, handedOver) + namedApp("portal", prefix+"portal", "Отдел продаж") + namedApp("handed_over", prefix+"handed-over", "handed over")
	otherUntouched := func(*terraform.State) error {
		a, ok := appByUnique(srv, prefix+"給与チーム")
		if !ok || a.AppID != otherClientID || a.DisplayName != "給与チーム" || !slices.Equal(a.Tags, []string{onboarding.OwnerTag("other-team")}) {
			return fmt.Errorf("the other team's app changed: %+v (found %v)", a, ok)
		}
		return nil
	}
	ownership := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mine,
				ConfigStateChecks: []statecheck.StateCheck{
					ownership.AddStateValue("onboard_entra_app.mine", tfjsonpath.New("ownership_id")),
					statecheck.ExpectKnownValue("onboard_entra_app.mine", tfjsonpath.New("ownership_id"), knownvalue.StringRegexp(guid)),
				},
				Check: resource.ComposeTestCheckFunc(otherUntouched, func(s *terraform.State) error {
					a, _ := appByUnique(srv, prefix+"mine")
					want := onboarding.OwnerTag(s.RootModule().Resources["onboard_entra_app.mine"].Primary.Attributes["ownership_id"])
					if !slices.Equal(a.Tags, []string{want}) {
						return fmt.Errorf("tags of the new app: %q, want [%q]", a.Tags, want)
					}
					return nil
				}),
			},
			{
				// The other team's unique name: refused at plan, nothing written.
				Config:      mine + namedApp("collide", prefix+"給与チーム", "payroll, again"),
				ExpectError: regexp.MustCompile(`(?s)App registration already exists.*Another onboard configuration.*to = onboard_entra_app.<name>\s+id = "` + otherTeam + `"`),
			},
			{
				Config:      mine + namedApp("portal", prefix+"portal", "Отдел продаж"),
				ExpectError: regexp.MustCompile(`(?s)App registration already exists.*not created by this provider.*id = "` + portal + `"`),
			},
			{
				// Adopted deliberately: the import makes it this configuration's.
				Config: mine + adopt,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_entra_app.portal", tfjsonpath.New("id"), knownvalue.StringExact(portal)),
					// No marker yet: this state owns it, the marker comes
					// with its next update.
					statecheck.ExpectKnownValue("onboard_entra_app.portal", tfjsonpath.New("ownership_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue("onboard_entra_app.handed_over", tfjsonpath.New("ownership_id"), knownvalue.StringRegexp(guid)),
				},
				Check: resource.ComposeTestCheckFunc(otherUntouched, func(s *terraform.State) error {
					// Another team's app, imported: the marker is this
					// configuration's now, other tags stay.
					h, _ := appByUnique(srv, prefix+"handed-over")
					if want := []string{"HideApp", ownerTagOf(s, "onboard_entra_app.handed_over")}; !slices.Equal(h.Tags, want) || want[1] == onboarding.OwnerTag("team-two") {
						return fmt.Errorf("tags of the handed-over app: %q, want %q", h.Tags, want)
					}
					return nil
				}),
			},
			{
				// Another configuration imports "mine" meanwhile: this one's
				// destroy of it removes it from state and leaves the app.
				PreConfig: func() {
					a, _ := appByUnique(srv, prefix+"mine")
					if err := srv.EditApp(home, a.ID, map[string]any{"tags": []string{onboarding.OwnerTag("importer")}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: adopt,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.mine", plancheck.ResourceActionDestroy),
				}},
				Check: resource.ComposeTestCheckFunc(otherUntouched, func(*terraform.State) error {
					if a, ok := appByUnique(srv, prefix+"mine"); !ok || !slices.Equal(a.Tags, []string{onboarding.OwnerTag("importer")}) {
						return fmt.Errorf("destroy deleted or changed an app another configuration owns: %+v %v", a, ok)
					}
					return nil
				}),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			// The adopted app was owned, so destroy deleted it; the other
			// team's stays.
			for _, u := range []string{"portal", "handed-over"} {
				if _, ok := appByUnique(srv, prefix+u); ok {
					return fmt.Errorf("the imported app %s survived destroy", u)
				}
			}
			return otherUntouched(nil)
		},
	})
}

func ownerTagOf(s *terraform.State, addr string) string {
	return onboarding.OwnerTag(s.RootModule().Resources[addr].Primary.Attributes["ownership_id"])
}

func deletableApp(name string, restore bool) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name         = %q
  restore_soft_deleted = %t
}

resource "onboard_client_secret" "test" {
  application_id = onboard_entra_app.test.id
  lifetime       = "720h"
}
`, name, restore)
}

// An app deleted in the portal between plans: while it is in deleted items
// apply restores it (same object ID and client ID, its secret with it) and
// its service principal, which restoring the app does not bring back (same
// object ID: the permissions granted to it in the home tenant hold);
// once purged, or with restore_soft_deleted = false, plan creates a new app
// and a new secret instead of failing.
func TestAccEntraApp_deletedOutOfBand(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "deleted")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameClient := statecheck.CompareValue(compare.ValuesSame())
	sameKey := statecheck.CompareValue(compare.ValuesSame())
	sameSP := statecheck.CompareValue(compare.ValuesSame())
	newClient := statecheck.CompareValue(compare.ValuesDiffer())
	deleteApp := func(purge bool) func() {
		return func() {
			apps := srv.AppsNamed(home, name)
			if len(apps) != 1 {
				t.Fatalf("apps named %q: %+v", name, apps)
			}
			if err := srv.DeleteApp(home, apps[0].ID); err != nil {
				t.Fatal(err)
			}
			if purge {
				if err := srv.PurgeApp(home, apps[0].ID); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: deletableApp(name, true),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("onboard_entra_app.test", tfjsonpath.New("id")),
					sameClient.AddStateValue("onboard_entra_app.test", tfjsonpath.New("client_id")),
					sameKey.AddStateValue("onboard_client_secret.test", tfjsonpath.New("key_id")),
					sameSP.AddStateValue("onboard_entra_app.test", tfjsonpath.New("service_principal_id")),
				},
			},
			{
				PreConfig: deleteApp(false),
				Config:    deletableApp(name, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("onboard_entra_app.test", tfjsonpath.New("id")),
					sameClient.AddStateValue("onboard_entra_app.test", tfjsonpath.New("client_id")),
					newClient.AddStateValue("onboard_entra_app.test", tfjsonpath.New("client_id")),
					sameKey.AddStateValue("onboard_client_secret.test", tfjsonpath.New("key_id")),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("service_principal_id"), knownvalue.StringRegexp(guid)),
					sameSP.AddStateValue("onboard_entra_app.test", tfjsonpath.New("service_principal_id")),
				},
				Check: func(*terraform.State) error {
					if apps := srv.AppsNamed(home, name); len(apps) != 1 || len(apps[0].Secrets) != 1 {
						return fmt.Errorf("after the restore: %+v", apps)
					}
					if d := srv.DeletedApps(home); slices.ContainsFunc(d, func(id string) bool { return id == srv.AppsNamed(home, name)[0].ID }) {
						return fmt.Errorf("still in deleted items: %v", d)
					}
					return nil
				},
			},
			{
				// Gone for good: a new app, a new client ID, a new secret.
				PreConfig: deleteApp(true),
				Config:    deletableApp(name, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newClient.AddStateValue("onboard_entra_app.test", tfjsonpath.New("client_id")),
				},
			},
			{
				// Restorable, but the configuration opts out as it is deleted.
				PreConfig: deleteApp(false),
				Config:    deletableApp(name, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newClient.AddStateValue("onboard_entra_app.test", tfjsonpath.New("client_id")),
				},
			},
			{
				// Opted out before the deletion: plan creates a new app.
				PreConfig: deleteApp(false),
				Config:    deletableApp(name, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newClient.AddStateValue("onboard_entra_app.test", tfjsonpath.New("client_id")),
				},
				Check: func(*terraform.State) error {
					if apps := srv.AppsNamed(home, name); len(apps) != 1 {
						return fmt.Errorf("want one live app, got %+v", apps)
					}
					return nil
				},
			},
		},
	})
}

// addPassword's answer is lost after Entra made the secret (a 500 after
// the write): the create removes the secret it cannot use and adds one
// again, so the app ends with the one secret state tracks.
func TestAccClientSecret_lostAnswerLeavesNoOrphan(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "lost")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if err := srv.InjectFault(emulator.Fault{Service: "graph", Method: "POST", Path: "/addPassword$", Status: 500, Count: 1, AfterHandler: true}); err != nil {
					t.Fatal(err)
				}
			},
			Config: fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}

resource "onboard_client_secret" "test" {
  application_id = onboard_entra_app.test.id
  display_name   = "ci"
  lifetime       = "720h"
}
`, name),
			Check: func(s *terraform.State) error {
				apps := srv.AppsNamed(home, name)
				if len(apps) != 1 || len(apps[0].Secrets) != 1 {
					return fmt.Errorf("want one app with one secret, emulator has %+v", apps)
				}
				if got, want := apps[0].Secrets[0].KeyID, s.RootModule().Resources["onboard_client_secret.test"].Primary.Attributes["key_id"]; got != want {
					return fmt.Errorf("the app's secret is %s, state tracks %s", got, want)
				}
				if c := srv.Counters().ByPath["POST /v1.0/applications/"+apps[0].ID+"/addPassword"]; c != 2 {
					return fmt.Errorf("addPassword calls: %d, want 2 (the lost one and the retry)", c)
				}
				return nil
			},
		}},
	})
}

// The app a customer consented to is deleted in the portal: the customer
// tenant's refresh warns instead of failing, apply restores the app with
// its client ID, and the customer's consent still holds.
func TestAccEntraApp_restoreKeepsCustomerConsent(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "consented")
	config := graphAppConfig(name) + customerConfig("fabrikam", emulator.FabrikamTenantID, "onboard_client_secret.app.value")
	sameClient := statecheck.CompareValue(compare.ValuesSame())
	var clientID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				Check:             saveAttr("onboard_entra_app.app", "client_id", &clientID),
				ConfigStateChecks: []statecheck.StateCheck{sameClient.AddStateValue("onboard_entra_app.app", tfjsonpath.New("client_id"))},
				// Fabrikam has not consented yet: plan keeps showing it pending.
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: consentAs(t, srv, emulator.FabrikamTenantID, &clientID, "admin@fabrikam.onmicrosoft.com"),
				Config:    config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
				},
			},
			{
				PreConfig: func() {
					apps := srv.AppsNamed(home, name)
					if len(apps) != 1 {
						t.Fatalf("apps: %+v", apps)
					}
					if err := srv.DeleteApp(home, apps[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.app", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("onboard_customer_tenant.fabrikam", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameClient.AddStateValue("onboard_entra_app.app", tfjsonpath.New("client_id")),
				},
			},
			{
				// Refreshed with the restored app: Fabrikam's consent held.
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
				},
			},
		},
	})
}
