package store

import (
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/permissiondata"
)

// Microsoft's first-party resource apps that every tenant holds service
// principals for, with their real app role and scope IDs.

// MicrosoftTenantID owns the first-party apps.
const MicrosoftTenantID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"

func role(id, value, name string) AppRole {
	return AppRole{ID: id, Value: value, DisplayName: name, Description: name, AllowedMemberTypes: []string{"Application"}, IsEnabled: true, Origin: "Application"}
}

func scope(id, value, name, typ string) PermissionScope {
	return PermissionScope{ID: id, Value: value, Type: typ, AdminConsentDisplayName: name, AdminConsentDescription: name,
		UserConsentDisplayName: name, UserConsentDescription: name, IsEnabled: true}
}

// GraphApp is Microsoft Graph, offering every permission of the snapshot
// (internal/permissiondata, generated from a real tenant's Graph service
// principal): the provider's offline catalog is the same list, and
// TestSnapshotMatchesEmulator holds the two together.
var GraphApp = &Application{
	TenantID: MicrosoftTenantID, ID: "00000003-0000-0000-c000-00000000a0b1", AppID: GraphAppID, DisplayName: "Microsoft Graph",
	SignInAudience: "AzureADMultipleOrgs", IdentifierURIs: []string{"https://graph.microsoft.com", "https://canary.graph.microsoft.com"},
}

// The export has names and IDs only; these are the portal's display names
// (and consent types) of the permissions the seeds and tests use. The rest
// show their value, as a few of Microsoft's own do.
var graphRoleNames = map[string]string{
	"df021288-bdef-4463-88db-98f22de89214": "Read all users' full profiles",
	"7ab1d382-f21e-4acd-a863-ba3e13f7da61": "Read directory data",
	"19dbc75e-c2e2-444c-a770-ec69d8559fc7": "Read and write directory data",
	"498476ce-e0fe-48b0-b801-37ba7e2685c6": "Read organization information",
	"5b567255-7703-4780-807c-7be8301ae99b": "Read all groups",
	"7438b122-aefc-4978-80ed-43db9fcc7715": "Read all devices",
	"2f51be20-0bb4-4fed-bf7b-db946066c75e": "Read Microsoft Intune devices",
	"bf394140-e372-4bf9-a898-299cfc7564e5": "Read your organization's security events",
	"230c1aed-a721-4c5d-9cb4-a90514e508ef": "Read all usage reports",
	"b0afded3-3588-46d8-8b3d-9842eff778da": "Read all audit log data",
	"810c84a8-4a9e-49e6-bf7d-12d183f40d01": "Read mail in all mailboxes",
	"18a4783c-866b-4cc7-a460-3d5e5662c884": "Manage apps that this app creates or owns",
	"1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9": "Read and write all applications",
	"9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30": "Read all applications",
	"06b708a9-e830-4db3-a914-8e69da51d44f": "Manage app permission grants and app role assignments",
	"8e8e4742-1d95-4f68-9d56-6ee75648c72a": "Manage all delegated permission grants",
	"cac88765-0581-4025-9725-5ebc13f729ee": "Read cross-tenant basic information",
	"f6e9e124-4586-492f-adc0-c6f96e4823fd": "Read Delegated Admin relationships with customers",
	"cc13eba4-8cd8-44c6-b4d4-f93237adce58": "Manage Delegated Admin relationships with customers",
	"246dd0d5-5bd0-4def-940b-0421030a5b68": "Read your organization's policies",
}

var graphScopeNames = map[string]struct{ name, typ string }{
	"e1fe6dd8-ba31-4d61-89e7-88639da4683d": {"Sign in and read user profile", "User"},
	"06da0dbc-49e2-44d2-8312-53f166ab848a": {"Read directory data", "Admin"},
	"a154be20-db9c-4678-8ab7-66f6cc099a59": {"Read all users' full profiles", "Admin"},
	"5f8c59db-677d-491f-a6b8-5f174b11ec1d": {"Read all groups", "Admin"},
	"570282fd-fa5c-430d-a7fd-fc8dc98a9dca": {"Read user mail", "User"},
	"37f7f235-527c-4136-accd-4a02d197296e": {"Sign users in", "User"},
	"7427e0e9-2fba-42fe-b0c0-848c9e6a8182": {"Maintain access to data you have given it access to", "User"},
	"14dad69e-099b-42c9-810b-d002981feec1": {"View users' basic profile", "User"},
	"64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0": {"View users' email address", "User"},
	"bdfbf15f-ee85-4955-8675-146e8e5296b5": {"Read and write all applications", "Admin"},
	"84bccea3-f856-4a8a-967b-dbe0a3d53a64": {"Manage app role assignments", "Admin"},
	"41ce6ca6-6826-4807-84f1-1c82854f7ee5": {"Manage all delegated grants", "Admin"},
	"0c0064ea-477b-4130-82a5-4c2cc4ff68aa": {"Read Delegated Admin relationships", "Admin"},
	"885f682f-a990-4bad-a642-36736a74b0c7": {"Manage Delegated Admin relationships", "Admin"},
	"c79f8feb-a9db-4090-85f9-90d820caa0eb": {"Read applications", "Admin"},
	"0e263e50-5827-48a4-b97c-d940288653c7": {"Access directory as the signed in user", "Admin"},
}

