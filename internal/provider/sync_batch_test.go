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

// batchTenant is a tenant of the $batch tests with its seeded counts.
type batchTenant struct {
	id, name, short        string
	users, groups, devices int
}

// Tenants of the $batch tests (their own, so that other tests' seeds and
// consents do not meet them), in two sets: one per test.
var (
	batchCountTenants = []batchTenant{
		{"6d1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1b01", "Alpine Ski House", "alpineski", 11, 3, 7},
		{"6d1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1b02", "Bellows College", "bellows", 23, 5, 13},
		{"6d1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1b03", "Coho Winery", "coho", 37, 4, 19},
	}
	batchRetryTenants = []batchTenant{
		{"6d1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1b11", "Datum Corp", "datumcorp", 12, 2, 6},
		{"6d1f0a2b-3c4d-4e5f-8a6b-7c8d9e0f1b12", "Fourth Coffee", "fourthcoffee", 29, 6, 15},
	}
)

// batchSyncTest seeds tenants and, after a first step that creates the app,
// runs the step that step builds from the configuration with the sync over
// them (max_parallel given) and a function that consents the app in each.
func batchSyncTest(t *testing.T, srv *emulator.Server, tenants []batchTenant, maxParallel int,
	step func(withSync string, consent func()) resource.TestStep) {
	t.Helper()
	ids := make([]string, len(tenants))
	for i, bt := range tenants {
		seedInventoryTenant(t, srv, bt.id, bt.name, bt.short, emulator.Inventory{Users: bt.users, Groups: bt.groups, Devices: bt.devices,
			Skus: []emulator.SkuSeed{{SkuPartNumber: "SPE_E3", Enabled: bt.users, Consumed: bt.users - 1}}})
		ids[i] = fmt.Sprintf("%q", bt.id)
	}
	base := syncAppConfig(acctest.Name(t, "batch"), "Organization.Read.All", "User.Read.All", "Group.Read.All", "Device.Read.All")
	withSync := base + fmt.Sprintf(`
data "onboard_sync" "all" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenants       = [%s]
  max_parallel  = %d
  depends_on    = [onboard_api_permission.graph]
}
`, strings.Join(ids, ", "), maxParallel)
	var clientID string
	consent := func() {
		for _, bt := range tenants {
			if err := srv.Consent(bt.id, clientID, "admin@"+bt.short+"-inventory.onmicrosoft.com"); err != nil {
				t.Fatal(err)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: base, Check: saveAttr("onboard_entra_app.app", "client_id", &clientID)},
			step(withSync, consent),
		},
	})
}

