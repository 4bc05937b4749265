package provider_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"regexp"
	"slices"
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

const (
	payrollScopeReadID   = "7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b01"
	payrollScopeManageID = "7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b02"
)

func scopeHCL(id, value, typ string) string {
	return fmt.Sprintf(`  oauth2_permission_scope {
    id                         = %q
    value                      = %q
    type                       = %q
    admin_consent_display_name = "%[2]s"
    admin_consent_description  = "Allows the app to %[2]s for the signed-in user."
    user_consent_display_name  = "%[2]s"
    user_consent_description   = "Allows the app to %[2]s for you."
  }
`, id, value, typ)
}

// vendorAPIConfig is a vendor's API (app role, scopes, SPA, consent-screen
// links, owners, optional claims), a client app that requires its app role
// and one scope, and the data source reading the API back.
func vendorAPIConfig(name, api, delegated string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "api" {
  display_name    = "%[1]s api"
  identifier_uris = ["api://%[1]s"]
%[2]s}
resource "onboard_entra_app" "client" {
  display_name = "%[1]s client"
}
resource "onboard_api_permission" "client" {
  application_id          = onboard_entra_app.client.id
  api                     = onboard_entra_app.api.client_id
  application_permissions = ["Payroll.Read.All"]
  delegated_permissions   = [%[3]s]
}
data "onboard_entra_app" "api" {
  client_id  = onboard_entra_app.api.client_id
  depends_on = [onboard_entra_app.api]
}
`, name, api, delegated)
}

// A vendor exposes an API with an app role and delegated scopes; a second
// app in the same configuration requires both kinds by name. The update
// removes an enabled scope (Graph refuses that unless it is disabled
// first), drops the owner it added but not one added in the portal, and
// clears links and claims. Invalid values fail at plan.
func TestAccEntraApp_vendorAPI(t *testing.T) {
	t.Parallel()
	emu := acctest.Emulator(t)
	name := acctest.Name(t, "vendor-api")
	role := appRoleHCL(payrollReadID, "Payroll.Read.All")
	full := role + scopeHCL(payrollScopeReadID, "Payroll.Read", "User") + scopeHCL(payrollScopeManageID, "Payroll.Manage", "Admin") + `
  spa_redirect_uris     = ["https://payroll.contoso.com/", "http://localhost:3000"]
  marketing_url         = "https://contoso.com/payroll"
  privacy_statement_url = "https://contoso.com/privacy"
  terms_of_service_url  = "https://contoso.com/terms"
  support_url           = "https://contoso.com/support"
  owners                = [onboard_entra_app.client.service_principal_id]
  logo_image            = "` + base64.StdEncoding.EncodeToString(logoGIF) + `"
  optional_claims {
    access_token {
      name = "email"
    }
    id_token {
      name                  = "groups"
      essential             = true
      additional_properties = ["sam_account_name"]
    }
  }
`
	reduced := role + scopeHCL(payrollScopeReadID, "Payroll.Read", "User") + `
  spa_redirect_uris     = ["https://payroll.contoso.com/app"]
  marketing_url         = "https://contoso.com/payroll"
  privacy_statement_url = "https://contoso.com/privacy-2"
  terms_of_service_url  = "https://contoso.com/terms"
  owners                = []
`
	apiApp := func() (emulator.AppView, error) {
		apps := emu.AppsNamed(emulator.DefaultHomeTenantID, name+" api")
		if len(apps) != 1 {
			return emulator.AppView{}, fmt.Errorf("%d apps named %q", len(apps), name+" api")
		}
		return apps[0], nil
	}
	var apiObjectID, apiSPID, clientSPID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      vendorAPIConfig(name, role+`  logo_image = "`+base64.StdEncoding.EncodeToString([]byte("<svg/>"))+"\"\n", `"Payroll.Read"`),
				ExpectError: regexp.MustCompile(`(?s)logo_image.*must be a PNG, JPEG or GIF image.*filebase64\("logo.png"\)`),
			},
			{
				Config:      vendorAPIConfig(name, role+scopeHCL(payrollScopeReadID, "Payroll Read", "User"), `"Payroll Read"`),
				ExpectError: regexp.MustCompile(`(?s)oauth2_permission_scope.*value.*it\s+contains\s+a\s+space,\s+e.g.\s+"Payroll.Read"`),
			},
			{
				Config:      vendorAPIConfig(name, role+scopeHCL(payrollScopeReadID, "Payroll.Read.All", "User"), `"Payroll.Read.All"`),
				ExpectError: regexp.MustCompile(`(?s)Duplicate app role or scope.*"Payroll.Read.All" is used by an app_role and an\s+oauth2_permission_scope`),
			},
			{
				Config:      vendorAPIConfig(name, role+`  spa_redirect_uris = ["https://payroll.contoso.com/#/cb"]`+"\n"+`  support_url = "http://contoso.com/support"`+"\n", `"Payroll.Read"`),
				ExpectError: regexp.MustCompile(`(?s)it has a fragment.*must use https`),
			},
			{
				Config: vendorAPIConfig(name, full, `"Payroll.Read"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("oauth2_permission_scope"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(payrollScopeReadID), "value": knownvalue.StringExact("Payroll.Read"),
							"type": knownvalue.StringExact("User"), "enabled": knownvalue.Bool(true), "user_consent_display_name": knownvalue.StringExact("Payroll.Read")}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(payrollScopeManageID), "type": knownvalue.StringExact("Admin")}),
					})),
					statecheck.ExpectKnownValue("onboard_api_permission.client", tfjsonpath.New("delegated_permission_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						"Payroll.Read": knownvalue.StringExact(payrollScopeReadID),
					})),
					statecheck.ExpectKnownValue("onboard_api_permission.client", tfjsonpath.New("application_permission_ids"), knownvalue.MapExact(map[string]knownvalue.Check{
						"Payroll.Read.All": knownvalue.StringExact(payrollReadID),
					})),
					statecheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("optional_claims").AtSliceIndex(0).AtMapKey("id_token"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("groups"), "source": knownvalue.Null(), "essential": knownvalue.Bool(true),
							"additional_properties": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("sam_account_name")})}),
					})),
					statecheck.ExpectKnownValue("data.onboard_entra_app.api", tfjsonpath.New("oauth2_permission_scopes"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("logo_url"), knownvalue.StringRegexp(regexp.MustCompile(`^https://\S+$`))),
					statecheck.ExpectKnownValue("data.onboard_entra_app.api", tfjsonpath.New("app_roles"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"value": knownvalue.StringExact("Payroll.Read.All"), "id": knownvalue.StringExact(payrollReadID)}),
					})),
					statecheck.ExpectKnownValue("data.onboard_entra_app.api", tfjsonpath.New("spa_redirect_uris"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("https://payroll.contoso.com/"), knownvalue.StringExact("http://localhost:3000"),
					})),
					statecheck.ExpectKnownValue("data.onboard_entra_app.api", tfjsonpath.New("identifier_uris"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("api://" + name),
					})),
				},
				Check: func(s *terraform.State) error {
					api, err := apiApp()
					if err != nil {
						return err
					}
					res := s.RootModule().Resources
					apiObjectID, apiSPID = api.ID, res["onboard_entra_app.api"].Primary.Attributes["service_principal_id"]
					clientSPID = res["onboard_entra_app.client"].Primary.Attributes["service_principal_id"]
					var scopes []string
					for _, sc := range api.Scopes {
						scopes = append(scopes, sc.Value+"/"+sc.Type+"/"+fmt.Sprint(sc.IsEnabled))
					}
					slices.Sort(scopes)
					switch {
					case strings.Join(scopes, ",") != "Payroll.Manage/Admin/true,Payroll.Read/User/true":
						return fmt.Errorf("emulator scopes: %v", scopes)
					case strings.Join(api.SPARedirectURIs, ",") != "http://localhost:3000,https://payroll.contoso.com/":
						return fmt.Errorf("emulator spa.redirectUris: %v", api.SPARedirectURIs)
					case api.Info.SupportURL != "https://contoso.com/support" || api.Info.PrivacyStatementURL != "https://contoso.com/privacy":
						return fmt.Errorf("emulator info: %+v", api.Info)
					case api.OptionalClaims == nil || len(api.OptionalClaims.AccessToken) != 1 || api.OptionalClaims.AccessToken[0].Name != "email" ||
						len(api.OptionalClaims.IDToken) != 1 || !api.OptionalClaims.IDToken[0].Essential:
						return fmt.Errorf("emulator optionalClaims: %+v", api.OptionalClaims)
					case strings.Join(api.Owners, ",") != clientSPID:
						return fmt.Errorf("emulator owners: %v, want [%s]", api.Owners, clientSPID)
					}
					if logo, ct := emu.AppLogo(emulator.DefaultHomeTenantID, api.ID); ct != "image/gif" || !bytes.Equal(logo, logoGIF) {
						return fmt.Errorf("emulator logo after create: %d bytes of %q", len(logo), ct)
					}
					apiClientID := res["onboard_entra_app.api"].Primary.Attributes["client_id"]
					client := emu.AppsNamed(emulator.DefaultHomeTenantID, name+" client")
					if want := "[Role:" + payrollReadID + " Scope:" + payrollScopeReadID + "]"; len(client) != 1 || fmt.Sprint(client[0].RequiredResourceAccess[apiClientID]) != want {
						return fmt.Errorf("client requiredResourceAccess: %+v, want %s", client, want)
					}
					return nil
				},
			},
			{
				// An admin adds an owner in the portal; the import reads
				// everything back (owners are only what a configuration lists;
				// the logo's bytes are not read back).
				PreConfig:               func() { mustDo(t, emu.AddAppOwner(emulator.DefaultHomeTenantID, apiObjectID, apiSPID)) },
				ResourceName:            "onboard_entra_app.api",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"owners", "logo_image"},
			},
			{
				Config: vendorAPIConfig(name, reduced, `"Payroll.Read"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_entra_app.api", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("support_url"), knownvalue.Null()),
					plancheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("optional_claims"), knownvalue.ListSizeExact(0)),
					plancheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("logo_image"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("oauth2_permission_scope"), knownvalue.SetSizeExact(1)),
					statecheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("owners"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownValue("data.onboard_entra_app.api", tfjsonpath.New("oauth2_permission_scopes"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"value": knownvalue.StringExact("Payroll.Read"), "type": knownvalue.StringExact("User")}),
					})),
				},
				Check: func(*terraform.State) error {
					api, err := apiApp()
					switch {
					case err != nil:
						return err
					case len(api.Scopes) != 1 || api.Scopes[0].Value != "Payroll.Read" || !api.Scopes[0].IsEnabled:
						return fmt.Errorf("emulator scopes: %+v", api.Scopes)
					case strings.Join(api.SPARedirectURIs, ",") != "https://payroll.contoso.com/app":
						return fmt.Errorf("emulator spa.redirectUris: %v", api.SPARedirectURIs)
					case api.Info.SupportURL != "" || api.Info.PrivacyStatementURL != "https://contoso.com/privacy-2" || api.Info.MarketingURL != "https://contoso.com/payroll":
						return fmt.Errorf("emulator info: %+v", api.Info)
					case api.OptionalClaims != nil && (len(api.OptionalClaims.AccessToken)+len(api.OptionalClaims.IDToken)+len(api.OptionalClaims.SAML2Token)) != 0:
						return fmt.Errorf("emulator optionalClaims: %+v", api.OptionalClaims)
					case strings.Join(api.Owners, ",") != apiSPID:
						// The owner this configuration added is gone; the portal's stays.
						return fmt.Errorf("emulator owners: %v, want [%s]", api.Owners, apiSPID)
					}
					// An application's logo is not nullable: dropping
					// logo_image leaves it.
					if logo, _ := emu.AppLogo(emulator.DefaultHomeTenantID, api.ID); !bytes.Equal(logo, logoGIF) {
						return fmt.Errorf("emulator logo after logo_image was removed: %d bytes", len(logo))
					}
					return nil
				},
			},
			{Config: vendorAPIConfig(name, reduced, `"Payroll.Read"`), PlanOnly: true},
			// A logo added later is uploaded; Entra then serves it at logoUrl.
			logoStep(emu, apiApp, name, reduced, "image/png", logoPNG),
			// Refresh keeps the configured image: no drift.
			{Config: vendorAPIConfig(name, reduced+`  logo_image = "`+base64.StdEncoding.EncodeToString(logoPNG)+"\"\n", `"Payroll.Read"`), PlanOnly: true},
			// A changed logo is uploaded again, with its own content type.
			logoStep(emu, apiApp, name, reduced, "image/gif", logoGIF),
		},
	})
}