func init() {
	for _, p := range permissiondata.Graph.Permissions {
		switch p.Kind {
		case permissiondata.Application:
			name := graphRoleNames[p.ID]
			if name == "" {
				name = p.Value
			}
			GraphApp.AppRoles = append(GraphApp.AppRoles, role(p.ID, p.Value, name))
		case permissiondata.Delegated:
			n, ok := graphScopeNames[p.ID]
			if !ok {
				// Unknown consent type: Admin is the cautious answer.
				n.name, n.typ = p.Value, "Admin"
			}
			GraphApp.OAuth2PermissionScopes = append(GraphApp.OAuth2PermissionScopes, scope(p.ID, p.Value, n.name, n.typ))
		}
	}
}

// BCApp is Dynamics 365 Business Central.
var BCApp = &Application{
	TenantID: MicrosoftTenantID, ID: "996def3d-b36c-4153-8607-a6fd3c01b8a0", AppID: BCAppID, DisplayName: "Dynamics 365 Business Central",
	SignInAudience: "AzureADMultipleOrgs", IdentifierURIs: []string{"https://api.businesscentral.dynamics.com", "https://projectmadeira.com"},
	AppRoles: []AppRole{
		role("a42b0b75-311e-488d-b67e-8fe84f924341", "API.ReadWrite.All", "Full access to web services API"),
		role("d365bc00-a990-0000-00bc-160000000001", "Automation.ReadWrite.All", "Full access to automation"),
		role("3983b928-ed40-4111-bbad-e7910cf234bd", "app_access", "Access according to the application's permissions in Dynamics 365 Business Central"),
		role("a20fe46f-4f63-4666-8e0e-9b882d90b837", "AdminCenter.ReadWrite.All", "Full access to Admin Center API"),
	},
	OAuth2PermissionScopes: []PermissionScope{
		scope("2fb13c28-9d89-417f-9af2-ec3065bc16e6", "Financials.ReadWrite.All", "Access Dynamics 365 Business Central as the signed-in user", "User"),
		scope("bce0976a-cb0b-473b-8800-84eda9f8e447", "user_impersonation", "Access as the signed-in user", "User"),
	},
}

