package provider_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// Seeds 001-003: a single-tenant app; the provider's automation identity
// grants admin consent in its own tenant, and plan shows a revocation.
func TestAccCustomerTenant_homeTenantConsent(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "connector")
	config := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name = %q
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All"]
}
resource "onboard_customer_tenant" "home" {
  client_id    = onboard_entra_app.app.client_id
  tenant       = %q
  company_name = "Contoso Vendor"
  depends_on   = [onboard_api_permission.bc]
}
`, name, emulator.DefaultHomeTenantDomain)
	granted := knownvalue.SetExact([]knownvalue.Check{
		knownvalue.StringExact("Dynamics 365 Business Central/API.ReadWrite.All"),
		knownvalue.StringExact("Dynamics 365 Business Central/Automation.ReadWrite.All"),
	})
	var clientID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("tenant_id"), knownvalue.StringExact(emulator.DefaultHomeTenantID)),
					statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("granted_permissions"), granted),
					statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("missing_permissions"), knownvalue.SetExact(nil)),
					statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("tenant_display_name"), knownvalue.StringExact(emulator.DefaultHomeTenantName)),
					statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("service_principal_id"), knownvalue.StringRegexp(guid)),
				},
				Check: saveAttr("onboard_entra_app.app", "client_id", &clientID),
			},
			{Config: config, PlanOnly: true},
			{
				// Consent revoked in the portal: plan shows the pending change, apply grants again.
				PreConfig: func() {
					if err := srv.Revoke(emulator.DefaultHomeTenantID, clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_customer_tenant.home", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("onboard_customer_tenant.home", tfjsonpath.New("consent_state")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("granted_permissions"), granted),
				},
			},
		},
	})
}

// Seed 000/004: a multi-tenant app onboarded into a customer by domain.
// The provider cannot consent there: plan stays pending until the customer's
// admin opens the consent URL.
func TestAccCustomerTenant_customerConsentsThroughURL(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "orbit")
	config := func(roles string) string {
		return fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name      = %q
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://orbit.qezaro.com/reseller"]
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
  lifetime       = "720h"
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = [%s]
}
resource "onboard_customer_tenant" "northwind" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = "northwind.com"
  company_name  = "Northwind Traders"
  admin_email   = "admin@northwind.onmicrosoft.com"
  categories    = ["Gold", "EU"]
  depends_on    = [onboard_api_permission.graph]
}
`, name, roles)
	}
	consentURL := ""
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(`"User.Read.All"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("tenant_id"), knownvalue.StringExact(emulator.NorthwindTenantID)),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("missing_permissions"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/User.Read.All")})),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_url"), knownvalue.StringRegexp(regexp.MustCompile(`/`+emulator.NorthwindTenantID+`/v2.0/adminconsent\?client_id=[0-9a-f-]{36}&redirect_uri=https%3A%2F%2Forbit.qezaro.com%2Freseller&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default$`))),
				},
				// Consent is still missing: the refresh plan is not empty.
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					consentURL = s.RootModule().Resources["onboard_customer_tenant.northwind"].Primary.Attributes["consent_url"]
					return nil
				},
			},
			{
				// Their Dynamics 365 Administrator tries first: Microsoft refuses, nothing changes.
				PreConfig: func() {
					if err := srv.SetConsentAdmin(emulator.NorthwindTenantID, "d365admin@northwind.onmicrosoft.com"); err != nil {
						t.Fatal(err)
					}
					resp, err := srv.HTTPClient().Get(consentURL)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					loc, _ := url.Parse(resp.Header.Get("Location"))
					if loc.Query().Get("error") != "access_denied" {
						t.Fatalf("consent by a Dynamics 365 Administrator: %s", resp.Header.Get("Location"))
					}
					if err := srv.SetConsentAdmin(emulator.NorthwindTenantID, "admin@northwind.onmicrosoft.com"); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config(`"User.Read.All"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// The customer's Global Administrator opens the URL.
				PreConfig: func() {
					resp, err := srv.HTTPClient().Get(consentURL)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					loc, _ := url.Parse(resp.Header.Get("Location"))
					if resp.StatusCode != http.StatusFound || loc.Host != "orbit.qezaro.com" || loc.Query().Get("admin_consent") != "True" || loc.Query().Get("tenant") != emulator.NorthwindTenantID {
						t.Fatalf("consent: %d %s", resp.StatusCode, resp.Header.Get("Location"))
					}
				},
				Config: config(`"User.Read.All"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("service_principal_id"), knownvalue.StringRegexp(guid)),
				},
			},
			{Config: config(`"User.Read.All"`), PlanOnly: true},
			{
				// A permission added to the app: the plan after this apply shows the customer pending.
				Config:             config(`"User.Read.All", "Group.Read.All"`),
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config(`"User.Read.All", "Group.Read.All"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_customer_tenant.northwind", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("onboard_customer_tenant.northwind", tfjsonpath.New("missing_permissions")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("granted_permissions"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/User.Read.All")})),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("missing_permissions"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/Group.Read.All")})),
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccCustomerTenant_unknownDomain(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "onboard_customer_tenant" "x" {
  client_id = "00000000-0000-4000-8000-000000000000"
  tenant    = "no-such-customer.example"
}`,
			ExpectError: regexp.MustCompile(`No Microsoft Entra tenant has the verified domain\s+"no-such-customer.example"`),
		}},
	})
}

// A customer that consented before Terraform managed it is imported; the
// imported state has no client_secret, so the consent is read on the next
// apply, which stores it.
func TestAccCustomerTenant_import(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "import")
	app := graphAppConfig(name)
	withCustomer := app + customerConfig("northwind", emulator.NorthwindTenantID, "onboard_client_secret.app.value")
	var clientID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: app,
				Check:  saveAttr("onboard_entra_app.app", "client_id", &clientID),
			},
			{
				PreConfig:          consentAs(t, srv, emulator.NorthwindTenantID, &clientID, "admin@northwind.onmicrosoft.com"),
				Config:             withCustomer,
				ResourceName:       "onboard_customer_tenant.northwind",
				ImportState:        true,
				ImportStatePersist: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return emulator.NorthwindTenantID + "/" + strings.ToUpper(clientID), nil
				},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for _, st := range states {
						if a := st.Attributes; a["id"] == emulator.NorthwindTenantID+"/"+clientID {
							if a["tenant_default_domain"] != "northwind.onmicrosoft.com" || a["consent_state"] != "unknown" {
								return fmt.Errorf("imported: %v", a)
							}
							return nil
						}
					}
					return fmt.Errorf("no imported onboard_customer_tenant among %d states", len(states))
				},
			},
			{
				Config: withCustomer,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_customer_tenant.northwind", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("granted_permissions"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/User.Read.All")})),
				},
			},
			{Config: withCustomer, PlanOnly: true},
		},
	})
}

// A spreadsheet that lists a customer by domain and again by tenant ID is
// refused at plan, naming both.
func TestAccCustomerTenant_listedTwice(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	name := acctest.Name(t, "twice")
	app := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name     = %q
  sign_in_audience = "AzureADMultipleOrgs"
}
`, name)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: app},
			{
				Config: app + `
locals {
  customers = { "Fabrikam" = "fabrikam.com", "Fabrikam Inc" = "` + emulator.FabrikamTenantID + `" }
}
resource "onboard_customer_tenant" "c" {
  for_each  = local.customers
  client_id = onboard_entra_app.app.client_id
  tenant    = each.value
}
`,
				ExpectError: regexp.MustCompile(`(?s)Customer tenant listed twice.*are the same tenant\s+\(` + emulator.FabrikamTenantID + `\)`),
			},
		},
	})
}
