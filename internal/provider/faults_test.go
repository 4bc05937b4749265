package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// Every endpoint the provider calls fails at first, through create, refresh
// and destroy of a whole onboarding (app, secret, Graph and Business Central
// permissions, a customer where the partner grants consent through GDAP, its BC admin center
// authorization, the app's card inside BC, sync): Graph answers 429 with
// Retry-After and then 503, the BC admin center and the token endpoints 503
// or 429 with Retry-After. The apply converges, nothing is made twice, and
// no retry comes sooner than Retry-After asked.
func TestAccFaults_everyEndpointFailsFirst(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	// Short backoff: a retry that ignored Retry-After would come too soon.
	t.Setenv("ONBOARD_RETRY_BASE_DELAY", "50ms")
	name := acctest.Name(t, "every-endpoint")
	tenant := emulator.FabrikamTenantID
	base := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name     = %q
  sign_in_audience = "AzureADMultipleOrgs"
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
  lifetime       = "720h"
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["AdminCenter.ReadWrite.All", "API.ReadWrite.All", "Automation.ReadWrite.All"]
}
resource "onboard_api_permission" "graph" {
  application_id        = onboard_entra_app.app.id
  api                   = "Microsoft Graph"
  delegated_permissions = ["User.Read"]
}
resource "onboard_customer_tenant" "c" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = %q
  depends_on    = [onboard_api_permission.bc, onboard_api_permission.graph]
}
resource "onboard_bc_authorized_app" "c" {
  tenant_id     = onboard_customer_tenant.c.tenant_id
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
}
data "onboard_sync" "c" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenants       = [onboard_bc_authorized_app.c.tenant_id]
}
`, name, tenant)
	withCard := base + `
