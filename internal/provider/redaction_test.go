package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// No secret reaches a log: the full TRACE output of Terraform and the
// provider is searched for the secret values and for access tokens.
func TestAccNoSecretsInTraceLogs(t *testing.T) {
	acctest.Emulator(t)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	name := acctest.Name(t, "redaction")
	var secret, keyID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
resource "onboard_client_secret" "test" {
  application_id = onboard_entra_app.test.id
  lifetime       = "720h"
}
`, name),
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources["onboard_client_secret.test"].Primary.Attributes
				secret, keyID = attrs["value"], attrs["key_id"]
				return nil
			},
		}},
	})
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("no trace log was written: %v", err)
	}
	log := string(b)
	// Positive control: the log does record this run's configuration and
	// plan, so a value that leaked would be found.
	if len(secret) < 16 || keyID == "" || !strings.Contains(log, name) || !strings.Contains(log, "sdk.framework") {
		t.Fatalf("the trace log (%d bytes) does not record this run; the test would prove nothing", len(log))
	}
	for what, s := range map[string]string{"the new client secret": secret, "the provider's client secret": emulator.DefaultAutomationClientSecret, "an access token": "eyJ0eXAi"} {
		if strings.Contains(log, s) {
			t.Errorf("%s appears in the TRACE log", what)
		}
	}
}
