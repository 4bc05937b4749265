package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
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

// Microsoft's IDs, from the research export of a real tenant's Graph
// service principal (../shared/research/data/microsoft-graph-permissions.csv).
var (
	spreadApplication = map[string]string{
		"Sites.Read.All":                          "332a536c-c7ef-4017-ab91-336970924f0d",
		"Mail.Send":                               "b633e1c5-b582-4048-a93e-9f11b44c7e96",
		"Files.Read.All":                          "01d4889c-1287-42c6-ac1f-5d1e02578ef6",
		"Calendars.Read":                          "798ee544-9d2d-430c-a058-570e29e34338",
		"Calendars.ReadWrite":                     "ef54d2bf-783f-4e0f-bca1-3210c0444d99",
		"Mail.ReadWrite":                          "e2a3a72e-5f79-4c64-b1b1-878b674786c9",
		"Contacts.Read":                           "089fe4d0-434a-44c5-8827-41ba8a0b17f5",
		"User.Read.All":                           "df021288-bdef-4463-88db-98f22de89214",
		"Group.Read.All":                          "5b567255-7703-4780-807c-7be8301ae99b",
		"GroupMember.Read.All":                    "98830695-27a2-44f7-8c18-0c3ebc9698f6",
		"Directory.Read.All":                      "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
		"Team.ReadBasic.All":                      "2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e",
		"Channel.ReadBasic.All":                   "59a6b24b-4225-4393-8165-ebaec5f55d7a",
		"ChannelMessage.Read.All":                 "7b2449af-6ccd-4f4d-9f78-e550c193f0d1",
		"Chat.Read.All":                           "6b7d71aa-70aa-4810-a8d9-5d9fb2830017",
		"Sites.ReadWrite.All":                     "9492366f-7969-46a4-8d15-ed1a20078fff",
		"Files.ReadWrite.All":                     "75359482-378d-4052-8f01-80520e7db3cd",
		"Notes.Read.All":                          "3aeca27b-ee3a-4c2b-8ded-80376e2134a4",
		"Tasks.Read.All":                          "f10e1f91-74ed-437f-a6fd-d6ae88e26c1f",
		"Reports.Read.All":                        "230c1aed-a721-4c5d-9cb4-a90514e508ef",
		"AuditLog.Read.All":                       "b0afded3-3588-46d8-8b3d-9842eff778da",
		"Policy.Read.All":                         "246dd0d5-5bd0-4def-940b-0421030a5b68",
		"RoleManagement.Read.Directory":           "483bed4a-2ad3-4361-a73b-c83ccdbdc53c",
		"DeviceManagementManagedDevices.Read.All": "2f51be20-0bb4-4fed-bf7b-db946066c75e",
		"SecurityEvents.Read.All":                 "bf394140-e372-4bf9-a898-299cfc7564e5",
		"Organization.Read.All":                   "498476ce-e0fe-48b0-b801-37ba7e2685c6",
		"Domain.Read.All":                         "dbb9058a-0e50-45d7-ae91-66909b5d4664",
		"MailboxSettings.Read":                    "40f97065-369a-49f4-947c-6a255697ae91",
		"OnlineMeetings.Read.All":                 "c1684f21-1984-47fa-9d61-2dc8c296bb70",
		"People.Read.All":                         "b528084d-ad10-4598-8b93-929746b4d7d6",
	}
	spreadDelegated = map[string]string{
		"User.Read":           "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
		"openid":              "37f7f235-527c-4136-accd-4a02d197296e",
		"profile":             "14dad69e-099b-42c9-810b-d002981feec1",
		"email":               "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
		"offline_access":      "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
		"Mail.Send":           "e383f46e-2787-4529-855e-0e479a3ffac0",
		"Files.Read.All":      "df85f4d6-205c-4ac5-a5ea-6bf408dba283",
		"Sites.Read.All":      "205e70e5-aba6-4c52-a976-6d2d46c48043",
		"Calendars.ReadWrite": "1ec239c2-d7c9-4623-a91a-a9775856bb36",
		"Contacts.Read":       "ff74d97f-43af-4b68-9f2a-b77ee6968c5d",
		"Tasks.ReadWrite":     "2219042f-cab5-40cc-b0d2-16b1540b4c5f",
		"Chat.ReadWrite":      "9ff7295e-131b-4d94-90e1-69fde507ac11",
		"Team.ReadBasic.All":  "485be79e-c497-4b35-9400-0e3fa7f2a5d4",
		"People.Read":         "ba47897c-39ec-4d83-8086-ee8256fa737d",
		"Presence.Read.All":   "9c7a330d-35b3-4aa1-963d-cb2b9f927841",
	}
)

