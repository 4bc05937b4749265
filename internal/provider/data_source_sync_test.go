package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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

// Sync over a healthy, an unconsented and a deleted tenant, and a check
// block that warns about an expiring secret once the clock moves on.
func TestAccSync_perTenantResults(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "opspilot")
	const gone = "9f9f9f9f-0000-4000-8000-00000000dead"
	base := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name     = %q
  sign_in_audience = "AzureADMultipleOrgs"
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
  display_name   = "sync"
  lifetime       = "720h"
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All", "User.Read.All"]
}
`, name)
	withSync := base + fmt.Sprintf(`
data "onboard_sync" "all" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenants             = [%q, %q, %q]
  secret_warning_days = 14
  depends_on    = [onboard_api_permission.graph]
}
check "secrets" {
  assert {
    condition     = data.onboard_sync.all.summary.secrets_expiring == 0
    error_message = "A secret of the app expires within 14 days."
  }
}
`, emulator.FabrikamTenantID, emulator.NorthwindTenantID, gone)
	var clientID string
	tenant := func(id, attr string) tfjsonpath.Path {
		return tfjsonpath.New("results").AtMapKey(id).AtMapKey(attr)
	}
	// The provider's INFO log (TF_LOG=INFO) shows the sync's progress.
	logs := filepath.Join(t.TempDir(), "%s.log")
	t.Setenv("TF_LOG", "INFO")
	t.Setenv("TF_LOG_PATH_MASK", logs)
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
					if err := srv.SeedTenant(emulator.TenantSeed{ID: gone, DisplayName: "Gone", Domains: []string{"gone.onmicrosoft.com"}}); err != nil {
						t.Fatal(err)
					}
					if err := srv.DeleteTenant(gone); err != nil {
						t.Fatal(err)
					}
				},
				Config: withSync,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "status"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "organization_name"), knownvalue.StringExact("Fabrikam")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "default_domain"), knownvalue.StringExact("fabrikam.onmicrosoft.com")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "users"), knownvalue.Int64Exact(1200)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "licenses"), knownvalue.Int64Exact(3)),
					// Not consented for groups or devices: unreadable, not an error.
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "groups"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.NorthwindTenantID, "status"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.NorthwindTenantID, "consent_state"), knownvalue.StringExact("missing")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.NorthwindTenantID, "missing_permissions"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("Microsoft Graph/Organization.Read.All"), knownvalue.StringExact("Microsoft Graph/User.Read.All")})),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(gone, "status"), knownvalue.StringExact("error")),
					// A tenant that cannot be read is unreachable: its consent
					// is unknown, and it is not counted as pending.
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(gone, "consent_state"), knownvalue.StringExact("unknown")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(gone, "error"), knownvalue.StringRegexp(regexpMust(`^Tenant not found: Tenant '`+gone+`' not found`))),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "standing"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.NorthwindTenantID, "standing"), knownvalue.StringExact("not_onboarded")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.NorthwindTenantID, "consent_url"),
						knownvalue.StringRegexp(regexpMust(`/`+emulator.NorthwindTenantID+`/v2.0/adminconsent\?client_id=`))),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(gone, "standing"), knownvalue.StringExact("unreachable")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(gone, "cause"), knownvalue.StringRegexp(regexpMust(`^Tenant not found: Tenant '`+gone+`' not found`))),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(gone, "fix"), knownvalue.StringRegexp(regexpMust(`\S`))),
					// Each tenant once: 1 ok + 1 not onboarded + 1 unreachable = 3.
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("summary"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"total": knownvalue.Int64Exact(3), "ok": knownvalue.Int64Exact(1), "pending_consent": knownvalue.Int64Exact(0),
						"revoked": knownvalue.Int64Exact(0), "unreachable": knownvalue.Int64Exact(1), "not_onboarded": knownvalue.Int64Exact(1),
						"tenants_ok": knownvalue.Int64Exact(2), "tenants_failing": knownvalue.Int64Exact(1),
						"tenants_pending_consent": knownvalue.Int64Exact(1), "secrets_expiring": knownvalue.Int64Exact(0),
						// No client_secret_key_id: read in any order, so it does not judge.
						"secrets_unmanaged": knownvalue.Null()})),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("secrets").AtSliceIndex(0).AtMapKey("days_to_expiry"), knownvalue.Int64Exact(29)),
				},
				Check: func(*terraform.State) error {
					log, err := os.ReadFile(fmt.Sprintf(logs, t.Name()))
					if err != nil {
						return err
					}
					for msg, fields := range map[string][]string{
						"0/3 tenants": {"done=0", "total=3", "eta=unknown", "rate_per_second=0.0"},
						"3/3 tenants": {"done=3", "total=3", "eta=0s", "rate_per_second="},
					} {
						line := regexp.MustCompile(`\[INFO\] +[^ ]+: onboard_sync: ` + msg + `: .*`).Find(log)
						for _, f := range fields {
							if !strings.Contains(string(line), " "+f) {
								return fmt.Errorf("INFO progress line %q lacks %s; the log's onboard_sync lines: %s", line, f, regexp.MustCompile(`.*onboard_sync: .*`).FindAll(log, -1))
							}
						}
					}
					return nil
				},
			},
			{
				// Three weeks on, the check block warns (plan still succeeds).
				PreConfig: func() { srv.Advance(21 * 24 * time.Hour) },
				Config:    withSync,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("summary").AtMapKey("secrets_expiring"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("secrets").AtSliceIndex(0).AtMapKey("days_to_expiry"), knownvalue.Int64Exact(8)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("secrets").AtSliceIndex(0).AtMapKey("expiring"), knownvalue.Bool(true)),
				},
			},
			{
				// Fabrikam's Graph answers 500 to every read: unreachable,
				// with the cause, never pending; the totals still add up.
				PreConfig: func() {
					if err := srv.InjectFault(emulator.Fault{Service: "graph", Path: `/organization$`, Status: 500}); err != nil {
						t.Fatal(err)
					}
				},
				Config: withSync,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "standing"), knownvalue.StringExact("unreachable")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "status"), knownvalue.StringExact("error")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tenant(emulator.FabrikamTenantID, "cause"), knownvalue.StringRegexp(regexpMust(`500`))),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("summary"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"total": knownvalue.Int64Exact(3), "ok": knownvalue.Int64Exact(0), "unreachable": knownvalue.Int64Exact(2),
						"not_onboarded": knownvalue.Int64Exact(1), "pending_consent": knownvalue.Int64Exact(0), "tenants_pending_consent": knownvalue.Int64Exact(1)})),
				},
			},
			{
				// The secret rotated with an overlap (a new one added, the
				// old one kept): the old one is superseded, not expiring.
				PreConfig: func() { srv.ClearFaults() },
				Config: withSync + `
resource "onboard_client_secret" "next" {
  application_id = onboard_entra_app.app.id
  display_name   = "sync"
  lifetime       = "720h"
}
`,
			},
			{
				Config: withSync + `
resource "onboard_client_secret" "next" {
  application_id = onboard_entra_app.app.id
  display_name   = "sync"
  lifetime       = "720h"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("summary").AtMapKey("secrets_expiring"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("secrets").AtSliceIndex(0).AtMapKey("superseded"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("secrets").AtSliceIndex(0).AtMapKey("expiring"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("secrets").AtSliceIndex(1).AtMapKey("expiring"), knownvalue.Bool(false)),
				},
			},
		},
	})
}
