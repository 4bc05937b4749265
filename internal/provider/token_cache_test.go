package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/provider"
)

// token_cache_path: a plan after another within the tokens' lifetime asks
// for no token at all (the consent read included, as the cached token
// shows every required permission); without the file, the same plan asks
// again; the file is 0600 and holds no secret.
func TestAccProvider_tokenCachePath(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "tokencache")
	cache := filepath.Join(t.TempDir(), "onboard-tokens.json")
	app := syncAppConfig(name, "Organization.Read.All", "User.Read.All")
	sync := app + fmt.Sprintf(`
data "onboard_sync" "all" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenants       = [%q]
  depends_on    = [onboard_api_permission.graph]
}
`, emulator.FabrikamTenantID)
	withCache := fmt.Sprintf("provider \"onboard\" {\n  token_cache_path = %q\n}\n", cache) + sync
	var clientID, secret string
	tokens := 0
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: app,
				Check: func(s *terraform.State) error {
					clientID = s.RootModule().Resources["onboard_entra_app.app"].Primary.Attributes["client_id"]
					secret = s.RootModule().Resources["onboard_client_secret.app"].Primary.Attributes["value"]
					return nil
				},
			},
			{
				// The first run with the cache: tokens are asked for and kept.
				PreConfig: func() {
					if err := srv.Consent(emulator.FabrikamTenantID, clientID, "admin@fabrikam.onmicrosoft.com"); err != nil {
						t.Fatal(err)
					}
				},
				Config: withCache,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("results").AtMapKey(emulator.FabrikamTenantID).AtMapKey("consent_state"),
						knownvalue.StringExact("granted")),
				},
			},
			{
				// The next plan, as a new provider process would make it:
				// the file, read again, has every token it needs.
				PreConfig: func() {
					if err := provider.FlushTokenCaches(); err != nil {
						t.Fatal(err)
					}
					fi, err := os.Stat(cache)
					if err != nil {
						t.Fatal(err)
					}
					if fi.Mode().Perm() != 0o600 {
						t.Fatalf("token cache mode %v, want 0600", fi.Mode().Perm())
					}
					b, _ := os.ReadFile(cache)
					if secret == "" || strings.Contains(string(b), secret) || !strings.Contains(string(b), `"access_token"`) {
						t.Fatalf("the token cache should hold tokens and not the app's secret")
					}
					srv.ResetCounters()
				},
				Config:   withCache,
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					c := srv.Counters()
					if c.Tokens != 0 {
						t.Fatalf("the plan with a token cache asked for %d tokens, want 0 (%v)", c.Tokens, c.ByPath)
					}
					srv.ResetCounters()
				},
				// Without the file, the same plan asks again: the tokens
				// above came from the file, not from a process that lived on.
				Config:   sync,
				PlanOnly: true,
			},
			{
				PreConfig: func() {
					tokens = srv.Counters().Tokens
					if tokens == 0 {
						t.Fatal("the plan without a token cache asked for no token")
					}
				},
				Config: sync,
			},
		},
	})
	t.Logf("token requests without the cache: %d", tokens)
}