func hclNames(m map[string]string) string {
	var names []string
	for n := range m {
		names = append(names, fmt.Sprintf("%q", n))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func exactIDs(m map[string]string) knownvalue.Check {
	checks := map[string]knownvalue.Check{}
	for n, id := range m {
		checks[n] = knownvalue.StringExact(id)
	}
	return knownvalue.MapExact(checks)
}

// Tens of real Microsoft Graph permissions of both kinds, by name, resolve
// from the tenant's Graph service principal to Microsoft's IDs; the app
// requires exactly those; consent in a customer (through the partner's
// GDAP Global Administrator) grants exactly the listed app roles and scopes.
func TestAccAPIPermission_broadGraphSpreadAndConsent(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	name := acctest.Name(t, "spread")
	config := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name      = %q
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://portal.example.com/consent"]
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = [%s]
  delegated_permissions   = [%s]
}
resource "onboard_customer_tenant" "northwind" {
  client_id     = onboard_entra_app.app.client_id
  client_secret = onboard_client_secret.app.value
  tenant        = %q
  depends_on    = [onboard_api_permission.graph]
}
`, name, hclNames(spreadApplication), hclNames(spreadDelegated), emulator.NorthwindTenantID)
	var wantRRA, wantRoles []string
	for _, id := range spreadApplication {
		wantRRA = append(wantRRA, "Role:"+id)
	}
	for n := range spreadApplication {
		wantRoles = append(wantRoles, graphAppID+"/"+n)
	}
	for _, id := range spreadDelegated {
		wantRRA = append(wantRRA, "Scope:"+id)
	}
	sort.Strings(wantRRA)
	sort.Strings(wantRoles)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("onboard_api_permission.graph", tfjsonpath.New("application_permission_ids"), exactIDs(spreadApplication)),
					plancheck.ExpectKnownValue("onboard_api_permission.graph", tfjsonpath.New("delegated_permission_ids"), exactIDs(spreadDelegated)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_api_permission.graph", tfjsonpath.New("application_permission_ids"), exactIDs(spreadApplication)),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
				},
				Check: func(s *terraform.State) error {
					apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 {
						return fmt.Errorf("apps named %s: %+v", name, apps)
					}
					got := slices.Clone(apps[0].RequiredResourceAccess[graphAppID])
					sort.Strings(got)
					if !slices.Equal(got, wantRRA) || len(apps[0].RequiredResourceAccess) != 1 {
						return fmt.Errorf("requiredResourceAccess = %v, want Graph %v", apps[0].RequiredResourceAccess, wantRRA)
					}
					clientID := s.RootModule().Resources["onboard_entra_app.app"].Primary.Attributes["client_id"]
					grants := srv.Grants(emulator.NorthwindTenantID, clientID)
					if !slices.Equal(grants.AppRoles, wantRoles) {
						return fmt.Errorf("Northwind granted the app roles %v, want exactly %v", grants.AppRoles, wantRoles)
					}
					return nil
				},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// Any API, named by its service principal's display name (any case) in the
// home tenant: Exchange Online's and Azure Service Management's real IDs.
func TestAccAPIPermission_apiByDisplayName(t *testing.T) {
	t.Parallel()
	emu := acctest.Emulator(t)
	name := acctest.Name(t, "exo")
	config := func(api, app, del string) string {
		return fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name = %q
}
resource "onboard_api_permission" "exchange" {
  application_id          = onboard_entra_app.app.id
  api                     = %q
  application_permissions = [%s]
  delegated_permissions   = [%s]
}
resource "onboard_api_permission" "arm" {
  application_id        = onboard_entra_app.app.id
  api                   = "windows azure service management api"
  delegated_permissions = ["user_impersonation"]
}
`, name, api, app, del)
	}
	const exo, exoRoles, exoScopes = "Office 365 Exchange Online", `"full_access_as_app", "Exchange.ManageAsApp"`, `"EWS.AccessAsUser.All"`
	const exchangeAppID = "00000002-0000-0ff1-ce00-000000000000"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(exo, exoRoles, exoScopes),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_api_permission.exchange", tfjsonpath.New("resource_app_id"), knownvalue.StringExact(exchangeAppID)),
					statecheck.ExpectKnownValue("onboard_api_permission.exchange", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile("/"+exchangeAppID+"$"))),
					statecheck.ExpectKnownValue("onboard_api_permission.exchange", tfjsonpath.New("application_permission_ids"), exactIDs(map[string]string{
						"full_access_as_app":   "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
						"Exchange.ManageAsApp": "dc50a0fb-09a3-484d-be87-e023b12c6440",
					})),
					statecheck.ExpectKnownValue("onboard_api_permission.exchange", tfjsonpath.New("delegated_permission_ids"), exactIDs(map[string]string{
						"EWS.AccessAsUser.All": "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5",
					})),
					statecheck.ExpectKnownValue("onboard_api_permission.arm", tfjsonpath.New("resource_app_id"), knownvalue.StringExact("797f4846-ba00-4fd7-ba43-dac1f8f63013")),
					statecheck.ExpectKnownValue("onboard_api_permission.arm", tfjsonpath.New("delegated_permission_ids"), exactIDs(map[string]string{
						"user_impersonation": "41094075-9dad-400e-a0bd-54e686782033",
					})),
				},
				Check: func(*terraform.State) error {
					apps := emu.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 || !slices.Equal(apps[0].RequiredResourceAccess[exchangeAppID],
						[]string{"Role:dc50a0fb-09a3-484d-be87-e023b12c6440", "Role:dc890d15-9560-4a4c-9b7f-a736ec74ec40", "Scope:3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5"}) {
						return fmt.Errorf("apps: %+v", apps)
					}
					return nil
				},
			},
			{Config: config(exo, exoRoles, exoScopes), PlanOnly: true},
			{
				// The client ID for the display name is the same API: nothing to do.
				Config: config(exchangeAppID, exoRoles, exoScopes),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_api_permission.exchange", plancheck.ResourceActionUpdate),
				}},
			},
			{
				// Another API's display name replaces.
				Config: config("Office 365 SharePoint Online", `"Sites.Selected"`, `"AllSites.Read"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_api_permission.exchange", plancheck.ResourceActionReplace),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_api_permission.exchange", tfjsonpath.New("resource_app_id"), knownvalue.StringExact("00000003-0000-0ff1-ce00-000000000000")),
					statecheck.ExpectKnownValue("onboard_api_permission.exchange", tfjsonpath.New("application_permission_ids"), exactIDs(map[string]string{
						"Sites.Selected": "20d37865-089c-4dee-8c41-6967602d4ac8",
					})),
				},
			},
		},
	})
}

// Diagnostics at plan name what is wrong and what was meant, from the list
// the tenant's service principal offers.
func TestAccAPIPermission_preciseDiagnostics(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	words := func(s string) *regexp.Regexp {
		return regexp.MustCompile(strings.Join(strings.Fields(regexp.QuoteMeta(s)), `\s+`))
	}
	for i, c := range []struct{ api, kind, names, want string }{
		{"Microsoft Graph", "application_permissions", `"Sites.Read.Al"`, `Microsoft Graph has no application permission "Sites.Read.Al"; did you mean "Sites.Read.All"`},
		{"Microsoft Graph", "application_permissions", `"User.ReadWrite"`, `User.ReadWrite is a delegated permission of Microsoft Graph, not an application permission; its closest application permissions are "User.ReadWrite.All"`},
		{"Microsoft Graph", "application_permissions", `"User.ReadWrite"`, `a delegated permission (scope) acts for a signed-in user`},
		{"Microsoft Graph", "delegated_permissions", `"Mail.Send.All"`, `did you mean "Mail.Send"`},
		{"Office 365 Exchange Online", "delegated_permissions", `"full_access_as_app"`, `full_access_as_app is an application permission of Office 365 Exchange Online, not a delegated permission; its delegated permissions are "EWS.AccessAsUser.All", "Exchange.Manage", "IMAP.AccessAsUser.All", "SMTP.Send".`},
		{"Office 365 Exchange Onlin", "delegated_permissions", `"SMTP.Send"`, `none is named "Office 365 Exchange Onlin"`},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
resource "onboard_api_permission" "x" {
  application_id = "00000000-0000-4000-8000-000000000000"
  api            = %q
  %s = [%s]
}`, c.api, c.kind, c.names),
					PlanOnly:    true,
					ExpectError: words(c.want),
				}},
			})
		})
	}
}