resource "onboard_bc_environment_app" "c" {
  tenant_id       = onboard_bc_authorized_app.c.tenant_id
  environment     = "Production"
  client_id       = onboard_entra_app.app.client_id
  client_secret   = onboard_client_secret.app.value
  description     = "every endpoint"
  permission_sets = [{ role_id = "D365 AUTOMATION" }, { role_id = "LOGIN" }]
}
`
	for _, f := range []emulator.Fault{
		{Service: "graph", Status: 429, RetryAfter: 1, EachPath: true, Count: 1},
		{Service: "graph", Status: 503, EachPath: true, Count: 1},
		{Service: "bc", Status: 503, RetryAfter: 1, EachPath: true, Count: 1},
		{Service: "login", Path: `/oauth2/v2.0/token$`, Status: 429, RetryAfter: 1, EachPath: true, Count: 1},
		{Service: "login", Status: 503, EachPath: true, Count: 1},
	} {
		if err := srv.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	var clientID string
	wantRoles := func() []string {
		return []string{bcAppID + "/API.ReadWrite.All", bcAppID + "/AdminCenter.ReadWrite.All", bcAppID + "/Automation.ReadWrite.All"}
	}
	onceEach := func(*terraform.State) error {
		apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
		if len(apps) != 1 || len(apps[0].Secrets) != 1 {
			return fmt.Errorf("want one app with one secret in the home tenant, emulator has %+v", apps)
		}
		clientID = apps[0].AppID
		g := srv.Grants(tenant, clientID)
		want := wantRoles()
		slices.Sort(want)
		if g.ServicePrincipals != 1 || !slices.Equal(g.AppRoles, want) || !slices.Equal(g.DelegatedGrants, []string{graphAppID + "/User.Read"}) {
			return fmt.Errorf("customer tenant holds %+v, want 1 service principal, roles %v and one User.Read grant", g, want)
		}
		authorized, err := srv.BCAuthorizedApps(tenant)
		if n := countFold(authorized, clientID); err != nil || n != 1 {
			return fmt.Errorf("app authorized %d times in the BC admin center (%v), want once", n, err)
		}
		return nil
	}
	honoured := func(*terraform.State) error {
		byService := map[string]int{}
		for _, r := range srv.Retries() {
			if r.Waited < r.RetryAfter {
				return fmt.Errorf("%s was retried after %v; Retry-After asked %v", r.Request, r.Waited, r.RetryAfter)
			}
			switch path := strings.SplitN(r.Request, " ", 2)[1]; {
			case strings.HasSuffix(path, "/oauth2/v2.0/token"):
				byService["token"]++
			case strings.HasPrefix(path, "/v1.0/"):
				byService["graph"]++
			default:
				byService["bc"]++
			}
		}
		if byService["token"] == 0 || byService["graph"] < 10 || byService["bc"] < 2 {
			return fmt.Errorf("too few requests were throttled to prove anything: %v", byService)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: base,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.c", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("data.onboard_sync.c", tfjsonpath.New("results").AtMapKey(tenant).AtMapKey("bc_authorized"), knownvalue.Bool(true)),
				},
				Check: resource.ComposeTestCheckFunc(onceEach, honoured),
			},
			{
				// A person creates the app's card in Business Central; the
				// provider then manages its permission sets.
				PreConfig: func() {
					if _, err := srv.CreateBCEntraApp(tenant, "Production", emulator.BCEntraAppSpec{ClientID: clientID, Description: "every endpoint", State: "Enabled",
						PermissionSets: []emulator.BCPermission{{RoleID: "D365 AUTOMATION"}}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: withCard,
				Check: resource.ComposeTestCheckFunc(onceEach, honoured, func(*terraform.State) error {
					st, err := srv.BCEntraApp(tenant, "Production", clientID)
					if err != nil || len(st.PermissionSets) != 2 {
						return fmt.Errorf("BC card: %+v, %v", st, err)
					}
					return nil
				}),
			},
			{Config: withCard, PlanOnly: true},
		},
		CheckDestroy: func(s *terraform.State) error {
			if err := honoured(s); err != nil {
				return err
			}
			if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name); len(apps) != 0 {
				return fmt.Errorf("app still registered after destroy: %+v", apps)
			}
			if authorized, _ := srv.BCAuthorizedApps(tenant); countFold(authorized, clientID) != 0 {
				return fmt.Errorf("still authorized in the BC admin center after destroy")
			}
			return nil
		},
	})
}

func countFold(list []string, s string) int {
	n := 0
	for _, v := range list {
		if strings.EqualFold(v, s) {
			n++
		}
	}
	return n
}

// One customer's problem fails that customer only: a wrong secret, a
// deleted tenant and revoked consent each show on their own resource, and
// the rest of the apply completes. A refresh never stops the whole plan
// for one tenant.
func TestAccFaults_oneCustomerFailsAlone(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "isolation")
	const gone, wrong = "b1b1b1b1-0000-4000-8000-00000000b0b0", "c2c2c2c2-0000-4000-8000-00000000c0c0"
	for i, id := range []string{gone, wrong} {
		if err := srv.SeedTenant(emulator.TenantSeed{ID: id, DisplayName: fmt.Sprint("Customer ", i), Domains: []string{fmt.Sprintf("customer%d.onmicrosoft.com", i)},
			Users: []emulator.UserSeed{{UPN: fmt.Sprintf("admin@customer%d.onmicrosoft.com", i), Roles: []string{"Global Administrator"}}}}); err != nil {
			t.Fatal(err)
		}
	}
	app := graphAppConfig(name)
	good := customerConfig("fabrikam", emulator.FabrikamTenantID, "onboard_client_secret.app.value") +
		customerConfig("northwind", emulator.NorthwindTenantID, "onboard_client_secret.app.value") +
		customerConfig("gone", gone, "onboard_client_secret.app.value")
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
				// A wrong secret fails its customer; the three others are created.
				PreConfig: func() {
					for id, admin := range map[string]string{emulator.FabrikamTenantID: "admin@fabrikam.onmicrosoft.com", emulator.NorthwindTenantID: "admin@northwind.onmicrosoft.com",
						gone: "admin@customer0.onmicrosoft.com", wrong: "admin@customer1.onmicrosoft.com"} {
						if err := srv.Consent(id, clientID, admin); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config:      app + good + customerConfig("wrong", wrong, `"wrong~secret"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid client secret.*AADSTS7000215`),
			},
			{
				Config:           app + good,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: expectNoop("onboard_customer_tenant.fabrikam", "onboard_customer_tenant.northwind", "onboard_customer_tenant.gone")},
			},
			{
				// The customer tenant is deleted and Northwind revokes consent:
				// plan shows both, apply fails only the deleted tenant.
				PreConfig: func() {
					if err := srv.DeleteTenant(gone); err != nil {
						t.Fatal(err)
					}
					if err := srv.Revoke(emulator.NorthwindTenantID, clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: app + good,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(expectNoop("onboard_customer_tenant.fabrikam"),
					plancheck.ExpectResourceAction("onboard_customer_tenant.northwind", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("onboard_customer_tenant.gone", plancheck.ResourceActionUpdate))},
				ExpectError: regexp.MustCompile(`(?s)Tenant not found.*AADSTS90002`),
			},
			{
				// Northwind's update went through in the failed apply: it
				// records the missing consent and its consent URL.
				Config: app + customerConfig("fabrikam", emulator.FabrikamTenantID, "onboard_client_secret.app.value") +
					customerConfig("northwind", emulator.NorthwindTenantID, "onboard_client_secret.app.value"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// Entra's replicas lag: for a while after a create, reads of the new app,
// its service principal and its grants answer 404. The apply waits that out
// instead of reporting the objects deleted or making them again.
func TestAccFaults_replicationDelayAfterCreate(t *testing.T) {
	srv := acctest.Emulator(t)
	srv.SetReplicationDelay(1500 * time.Millisecond)
	name := acctest.Name(t, "replication")
	config := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name = %q
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
resource "onboard_customer_tenant" "home" {
  client_id  = onboard_entra_app.app.client_id
  tenant     = %q
  depends_on = [onboard_api_permission.graph]
}
`, name, emulator.DefaultHomeTenantID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("onboard_customer_tenant.home", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
				statecheck.ExpectKnownValue("onboard_entra_app.app", tfjsonpath.New("service_principal_id"), knownvalue.StringRegexp(guid)),
			},
			Check: func(*terraform.State) error {
				apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
				if len(apps) != 1 || len(apps[0].Secrets) != 1 {
					return fmt.Errorf("want one app with one secret, emulator has %+v", apps)
				}
				if g := srv.Grants(emulator.DefaultHomeTenantID, apps[0].AppID); g.ServicePrincipals != 1 || !slices.Equal(g.AppRoles, []string{graphAppID + "/User.Read.All"}) {
					return fmt.Errorf("home tenant holds %+v, want one service principal with User.Read.All", g)
				}
				return nil
			},
		}},
	})
}