// batchCountChecks are the sync's counts of each tenant, as seeded.
func batchCountChecks(tenants []batchTenant) []statecheck.StateCheck {
	var checks []statecheck.StateCheck
	for _, bt := range tenants {
		r := tfjsonpath.New("results").AtMapKey(bt.id)
		checks = append(checks,
			statecheck.ExpectKnownValue("data.onboard_sync.all", r.AtMapKey("status"), knownvalue.StringExact("ok")),
			statecheck.ExpectKnownValue("data.onboard_sync.all", r.AtMapKey("organization_name"), knownvalue.StringExact(bt.name)),
			statecheck.ExpectKnownValue("data.onboard_sync.all", r.AtMapKey("users"), knownvalue.Int64Exact(int64(bt.users))),
			statecheck.ExpectKnownValue("data.onboard_sync.all", r.AtMapKey("groups"), knownvalue.Int64Exact(int64(bt.groups))),
			statecheck.ExpectKnownValue("data.onboard_sync.all", r.AtMapKey("devices"), knownvalue.Int64Exact(int64(bt.devices))),
			statecheck.ExpectKnownValue("data.onboard_sync.all", r.AtMapKey("licenses"), knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue("data.onboard_sync.all", r.AtMapKey("license_skus").AtMapKey("SPE_E3").AtMapKey("consumed"), knownvalue.Int64Exact(int64(bt.users-1))),
			statecheck.ExpectKnownValue("data.onboard_sync.all", r.AtMapKey("unavailable"), knownvalue.MapSizeExact(3)), // secure score, Intune, mailboxes
		)
	}
	return checks
}

// syncReads counts the sync's reads so far from its INFO progress log: one
// "0/N tenants" line each. Terraform may read a data source at plan and
// again at apply; the request counts are per read.
func syncReads(t *testing.T, logs string, n int) (int, string, error) {
	b, err := os.ReadFile(fmt.Sprintf(logs, t.Name()))
	if err != nil {
		return 0, "", err
	}
	reads := len(regexp.MustCompile(fmt.Sprintf(`onboard_sync: 0/%d tenants`, n)).FindAll(b, -1))
	if reads == 0 {
		return 0, "", fmt.Errorf("no onboard_sync progress line in the log")
	}
	return reads, string(b), nil
}

// singleDirectoryGets are the single reads the $batch replaced.
var singleDirectoryGets = []string{"GET /v1.0/organization", "GET /v1.0/users", "GET /v1.0/groups", "GET /v1.0/devices", "GET /v1.0/subscribedSkus",
	"GET /v1.0/security/secureScores", "GET /v1.0/deviceManagement/managedDevices"}

// A sync over N tenants reads each tenant's directory, Secure Score and
// Intune devices with one $batch: the emulator counts N $batch requests per
// read of the data source and no single GET of organization, users, groups,
// devices, subscribedSkus, secureScores or managedDevices; the only other
// Graph request per tenant is the mailbox usage report (a redirect to a
// download, not batched).
func TestAccSync_oneBatchPerTenant(t *testing.T) {
	srv := acctest.Emulator(t)
	logs := filepath.Join(t.TempDir(), "%s.log")
	t.Setenv("TF_LOG", "INFO")
	t.Setenv("TF_LOG_PATH_MASK", logs)
	n := len(batchCountTenants)
	batchSyncTest(t, srv, batchCountTenants, 8, func(withSync string, consent func()) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				consent()
				srv.ResetCounters()
			},
			Config:            withSync,
			ConfigStateChecks: batchCountChecks(batchCountTenants),
			Check: func(*terraform.State) error {
				c := srv.Counters()
				reads, _, err := syncReads(t, logs, n)
				if err != nil {
					return err
				}
				if got := c.ByPath["POST /v1.0/$batch"]; got != n*reads {
					return fmt.Errorf("%d $batch requests for %d reads of a sync over %d tenants, want %d", got, reads, n, n*reads)
				}
				for _, p := range singleDirectoryGets {
					if c.ByPath[p] != 0 {
						return fmt.Errorf("%d single %s requests, want none (the $batch reads it)", c.ByPath[p], p)
					}
				}
				return nil
			},
		}
	})
}

// A 429 with Retry-After on one tenant's users sub-request: only that
// sub-request goes again, in a second $batch after the Retry-After, the
// retry is logged, and the tenant's counts are right.
func TestAccSync_batchRetriesThrottledSubRequest(t *testing.T) {
	srv := acctest.Emulator(t)
	logs := filepath.Join(t.TempDir(), "%s.log")
	t.Setenv("TF_LOG", "INFO")
	t.Setenv("TF_LOG_PATH_MASK", logs)
	n := len(batchRetryTenants)
	// One tenant at a time, so that the emulator's record of the retry
	// (by method and path) is the throttled tenant's own request.
	batchSyncTest(t, srv, batchRetryTenants, 1, func(withSync string, consent func()) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				consent()
				srv.ClearFaults()
				if err := srv.InjectFault(emulator.Fault{Service: "graph", Method: "GET", Path: `^/v1.0/users$`, Status: 429, RetryAfter: 1, Count: 1}); err != nil {
					t.Fatal(err)
				}
				srv.ResetCounters()
			},
			Config:            withSync,
			ConfigStateChecks: batchCountChecks(batchRetryTenants),
			Check: func(*terraform.State) error {
				defer srv.ClearFaults()
				retries := srv.Retries()
				if len(retries) != 1 || retries[0].Request != "GET /v1.0/users" || retries[0].RetryAfter != time.Second || retries[0].Waited < time.Second {
					return fmt.Errorf("retries %+v, want the users sub-request once, after its Retry-After of 1s", retries)
				}
				c := srv.Counters()
				reads, log, err := syncReads(t, logs, n)
				if err != nil {
					return err
				}
				// The retry is one more $batch, with the users request alone.
				if got := c.ByPath["POST /v1.0/$batch"]; got != n*reads+1 {
					return fmt.Errorf("%d $batch requests for %d reads over %d tenants, want %d (one more for the retry)", got, reads, n, n*reads+1)
				}
				for _, p := range singleDirectoryGets {
					if c.ByPath[p] != 0 {
						return fmt.Errorf("%d single %s requests, want none", c.ByPath[p], p)
					}
				}
				line := regexp.MustCompile(`Microsoft Graph: waiting before retrying: .*`).FindString(log)
				for _, f := range []string{"path=/v1.0/users", "status=429", "retry_after=1s", "batch=true"} {
					if !strings.Contains(line, f) {
						return fmt.Errorf("retry log line %q lacks %s", line, f)
					}
				}
				return nil
			},
		}
	})
}
