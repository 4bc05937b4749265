package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// Tenants of the inventory test, seeded with known inventory.
const (
	adatumInventoryID    = "6d1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1a01"
	litwareInventoryID   = "6d1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1a02"
	woodgroveInventoryID = "6d1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1a03"
)

func seedInventoryTenant(t *testing.T, srv *emulator.Server, id, name, short string, inv emulator.Inventory) {
	t.Helper()
	d := short + "-inventory.onmicrosoft.com"
	if err := srv.SeedTenant(emulator.TenantSeed{ID: id, DisplayName: name, Domains: []string{d}, Country: "GB",
		Users: []emulator.UserSeed{{UPN: "admin@" + d, Roles: []string{"Global Administrator"}}}, Inventory: inv}); err != nil {
		t.Fatal(err)
	}
}

// The sync counts seed 004's initial sync in each tenant: exact figures
// where the app may read them; where it may not, or the tenant lacks the
// service, that item alone is null and `unavailable` says why.
func TestAccSync_inventory(t *testing.T) {
	srv := acctest.Emulator(t)
	full := emulator.Inventory{Users: 40, Groups: 6, Devices: 30, ManagedDevices: 12, Mailboxes: 38, ActiveMailboxes: 31,
		Skus:        []emulator.SkuSeed{{SkuPartNumber: "SPE_E3", Enabled: 25, Consumed: 14}, {SkuPartNumber: "EMS", Enabled: 10, Consumed: 3}},
		SecureScore: &emulator.SecureScoreSeed{Current: 41.25, Max: 245}}
	seedInventoryTenant(t, srv, adatumInventoryID, "Adatum", "adatum", full)
	seedInventoryTenant(t, srv, litwareInventoryID, "Litware", "litware", full)
	// No Intune license, no Secure Score computed yet.
	seedInventoryTenant(t, srv, woodgroveInventoryID, "Woodgrove", "woodgrove", emulator.Inventory{Users: 5, Mailboxes: 5, ActiveMailboxes: 2, NoIntune: true,
		Skus: []emulator.SkuSeed{{SkuPartNumber: "O365_BUSINESS_PREMIUM", Enabled: 5, Consumed: 5}}})

	name := acctest.Name(t, "inventory")
	seed004 := []string{"Organization.Read.All", "User.Read.All", "Group.Read.All", "Device.Read.All", "SecurityEvents.Read.All", "DeviceManagementManagedDevices.Read.All"}
	withReports := syncAppConfig(name, append(seed004, "Reports.Read.All")...)
	withSync := withReports + fmt.Sprintf(`
data "onboard_sync" "all" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenants       = [%q, %q, %q]
  depends_on    = [onboard_api_permission.graph]
}
resource "onboard_customer_tenant" "litware" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = %q
  company_name  = "Litware Ltd"
  depends_on    = [onboard_api_permission.graph]
}
`, adatumInventoryID, litwareInventoryID, woodgroveInventoryID, litwareInventoryID)

	var clientID string
	consent := func(tenant, short string) {
		if err := srv.Consent(tenant, clientID, "admin@"+short+"-inventory.onmicrosoft.com"); err != nil {
			t.Fatal(err)
		}
	}
	tenant := func(id string) tfjsonpath.Path { return tfjsonpath.New("results").AtMapKey(id) }
	sync := "data.onboard_sync.all"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: syncAppConfig(name, seed004...),
				Check:  saveAttr("onboard_entra_app.app", "client_id", &clientID),
			},
			{
				// Litware's admin consents before the app asks for reports.
				PreConfig: func() { consent(litwareInventoryID, "litware") },
				Config:    withReports,
			},
			{
				PreConfig: func() {
					consent(adatumInventoryID, "adatum")
					consent(woodgroveInventoryID, "woodgrove")
				},
				Config: withSync,
				// Litware's consent stays partial: its customer tenant plans
				// an update.
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{driftSummaryCheck{t: t, want: driftSummaryOfInventoryRun}}},
				ConfigStateChecks: []statecheck.StateCheck{
					// What the CI drift job posts, from this very state.
					driftSummaryCheck{t: t, want: driftSummaryOfInventoryRun},
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("organization_name"), knownvalue.StringExact("Adatum")),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("country_code"), knownvalue.StringExact("GB")),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("created_date_time"), knownvalue.StringRegexp(regexpMust(`^\d{4}-\d\d-\d\dT`))),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("users"), knownvalue.Int64Exact(40)),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("groups"), knownvalue.Int64Exact(6)),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("devices"), knownvalue.Int64Exact(30)),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("licenses"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("license_skus"), knownvalue.MapExact(map[string]knownvalue.Check{
						"SPE_E3": knownvalue.ObjectExact(map[string]knownvalue.Check{"enabled": knownvalue.Int64Exact(25), "consumed": knownvalue.Int64Exact(14)}),
						"EMS":    knownvalue.ObjectExact(map[string]knownvalue.Check{"enabled": knownvalue.Int64Exact(10), "consumed": knownvalue.Int64Exact(3)}),
					})),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("secure_score"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"current": knownvalue.Float64Exact(41.25), "max": knownvalue.Float64Exact(245)})),
					// Intune's devices, not the directory's 30.
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("managed_devices"), knownvalue.Int64Exact(12)),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("mailboxes").AtMapKey("total"), knownvalue.Int64Exact(38)),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("mailboxes").AtMapKey("active"), knownvalue.Int64Exact(31)),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("unavailable"), knownvalue.MapExact(map[string]knownvalue.Check{})),

					// Litware never consented to Reports.Read.All: mailboxes
					// alone are null, and say so.
					statecheck.ExpectKnownValue(sync, tenant(litwareInventoryID).AtMapKey("consent_state"), knownvalue.StringExact("partial")),
					statecheck.ExpectKnownValue(sync, tenant(litwareInventoryID).AtMapKey("mailboxes"), knownvalue.Null()),
					statecheck.ExpectKnownValue(sync, tenant(litwareInventoryID).AtMapKey("managed_devices"), knownvalue.Int64Exact(12)),
					statecheck.ExpectKnownValue(sync, tenant(litwareInventoryID).AtMapKey("secure_score").AtMapKey("current"), knownvalue.Float64Exact(41.25)),
					statecheck.ExpectKnownValue(sync, tenant(litwareInventoryID).AtMapKey("unavailable"), knownvalue.MapExact(map[string]knownvalue.Check{
						"mailboxes": knownvalue.ObjectExact(map[string]knownvalue.Check{"reason": knownvalue.StringExact("permission_missing"),
							"permission": knownvalue.StringExact("Reports.Read.All"),
							"detail":     knownvalue.StringRegexp(regexpMust(`^The app requires Microsoft Graph Reports\.Read\.All but this tenant has not consented to it`))}),
					})),

					// Woodgrove has no Intune and no Secure Score yet.
					statecheck.ExpectKnownValue(sync, tenant(woodgroveInventoryID).AtMapKey("managed_devices"), knownvalue.Null()),
					statecheck.ExpectKnownValue(sync, tenant(woodgroveInventoryID).AtMapKey("secure_score"), knownvalue.Null()),
					statecheck.ExpectKnownValue(sync, tenant(woodgroveInventoryID).AtMapKey("mailboxes").AtMapKey("total"), knownvalue.Int64Exact(5)),
					statecheck.ExpectKnownValue(sync, tenant(woodgroveInventoryID).AtMapKey("unavailable"), knownvalue.MapExact(map[string]knownvalue.Check{
						"managed_devices": knownvalue.ObjectExact(map[string]knownvalue.Check{"reason": knownvalue.StringExact("not_licensed"),
							"permission": knownvalue.Null(), "detail": knownvalue.StringRegexp(regexpMust(`no Intune license`))}),
						"secure_score": knownvalue.ObjectExact(map[string]knownvalue.Check{"reason": knownvalue.StringExact("no_data"),
							"permission": knownvalue.Null(), "detail": knownvalue.StringRegexp(regexpMust(`not computed a Secure Score`))}),
					})),
				},
			},
			{
				// Secure Score's service failing: that item alone is null,
				// with the error; the tenant is still read.
				PreConfig: func() {
					t.Cleanup(srv.ClearFaults)
					if err := srv.InjectFault(emulator.Fault{Service: "graph", Path: `/security/secureScores$`, Status: 400}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             withSync,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("status"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("secure_score"), knownvalue.Null()),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("managed_devices"), knownvalue.Int64Exact(12)),
					statecheck.ExpectKnownValue(sync, tenant(adatumInventoryID).AtMapKey("unavailable"), knownvalue.MapExact(map[string]knownvalue.Check{
						"secure_score": knownvalue.ObjectExact(map[string]knownvalue.Check{"reason": knownvalue.StringExact("failed"),
							"permission": knownvalue.Null(), "detail": knownvalue.StringRegexp(regexpMust(`400`))}),
					})),
				},
			},
		},
	})
}
