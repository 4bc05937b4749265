package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// oneCopyConfig is examples/msp-multitenant's wiring: the secret lives in
// onboard_client_secret; the customer gets it write-only, and the sync
// signs in with the secret the provider holds in the run.
func oneCopyConfig(name string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "orbit" {
  display_name      = %q
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://orbit.example.com/reseller"]
}
resource "onboard_client_secret" "orbit" {
  application_id = onboard_entra_app.orbit.id
  display_name   = "orbit"
  lifetime       = "2160h"
  rotate_before  = "720h"
  lifecycle {
    create_before_destroy = true
  }
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}
resource "onboard_customer_tenant" "fabrikam" {
  client_id                = onboard_entra_app.orbit.client_id
  client_secret_wo         = onboard_client_secret.orbit.value
  client_secret_wo_version = onboard_client_secret.orbit.key_id
  tenant                   = "fabrikam.onmicrosoft.com"
  depends_on               = [onboard_api_permission.graph]
}
data "onboard_sync" "all" {
  client_id            = onboard_entra_app.orbit.client_id
  tenants              = [onboard_customer_tenant.fabrikam.tenant_id]
  client_secret_key_id = onboard_client_secret.orbit.key_id
}
`, name)
}

// secretsIn counts how often each value occurs in the state's attributes,
// resources and data sources alike.
func secretsIn(s *terraform.State, values []string) map[string]int {
	n := map[string]int{}
	for _, r := range s.RootModule().Resources {
		for _, is := range append([]*terraform.InstanceState{r.Primary}, r.Deposed...) {
			if is == nil {
				continue
			}
			for _, v := range is.Attributes {
				for _, secret := range values {
					n[secret] += strings.Count(v, secret)
				}
			}
		}
	}
	return n
}

// appSecrets are the texts of every secret the emulator issued to the app
// named name, including removed ones the test remembered.
func appSecrets(t *testing.T, srv *emulator.Server, name string, seen map[string]bool) []string {
	for _, a := range srv.AppsNamed(emulator.DefaultHomeTenantID, name) {
		for _, sec := range a.Secrets {
			v, err := srv.SecretValue(emulator.DefaultHomeTenantID, a.ID, sec.KeyID)
			if err != nil {
				t.Fatal(err)
			}
			seen[v] = true
		}
	}
	var out []string
	for v := range seen {
		out = append(out, v)
	}
	return out
}

// The recommended configuration keeps the app's secret in state once (in
// onboard_client_secret), through consent read as the app, a rotation that
// consumers follow in the same apply, and the sync; with TF_LOG=TRACE no
// secret and no token the emulator issued appears in the log.
func TestAccAppCredential_secretStoredOnce(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "orbit")
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")
	tokensBefore := len(srv.IssuedTokens())
	seen := map[string]bool{}
	var clientID, stray string
	once := func(s *terraform.State) error {
		current := s.RootModule().Resources["onboard_client_secret.orbit"].Primary.Attributes["value"]
		for v, n := range secretsIn(s, appSecrets(t, srv, name, seen)) {
			if n > 1 || (v == current && n != 1) {
				return fmt.Errorf("a secret of the app occurs %d times in state (the current one: %v), want at most once", n, v == current)
			}
		}
		return nil
	}
	fabrikam := func(attr string) tfjsonpath.Path {
		return tfjsonpath.New("results").AtMapKey(emulator.FabrikamTenantID).AtMapKey(attr)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: oneCopyConfig(name),
				// Consent is still missing: plan keeps showing it.
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("client_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
					// Read as the app with the write-only secret: nothing consented yet.
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("missing_permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/Organization.Read.All")})),
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("client_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("status"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("consent_state"), knownvalue.StringExact("missing")),
				},
				Check: func(s *terraform.State) error {
					clientID = s.RootModule().Resources["onboard_entra_app.orbit"].Primary.Attributes["client_id"]
					return once(s)
				},
			},
			{
				// Consent still pending: the sync is read during apply, where
				// onboard_client_secret does not run; it signs in with the
				// secret the customer was handed write-only.
				Config:             oneCopyConfig(name),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_secret.orbit", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("data.onboard_sync.all", plancheck.ResourceActionRead),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("status"), knownvalue.StringExact("ok")),
				},
				Check: once,
			},
			{
				// The customer consents: the refresh reads it as the app with
				// the secret onboard_client_secret holds, and plan is empty.
				PreConfig:        consentAs(t, srv, emulator.FabrikamTenantID, &clientID, "admin@fabrikam.onmicrosoft.com"),
				Config:           oneCopyConfig(name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("consent_state"), knownvalue.StringExact("granted")),
				},
				Check: once,
			},
			{
				// Into the rotation window: the new secret is added beside the
				// old one (kept a week), the customer reads with it in the same
				// apply, the sync too; still one copy, of the new secret only.
				PreConfig: func() { srv.Advance(61 * 24 * time.Hour) },
				Config:    oneCopyConfig(name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_secret.orbit", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("onboard_customer_tenant.fabrikam", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("status"), knownvalue.StringExact("ok")),
				},
				Check: once,
			},
			{
				// A secret added outside Terraform (the portal, another tool, or
				// one left by `terraform state rm`): the sync names it unmanaged;
				// the rotated secret and the previous one it keeps are managed.
				PreConfig: func() {
					apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 {
						t.Fatalf("want one app named %q, got %d", name, len(apps))
					}
					var err error
					if stray, _, err = srv.AddSecret(emulator.DefaultHomeTenantID, apps[0].ID, "portal", srv.Now().Add(365*24*time.Hour)); err != nil {
						t.Fatal(err)
					}
				},
				Config: oneCopyConfig(name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("summary").AtMapKey("secrets_unmanaged"), knownvalue.Int64Exact(1)),
					// Soonest end first: the kept previous one, the current one, the stray.
					statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("secrets"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"managed": knownvalue.Bool(true)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"managed": knownvalue.Bool(true)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"managed": knownvalue.Bool(false), "display_name": knownvalue.StringExact("portal")}),
					})),
				},
				Check: func(s *terraform.State) error {
					a := s.RootModule().Resources["data.onboard_sync.all"].Primary.Attributes
					if a["secrets.2.key_id"] != stray {
						return fmt.Errorf("unmanaged secret %s, want the one added out of band, %s", a["secrets.2.key_id"], stray)
					}
					secret := s.RootModule().Resources["onboard_client_secret.orbit"].Primary.Attributes
					if a["secrets.0.key_id"] != secret["previous_key_id"] || a["secrets.1.key_id"] != secret["key_id"] {
						return fmt.Errorf("managed secrets %s, %s; want the previous %s and the current %s",
							a["secrets.0.key_id"], a["secrets.1.key_id"], secret["previous_key_id"], secret["key_id"])
					}
					return nil
				},
			},
		},
	})
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) < 10000 {
		t.Fatalf("the TRACE log has %d bytes: logging did not happen, so it proves nothing", len(log))
	}
	secrets := appSecrets(t, srv, name, seen)
	if len(secrets) < 2 {
		t.Fatalf("want the first and the rotated secret, got %d", len(secrets))
	}
	for _, v := range secrets {
		if strings.Contains(string(log), v) {
			t.Errorf("a secret of the app is in the TRACE log")
		}
	}
	tokens := srv.IssuedTokens()[tokensBefore:]
	if len(tokens) == 0 {
		t.Fatal("the emulator issued no token during the test")
	}
	for _, tok := range tokens {
		// The signature alone identifies a token; a log that held any
		// part of it would hold that.
		if sig := tok[strings.LastIndex(tok, ".")+1:]; strings.Contains(string(log), sig) {
			t.Errorf("an access token the emulator issued is in the TRACE log")
		}
	}
}
