package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// Throttling and server errors during create are retried, and the retried
// create finds the app instead of making a second one: also when Graph
// wrote the app, or its service principal, and the answer was a 503 (the
// fault after the handler). The upsert is a PATCH, safe to repeat; the
// service principal's POST is repeated only because its repeat is a 409
// the provider recovers from.
func TestAccEntraApp_faultsMakeNoDuplicate(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "faults")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				srv.ResetCounters()
				for _, f := range []emulator.Fault{
					{Service: "graph", Method: "PATCH", Path: `faults`, Status: 503, Count: 2},
					{Service: "graph", Method: "PATCH", Path: `faults`, Status: 429, RetryAfter: 1, Count: 1},
					{Service: "graph", Method: "PATCH", Path: `faults`, Status: 503, AfterHandler: true, Count: 1},
					{Service: "graph", Method: "POST", Path: `^/v1.0/servicePrincipals$`, Status: 429, RetryAfter: 1, Count: 1},
					{Service: "graph", Method: "POST", Path: `^/v1.0/servicePrincipals$`, Status: 503, AfterHandler: true, Count: 1},
				} {
					if err := srv.InjectFault(f); err != nil {
						t.Fatal(err)
					}
				}
			},
			Config: fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
resource "onboard_client_secret" "test" {
  application_id = onboard_entra_app.test.id
  display_name   = "faults"
  lifetime       = "720h"
}
`, name),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("service_principal_id"), knownvalue.StringRegexp(guid)),
			},
			Check: func(*terraform.State) error {
				apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
				if len(apps) != 1 || len(apps[0].Secrets) != 1 {
					return fmt.Errorf("want one app with one secret, emulator has %+v", apps)
				}
				if g := srv.Grants(emulator.DefaultHomeTenantID, apps[0].AppID); g.ServicePrincipals != 1 {
					return fmt.Errorf("want one service principal, the home tenant has %d", g.ServicePrincipals)
				}
				if n := srv.Counters().ByPath["POST /v1.0/servicePrincipals"]; n != 3 {
					return fmt.Errorf("POST servicePrincipals sent %d times, want 3 (429, 503 after the write, 409)", n)
				}
				return nil
			},
		}},
	})
}

// An apply that died after Graph created the app (state never written) is
// followed by one that adopts that app.
func TestAccEntraApp_adoptsAppOfACrashedApply(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "crash")
	objectID, _, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "onboard-acc-testaccentraapp-adoptsappofacrashedapply-crash", name)
	if err != nil {
		t.Fatal(err)
	}
	// What the crashed create wrote first: its marker, still "creating".
	if err := srv.EditApp(emulator.DefaultHomeTenantID, objectID, map[string]any{"tags": []string{onboarding.OwnerTag("crashed"), onboarding.CreatingTag}}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
`, name),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("id"), knownvalue.StringExact(objectID)),
				statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("ownership_id"), knownvalue.StringExact("crashed")),
			},
			Check: func(*terraform.State) error {
				if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name); len(apps) != 1 {
					return fmt.Errorf("want the one app, emulator has %+v", apps)
				} else if !slices.Equal(apps[0].Tags, []string{onboarding.OwnerTag("crashed")}) {
					return fmt.Errorf("tags after the create finished: %q", apps[0].Tags)
				}
				return nil
			},
		}},
	})
}