// logoPNG and logoGIF are tiny real images for logo_image.
var logoPNG, logoGIF = func() ([]byte, []byte) {
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.RGBA{0, 120, 212, 255}})
	img.SetColorIndex(1, 1, 1)
	var p, g bytes.Buffer
	if err := png.Encode(&p, img); err != nil {
		panic(err)
	}
	if err := gif.Encode(&g, img, nil); err != nil {
		panic(err)
	}
	return p.Bytes(), g.Bytes()
}()

// logoStep sets the api app's logo_image to img and checks that plan
// leaves logo_url to the apply, state gets Entra's https URL and the
// emulator holds exactly these bytes with this content type.
func logoStep(emu *emulator.Server, apiApp func() (emulator.AppView, error), name, api, contentType string, img []byte) resource.TestStep {
	return resource.TestStep{
		Config: vendorAPIConfig(name, api+`  logo_image = "`+base64.StdEncoding.EncodeToString(img)+"\"\n", `"Payroll.Read"`),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("onboard_entra_app.api", plancheck.ResourceActionUpdate),
			plancheck.ExpectUnknownValue("onboard_entra_app.api", tfjsonpath.New("logo_url")),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("onboard_entra_app.api", tfjsonpath.New("logo_url"), knownvalue.StringRegexp(regexp.MustCompile(`^https://\S+$`))),
		},
		Check: func(*terraform.State) error {
			a, err := apiApp()
			if err != nil {
				return err
			}
			got, ct := emu.AppLogo(emulator.DefaultHomeTenantID, a.ID)
			if ct != contentType || !bytes.Equal(got, img) {
				return fmt.Errorf("emulator logo: %d bytes of %q, want the %d bytes configured as %q", len(got), ct, len(img), contentType)
			}
			return nil
		},
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
