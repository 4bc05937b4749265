package provider_test

import (
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
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	refreshToken := os.Getenv("ONBOARD_PARTNER_REFRESH_TOKEN")
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	name := acctest.Name(t, "redaction")
	var secret, keyID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// The partner's refresh token grants consent and authorizes the
			// app; the app's own secret reads the consent.
			Config: bcAppConfig(name, emulator.FabrikamTenantID),
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources["onboard_client_secret.app"].Primary.Attributes
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
	if len(secret) < 16 || keyID == "" || len(refreshToken) < 16 || !strings.Contains(log, name) || !strings.Contains(log, "sdk.framework") ||
		!strings.Contains(log, "onboard_bc_authorized_app") {
		t.Fatalf("the trace log (%d bytes) does not record this run; the test would prove nothing", len(log))
	}
	for what, s := range map[string]string{"the new client secret": secret, "the provider's client secret": emulator.DefaultAutomationClientSecret,
		"the partner's refresh token": refreshToken, "an access token": "eyJ0eXAi", "a bearer header": "Bearer ey"} {
		if strings.Contains(log, s) {
			t.Errorf("%s appears in the TRACE log", what)
		}
	}
}