// The other first-party APIs a tenant has service principals for, each with
// a few of its real permissions. Every ID and display name below was checked
// against a dump of that service principal's appRoles and
// oauth2PermissionScopes from a real tenant, one page per app, in
// github.com/maciejporebski/azure-ad-first-party-apps-permissions:
//   - apps/Office 365 Exchange Online.md (app ID 00000002-0000-0ff1-ce00-000000000000):
//     Exchange.ManageAsApp, full_access_as_app, IMAP.AccessAsApp,
//     POP.AccessAsApp, Mail.Send (the same ID as Graph's Mail.Send),
//     EWS.AccessAsUser.All, IMAP.AccessAsUser.All, SMTP.Send, Exchange.Manage;
//     full_access_as_app and EWS.AccessAsUser.All also in Microsoft's
//     "Authenticate an EWS application by using OAuth" manifest example.
//   - apps/Office 365 SharePoint Online.md (00000003-0000-0ff1-ce00-000000000000):
//     Sites.FullControl.All, Sites.Read.All, Sites.ReadWrite.All,
//     Sites.Selected, AllSites.Read, AllSites.FullControl, MyFiles.Read.
//   - apps/Windows Azure Service Management API.md (797f4846-ba00-4fd7-ba43-dac1f8f63013):
//     user_impersonation, its only permission.
//   - apps/Dynamics 365 Business Central.md (996def3d-b36c-4153-8607-a6fd3c01b89f)
//     for BCApp above: its four app roles and two of its three scopes.
var (
	ExchangeApp = &Application{
		TenantID: MicrosoftTenantID, ID: "00000002-0000-0ff1-ce00-00000000a0b2", AppID: "00000002-0000-0ff1-ce00-000000000000", DisplayName: "Office 365 Exchange Online",
		SignInAudience: "AzureADMultipleOrgs", IdentifierURIs: []string{"https://outlook.office365.com", "https://outlook.office.com"},
		AppRoles: []AppRole{
			role("dc50a0fb-09a3-484d-be87-e023b12c6440", "Exchange.ManageAsApp", "Manage Exchange As Application"),
			role("dc890d15-9560-4a4c-9b7f-a736ec74ec40", "full_access_as_app", "Use Exchange Web Services with full access to all mailboxes"),
			role("5e5addcd-3e8d-4e90-baf5-964efab2b20a", "IMAP.AccessAsApp", "IMAP.AccessAsApp"),
			role("cb842b43-da6e-4506-86fe-bb12199c656d", "POP.AccessAsApp", "POP.AccessAsApp"),
			role("b633e1c5-b582-4048-a93e-9f11b44c7e96", "Mail.Send", "Send mail as any user"),
		},
		OAuth2PermissionScopes: []PermissionScope{
			scope("3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "EWS.AccessAsUser.All", "Access mailboxes as the signed-in user via Exchange Web Services", "User"),
			scope("195adc35-e27b-454b-a7ed-1ecdffa1c09f", "IMAP.AccessAsUser.All", "Read and write access to your mail via IMAP", "User"),
			scope("76faac2a-0f20-42f1-928a-50de5b9dbe52", "SMTP.Send", "Access to sending emails from your mailbox using SMTP AUTH", "User"),
			scope("ab4f2b77-0b06-4fc1-a9de-02113fc2ab7c", "Exchange.Manage", "Manage Exchange configuration", "Admin"),
		},
	}
	SharePointApp = &Application{
		TenantID: MicrosoftTenantID, ID: "00000003-0000-0ff1-ce00-00000000a0b3", AppID: "00000003-0000-0ff1-ce00-000000000000", DisplayName: "Office 365 SharePoint Online",
		SignInAudience: "AzureADMultipleOrgs", IdentifierURIs: []string{"https://microsoft.sharepoint-df.com"},
		AppRoles: []AppRole{
			role("678536fe-1083-478a-9c59-b99265e6b0d3", "Sites.FullControl.All", "Have full control of all site collections"),
			role("d13f72ca-a275-4b96-b789-48ebcc4da984", "Sites.Read.All", "Read items in all site collections"),
			role("fbcd29d2-fcca-4405-aded-518d457caae4", "Sites.ReadWrite.All", "Read and write items in all site collections"),
			role("20d37865-089c-4dee-8c41-6967602d4ac8", "Sites.Selected", "Access selected site collections"),
		},
		OAuth2PermissionScopes: []PermissionScope{
			scope("4e0d77b0-96ba-4398-af14-3baa780278f4", "AllSites.Read", "Read items in all site collections", "User"),
			scope("56680e0d-d2a3-4ae1-80d8-3c4f2100e3d0", "AllSites.FullControl", "Have full control of all site collections", "Admin"),
			scope("dd2c8d78-58e1-46d7-82dd-34d411282686", "MyFiles.Read", "Read user files", "User"),
		},
	}
	AzureServiceManagementApp = &Application{
		TenantID: MicrosoftTenantID, ID: "797f4846-ba00-4fd7-ba43-dac1f8f6a0b4", AppID: "797f4846-ba00-4fd7-ba43-dac1f8f63013", DisplayName: "Windows Azure Service Management API",
		SignInAudience: "AzureADMultipleOrgs", IdentifierURIs: []string{"https://management.core.windows.net/", "https://management.azure.com/"},
		OAuth2PermissionScopes: []PermissionScope{
			scope("41094075-9dad-400e-a0bd-54e686782033", "user_impersonation", "Access Azure Resource Manager as organization users", "User"),
		},
	}
)

// firstParty are the Microsoft apps every emulated tenant holds service
// principals for.
var firstParty = []*Application{GraphApp, BCApp, ExchangeApp, SharePointApp, AzureServiceManagementApp}

// FirstPartyApp is one of Microsoft's first-party apps by app ID, else nil.
func FirstPartyApp(appID string) *Application {
	for _, a := range firstParty {
		if strings.EqualFold(a.AppID, appID) {
			return a
		}
	}
	return nil
}

// FirstPartyServicePrincipals are the service principals of Microsoft's
// first-party APIs every emulated tenant starts with.
func FirstPartyServicePrincipals(tenantID string, now time.Time) []*ServicePrincipal {
	var out []*ServicePrincipal
	for _, app := range firstParty {
		out = append(out, &ServicePrincipal{
			TenantID: tenantID, ID: NewGUID(), AppID: app.AppID, DisplayName: app.DisplayName,
			AppOwnerOrganizationID: MicrosoftTenantID, ServicePrincipalType: "Application", AccountEnabled: true,
			ServicePrincipalNames: append([]string{app.AppID}, app.IdentifierURIs...), SignInAudience: "AzureADMultipleOrgs",
			AppRoles: app.AppRoles, OAuth2PermissionScopes: app.OAuth2PermissionScopes, CreatedDateTime: now,
		})
	}
	return out
}
