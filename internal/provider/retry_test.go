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
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// Graph asks for a day's wait; max_retry_wait = "1s" makes it a second,
// and TF_LOG=INFO shows the wait.
func TestAccProvider_maxRetryWaitCapsRetryAfter(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "capped")
	// The provider's log of this test goes to its own file (terraform-
	// plugin-log's test sink).
	logs := filepath.Join(t.TempDir(), "%s.log")
	t.Setenv("TF_LOG", "INFO")
	t.Setenv("TF_LOG_PATH_MASK", logs)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if err := srv.InjectFault(emulator.Fault{Service: "graph", Method: "PATCH", Path: `maxretrywaitcapsretryafter`, Status: 429, RetryAfter: 86400, Count: 1}); err != nil {
					t.Fatal(err)
				}
			},
			Config: fmt.Sprintf(`
provider "onboard" {
  max_retry_wait = "1s"
}
resource "onboard_entra_app" "test" {
  display_name = %q
}
`, name),
			Check: func(*terraform.State) error {
				var found bool
				for _, r := range srv.Retries() {
					if !strings.Contains(r.Request, "maxretrywaitcapsretryafter") {
						continue
					}
					found = true
					if r.RetryAfter != 24*time.Hour || r.Waited < time.Second || r.Waited > 20*time.Second {
						return fmt.Errorf("%s: Retry-After %v, waited %v; want the 1s cap", r.Request, r.RetryAfter, r.Waited)
					}
				}
				if !found {
					return fmt.Errorf("no retry recorded: %+v", srv.Retries())
				}
				log, err := os.ReadFile(fmt.Sprintf(logs, t.Name()))
				if err != nil {
					return err
				}
				line := regexp.MustCompile(`\[INFO\] +[^ ]+: Microsoft Graph: waiting before retrying: .*`).Find(log)
				for _, want := range []string{`api="Microsoft Graph"`, `method=PATCH`, `status=429`, `delay=1s`, `retry_after=24h0m0s`, `attempt="retry 1 of 8"`, `maxretrywaitcapsretryafter`} {
					if !strings.Contains(string(line), want) {
						return fmt.Errorf("INFO log line %q lacks %s", line, want)
					}
				}
				return nil
			},
		}},
	})
}

func TestAccProvider_maxRetryWaitBounded(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	for _, c := range []struct{ value, want string }{
		{"9999h", `must be from 1s to 1h, such as "5m", got: "9999h"`},
		{"0s", `must be from 1s to 1h`},
		{"soon", `must be a duration such as "5m"`},
	} {
		resource.Test(t, resource.TestCase{
			PreCheck:                 func() { acctest.PreCheck(t) },
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(`
provider "onboard" {
  max_retry_wait = %q
}
resource "onboard_entra_app" "x" {
  display_name = "x"
}
`, c.value),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(regexp.QuoteMeta(c.want)),
			}},
		})
	}
}

// Graph keeps answering 503 to the create: with timeouts { create = "3s" }
// and max_retry_wait = "1s" the provider retries until the next wait would
// pass the deadline and fails with "Timed out" naming the operation, long
// before its own defaults (8 retries of up to 5m) would stop it.
func TestAccProvider_timeoutsBoundRetries(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "deadline")
	patch := "PATCH /v1.0/applications(uniqueName='onboard-acc-testaccprovider-timeoutsboundretries-deadline')"
	var start time.Time
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					srv.ResetCounters()
					if err := srv.InjectFault(emulator.Fault{Service: "graph", Method: "PATCH", Path: `timeoutsboundretries`, Status: 503, RetryAfter: 1}); err != nil {
						t.Fatal(err)
					}
					start = time.Now()
				},
				Config: fmt.Sprintf(`
provider "onboard" {
  max_retry_wait = "1s"
}
resource "onboard_entra_app" "test" {
  display_name = %q
  timeouts {
    create = "3s"
  }
}
`, name),
				ExpectError: regexp.MustCompile(`(?s)Timed out creating app registration.*stopped retrying PATCH.*would pass the operation's deadline.*Graph answered 503.*raise the resource's timeouts`),
			},
			{
				PreConfig: func() {
					took := time.Since(start)
					srv.ClearFaults()
					n := srv.Counters().ByPath[patch]
					if n < 2 || n > 4 || took > 30*time.Second {
						t.Fatalf("%d PATCH requests in %v; want 3 or so, one a second, until the 3s deadline", n, took)
					}
					if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name); len(apps) != 0 {
						t.Fatalf("the refused create left %+v", apps)
					}
				},
				Config: fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
`, name),
				Check: func(*terraform.State) error {
					if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name); len(apps) != 1 {
						return fmt.Errorf("want one app, emulator has %+v", apps)
					}
					return nil
				},
			},
		},
	})
}
