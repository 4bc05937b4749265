package provider_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
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
