package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
)

// Each invalid input fails at plan (nothing is created), and the error
// names the rule and a valid value.
func TestAccValidation_refusedAtPlan(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	const app = "00000000-0000-4000-8000-000000000000"
	cases := []struct{ name, config, want string }{
		{"rotate_before not shorter than lifetime", `resource "onboard_client_secret" "x" {
  application_id = "` + app + `"
  lifetime       = "720h"
  rotate_before  = "30d"
}`, `rotate_before must be shorter than lifetime, or the new secret is due at once and every apply replaces it; e.g. lifetime = "8760h" with rotate_before = "720h" (rotate_before = "30d", lifetime = "720h")`},
		{"end_date in the past", `resource "onboard_client_secret" "x" {
  application_id = "` + app + `"
  end_date       = "2020-01-01T00:00:00Z"
}`, `end_date must be in the future: 2020-01-01T00:00:00Z has passed by this machine's clock`},
		{"blank display_name", `resource "onboard_entra_app" "x" {
  display_name = "   "
}`, `display_name: must contain more than spaces, e.g. "Contoso Onboarding"`},
		{"blank unique_name", `resource "onboard_entra_app" "x" {
  display_name = "x"
  unique_name  = " "
}`, `unique_name: must contain more than spaces, e.g. "contoso-onboarding"`},
		{"blank secret display_name", `resource "onboard_client_secret" "x" {
  application_id = "` + app + `"
  display_name   = "	"
}`, `display_name: must contain more than spaces, e.g. "terraform"`},
		{"http web redirect URI", `resource "onboard_entra_app" "x" {
  display_name      = "x"
  web_redirect_uris = ["http://contoso.com/auth"]
}`, `web redirect URIs must use https (plain http only to localhost or 127.0.0.1); http would send the authorization code in cleartext, e.g. "https://contoso.com/auth" or "http://localhost:8400/": got "http://contoso.com/auth"`},
		{"custom scheme on the web platform", `resource "onboard_entra_app" "x" {
  display_name      = "x"
  web_redirect_uris = ["myapp://auth"]
}`, `the myapp: scheme is only for public clients`},
		{"javascript public client redirect URI", `resource "onboard_entra_app" "x" {
  display_name                = "x"
  public_client_redirect_uris = ["javascript:alert(1)"]
}`, `public client redirect URIs must use https, http to localhost or 127.0.0.1, or the app's own scheme; a javascript: URI would run in or read from the browser`},
		{"wait_for_consent unbounded", `resource "onboard_customer_tenant" "x" {
  client_id        = "` + app + `"
  tenant           = "contoso.onmicrosoft.com"
  wait_for_consent = "9999h"
}`, `Attribute wait_for_consent must be from 0s to 2h, such as "15m", got: "9999h"`},
		{"tenant neither ID nor domain", `resource "onboard_customer_tenant" "x" {
  client_id = "` + app + `"
  tenant    = "Contoso Ltd"
}`, `tenant: must be a tenant ID (a GUID) or a verified domain, e.g. "contoso.onmicrosoft.com": got "Contoso Ltd"`},
		{"customer redirect_uri over http", `resource "onboard_customer_tenant" "x" {
  client_id    = "` + app + `"
  tenant       = "contoso.onmicrosoft.com"
  redirect_uri = "http://orbit.qezaro.com/reseller"
}`, `redirect_uri: web redirect URIs must use https`},
		{"admin_consent_url tenant", `output "x" {
  value = provider::onboard::admin_consent_url("not a tenant", "` + app + `", "https://contoso.com/auth")
}`, `tenant must be a tenant ID (a GUID) or a verified domain, e.g. "contoso.onmicrosoft.com": got "not a tenant" (or "organizations")`},
		{"admin_consent_url redirect_uri", `output "x" {
  value = provider::onboard::admin_consent_url("contoso.onmicrosoft.com", "` + app + `", "javascript:alert(document.cookie)")
}`, `redirect_uri: web redirect URIs must use https (plain http only to localhost or 127.0.0.1); a javascript: URI would run in or read from the browser`},
		{"tenant_timeout unbounded", `data "onboard_sync" "x" {
  client_id      = "` + app + `"
  tenants        = []
  tenant_timeout = "9999h"
}`, `Attribute tenant_timeout must be from 1s to 10m, such as "60s", got: "9999h"`},
		{"blank card description", `resource "onboard_bc_environment_app" "x" {
  tenant_id   = "` + app + `"
  environment = "Production"
  client_id   = "` + app + `"
  description = "  "
  permission_sets = [{ role_id = "LOGIN" }]
}`, `description: must contain more than spaces, e.g. "Mosaic Business Central"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				// Provider functions need Terraform 1.8; the other cases run on every version.
				TerraformVersionChecks: functionVersionCheck(c.config),
				Steps:                  []resource.TestStep{{Config: c.config, PlanOnly: true, ExpectError: wrapped(c.want)}},
			})
		})
	}
}

// What Microsoft accepts passes: https, http to localhost, a public
// client's own scheme.
func TestAccValidation_validRedirectURIsPlan(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "onboard_entra_app" "x" {
  display_name                = %q
  web_redirect_uris           = ["https://contoso.com/auth", "http://localhost:8400/"]
  public_client_redirect_uris = ["msal00000000-0000-4000-8000-000000000000://auth", "http://127.0.0.1"]
}
resource "onboard_client_secret" "x" {
  application_id = onboard_entra_app.x.id
  lifetime       = "8760h"
  rotate_before  = "720h"
}
`, acctest.Name(t, "valid")),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

func functionVersionCheck(config string) []tfversion.TerraformVersionCheck {
	if strings.Contains(config, "provider::onboard::") {
		return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}
	}
	return nil
}
