package provider_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// usePartner gives the provider the default partner admin's refresh token
// (Azure CLI client), as a partner's CI would hold one, for this test.
func usePartner(t *testing.T, srv *emulator.Server) {
	t.Helper()
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_PARTNER_REFRESH_TOKEN", rt)
}

// graphAppConfig is a multi-tenant app with a 720 h secret and Microsoft
// Graph User.Read.All, as onboard_entra_app.app.
func graphAppConfig(name string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name     = %q
  sign_in_audience = "AzureADMultipleOrgs"
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
  lifetime       = "720h"
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["User.Read.All"]
}
`, name)
}

// syncAppConfig is an app with a secret named "sync" and the Microsoft Graph
// application permissions perms: what the sync tests read tenants with.
func syncAppConfig(name string, perms ...string) string {
	quoted := make([]string, len(perms))
	for i, p := range perms {
		quoted[i] = strconv.Quote(p)
	}
	return fmt.Sprintf(`
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
  application_permissions = [%s]
}
`, name, strings.Join(quoted, ", "))
}

// customerConfig onboards graphAppConfig's app into tenant, reading consent
// with secret (an HCL expression).
func customerConfig(label, tenant, secret string) string {
	return fmt.Sprintf(`
resource "onboard_customer_tenant" %q {
  client_id     = onboard_entra_app.app.client_id
  client_secret = %s
  tenant        = %q
  depends_on    = [onboard_api_permission.graph]
}
`, label, secret, tenant)
}

// expectNoop: plan neither creates, replaces nor changes these resources.
func expectNoop(addrs ...string) []plancheck.PlanCheck {
	var out []plancheck.PlanCheck
	for _, a := range addrs {
		out = append(out, plancheck.ExpectResourceAction(a, plancheck.ResourceActionNoop))
	}
	return out
}

// saveAttr is a check that copies attribute attr of resource addr from the
// step's state into *dst, for the next steps.
func saveAttr(addr, attr string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		r, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		*dst = r.Primary.Attributes[attr]
		return nil
	}
}

// consentAs is a PreConfig in which upn, an admin of tenant, consents to
// the app *clientID (read when the step runs, after saveAttr set it).
func consentAs(t *testing.T, srv *emulator.Server, tenant string, clientID *string, upn string) func() {
	return func() {
		t.Helper()
		if err := srv.Consent(tenant, *clientID, upn); err != nil {
			t.Fatal(err)
		}
	}
}
