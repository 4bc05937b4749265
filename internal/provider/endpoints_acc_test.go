package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
)

// wrapped matches s in Terraform's output, which wraps at any space.
func wrapped(s string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(s), " ", `\s+`))
}

// An http:// endpoint would send tokens and secrets in cleartext: refused
// at plan, from the provider block or the environment.
func TestAccProvider_httpEndpointRefused(t *testing.T) {
	acctest.Emulator(t)
	app := `
resource "onboard_entra_app" "x" {
  display_name = "x"
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "onboard" {
  endpoints = {
    graph = "http://graph.example.com"
  }
}
` + app,
				PlanOnly:    true,
				ExpectError: wrapped(`endpoints.graph must use https://: tokens and secrets would cross the network in cleartext`),
			},
			{
				Config: `
provider "onboard" {
  endpoints = {
    login = "javascript:alert(1)"
  }
}
` + app,
				PlanOnly:    true,
				ExpectError: wrapped(`endpoints.login must be an absolute https:// URL of an origin, e.g. "https://login.microsoftonline.com"; got "javascript:alert(1)"`),
			},
			{
				PreConfig:   func() { t.Setenv("ONBOARD_BC_ENDPOINT", "http://api.businesscentral.dynamics.com") },
				Config:      app,
				PlanOnly:    true,
				ExpectError: wrapped(`endpoints.business_central (or ONBOARD_BC_ENDPOINT) must use https://`),
			},
		},
	})
}

// The emulator's certificate without its CA trusted: the diagnostic names
// the endpoint, the unknown authority and ca_cert_file, not "unable to
// resolve an endpoint".
func TestAccProvider_untrustedEmulator(t *testing.T) {
	srv := acctest.Emulator(t)
	t.Setenv("ONBOARD_CA_CERT_FILE", "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "onboard_entra_app" "x" {
  display_name = "` + acctest.Name(t, "untrusted") + `"
}
`,
			ExpectError: regexp.MustCompile(`(?s)TLS certificate of ` + regexp.QuoteMeta(srv.URL()) + `\s+refused.*certificate\s+signed\s+by\s+unknown\s+authority.*ca_cert_file`),
		}},
	})
}
