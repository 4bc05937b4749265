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