func TestAccEntraApp_badInput(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	cases := []struct{ config, want string }{
		{`resource "onboard_entra_app" "x" {
  display_name     = "x"
  sign_in_audience = "Everyone"
}`, `Attribute sign_in_audience value must be one of`},
		{`resource "onboard_entra_app" "x" {
  display_name = ""
}`, `Attribute display_name string length must be between 1 and 256`},
		{`resource "onboard_entra_app" "x" {
  display_name      = "x"
  web_redirect_uris = ["ftp://example.com"]
}`, `redirect URIs must use https`},
		{`resource "onboard_client_secret" "x" {
  application_id = "not-a-guid"
}`, `must be a GUID`},
		{`resource "onboard_client_secret" "x" {
  application_id = "00000000-0000-4000-8000-000000000000"
  lifetime       = "1 year"
}`, `must be a duration in hours or days`},
		{`resource "onboard_client_secret" "x" {
  application_id = "00000000-0000-4000-8000-000000000000"
  lifetime       = "26280h"
}`, `outside what Entra accepts`},
		{`resource "onboard_client_secret" "x" {
  application_id = "00000000-0000-4000-8000-000000000000"
  lifetime       = "720h"
  end_date       = "2027-01-01T00:00:00Z"
}`, `Attribute "lifetime" cannot be specified when "end_date" is specified`},
		{`resource "onboard_client_secret" "x" {
  application_id = "00000000-0000-4000-8000-000000000000"
  end_date       = "next year"
}`, `is not an RFC 3339 date`},
		{`resource "onboard_client_secret" "x" {
  application_id = "00000000-0000-4000-8000-000000000000"
}`, `No app registration with object ID 00000000-0000-4000-8000-000000000000`},
		{`resource "onboard_api_permission" "x" {
  application_id          = "00000000-0000-4000-8000-000000000000"
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["Financials.ReadWrite.All"]
}`, `Financials.ReadWrite.All is a delegated permission of Dynamics 365 Business\s+Central, not an application permission`},
		{`resource "onboard_api_permission" "x" {
  application_id          = "00000000-0000-4000-8000-000000000000"
  api                     = "Microsoft Graph"
  application_permissions = ["User.Read.Al"]
}`, `did you mean\s+"User.Read.All"`},
		{`resource "onboard_api_permission" "x" {
  application_id = "00000000-0000-4000-8000-000000000000"
  api            = "Microsoft Grahp"
}`, `unknown API "Microsoft Grahp": use an app ID or one of "Microsoft Graph"`},
		{`resource "onboard_api_permission" "x" {
  application_id = "00000000-0000-4000-8000-000000000000"
  api            = "11111111-2222-4333-8444-555555555555"
}`, `No API with application ID 11111111-2222-4333-8444-555555555555 has a service\s+principal`},
		{`data "onboard_entra_app" "x" {
  client_id    = "00000000-0000-4000-8000-000000000000"
  display_name = "x"
}`, `Exactly one of these attributes must be configured: \[client_id,display_name\]`},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: c.config, ExpectError: regexp.MustCompile(c.want)}},
			})
		})
	}
}

// What plan accepts, Entra (the emulator) accepts too: urn: and verified-
// domain identifier URIs, public client redirect URIs with the app's own
// scheme. An identifier URI on a domain the tenant has not verified is
// Graph's HostNameNotOnVerifiedDomain, explained with the forms that work.
func TestAccEntraApp_urisEntraAccepts(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "uris")
	config := func(identifierURI string) string {
		return fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name                = %q
  identifier_uris             = [%q, "urn:contoso:onboarding"]
  public_client_redirect_uris = ["myapp://callback", "msauth.com.contoso.app://auth", "http://localhost"]
}
`, name, identifierURI)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("https://" + emulator.DefaultHomeTenantDomain + "/onboarding"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("public_client_redirect_uris"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("myapp://callback"), knownvalue.StringExact("msauth.com.contoso.app://auth"), knownvalue.StringExact("http://localhost")})),
					statecheck.ExpectKnownValue("onboard_entra_app.test", tfjsonpath.New("identifier_uris"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("https://" + emulator.DefaultHomeTenantDomain + "/onboarding"), knownvalue.StringExact("urn:contoso:onboarding")})),
				},
			},
			{
				Config:      config("https://onboarding.example.com"),
				ExpectError: regexp.MustCompile(`(?s)HostNameNotOnVerifiedDomain.*'https://onboarding.example.com'.*api://<client id>.*verified domains`),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name); len(apps) != 0 {
				return fmt.Errorf("left %+v", apps)
			}
			return nil
		},
	})
}
