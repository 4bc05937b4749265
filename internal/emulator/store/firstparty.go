package store

import (
	"strings"
	"time"
)

// Microsoft's first-party resource apps that every tenant holds service
// principals for, with their real app role and scope IDs (research
// graph-api.md §3.1; the IDs it marked [I], from memory, were checked
// against several independent public permission dumps).

// MicrosoftTenantID owns the first-party apps.
const MicrosoftTenantID = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"

func role(id, value, name string) AppRole {
	return AppRole{ID: id, Value: value, DisplayName: name, Description: name, AllowedMemberTypes: []string{"Application"}, IsEnabled: true, Origin: "Application"}
}

func scope(id, value, name, typ string) PermissionScope {
	return PermissionScope{ID: id, Value: value, Type: typ, AdminConsentDisplayName: name, AdminConsentDescription: name,
		UserConsentDisplayName: name, UserConsentDescription: name, IsEnabled: true}
}

// GraphApp is Microsoft Graph.
var GraphApp = &Application{
	TenantID: MicrosoftTenantID, ID: "00000003-0000-0000-c000-00000000a0b1", AppID: GraphAppID, DisplayName: "Microsoft Graph",
	SignInAudience: "AzureADMultipleOrgs", IdentifierURIs: []string{"https://graph.microsoft.com", "https://canary.graph.microsoft.com"},
	AppRoles: []AppRole{
		role("df021288-bdef-4463-88db-98f22de89214", "User.Read.All", "Read all users' full profiles"),
		role("7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "Read directory data"),
		role("19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Directory.ReadWrite.All", "Read and write directory data"),
		role("498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All", "Read organization information"),
		role("5b567255-7703-4780-807c-7be8301ae99b", "Group.Read.All", "Read all groups"),
		role("7438b122-aefc-4978-80ed-43db9fcc7715", "Device.Read.All", "Read all devices"),
		role("2f51be20-0bb4-4fed-bf7b-db946066c75e", "DeviceManagementManagedDevices.Read.All", "Read Microsoft Intune devices"),
		role("bf394140-e372-4bf9-a898-299cfc7564e5", "SecurityEvents.Read.All", "Read your organization's security events"),
		role("230c1aed-a721-4c5d-9cb4-a90514e508ef", "Reports.Read.All", "Read all usage reports"),
		role("b0afded3-3588-46d8-8b3d-9842eff778da", "AuditLog.Read.All", "Read all audit log data"),
		role("810c84a8-4a9e-49e6-bf7d-12d183f40d01", "Mail.Read", "Read mail in all mailboxes"),
		role("18a4783c-866b-4cc7-a460-3d5e5662c884", "Application.ReadWrite.OwnedBy", "Manage apps that this app creates or owns"),
		role("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All", "Read and write all applications"),
		role("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All", "Read all applications"),
		role("06b708a9-e830-4db3-a914-8e69da51d44f", "AppRoleAssignment.ReadWrite.All", "Manage app permission grants and app role assignments"),
		role("8e8e4742-1d95-4f68-9d56-6ee75648c72a", "DelegatedPermissionGrant.ReadWrite.All", "Manage all delegated permission grants"),
		role("cac88765-0581-4025-9725-5ebc13f729ee", "CrossTenantInformation.ReadBasic.All", "Read cross-tenant basic information"),
		role("f6e9e124-4586-492f-adc0-c6f96e4823fd", "DelegatedAdminRelationship.Read.All", "Read Delegated Admin relationships with customers"),
		role("cc13eba4-8cd8-44c6-b4d4-f93237adce58", "DelegatedAdminRelationship.ReadWrite.All", "Manage Delegated Admin relationships with customers"),
		role("246dd0d5-5bd0-4def-940b-0421030a5b68", "Policy.Read.All", "Read your organization's policies"),
	},
	OAuth2PermissionScopes: []PermissionScope{
		scope("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User.Read", "Sign in and read user profile", "User"),
		scope("06da0dbc-49e2-44d2-8312-53f166ab848a", "Directory.Read.All", "Read directory data", "Admin"),
		scope("a154be20-db9c-4678-8ab7-66f6cc099a59", "User.Read.All", "Read all users' full profiles", "Admin"),
		scope("5f8c59db-677d-491f-a6b8-5f174b11ec1d", "Group.Read.All", "Read all groups", "Admin"),
		scope("570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "Mail.Read", "Read user mail", "User"),
		scope("37f7f235-527c-4136-accd-4a02d197296e", "openid", "Sign users in", "User"),
		scope("7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "offline_access", "Maintain access to data you have given it access to", "User"),
		scope("14dad69e-099b-42c9-810b-d002981feec1", "profile", "View users' basic profile", "User"),
		scope("64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "email", "View users' email address", "User"),
		scope("bdfbf15f-ee85-4955-8675-146e8e5296b5", "Application.ReadWrite.All", "Read and write all applications", "Admin"),
		scope("84bccea3-f856-4a8a-967b-dbe0a3d53a64", "AppRoleAssignment.ReadWrite.All", "Manage app role assignments", "Admin"),
		scope("41ce6ca6-6826-4807-84f1-1c82854f7ee5", "DelegatedPermissionGrant.ReadWrite.All", "Manage all delegated grants", "Admin"),
		scope("0c0064ea-477b-4130-82a5-4c2cc4ff68aa", "DelegatedAdminRelationship.Read.All", "Read Delegated Admin relationships", "Admin"),
		scope("885f682f-a990-4bad-a642-36736a74b0c7", "DelegatedAdminRelationship.ReadWrite.All", "Manage Delegated Admin relationships", "Admin"),
		scope("c79f8feb-a9db-4090-85f9-90d820caa0eb", "Application.Read.All", "Read applications", "Admin"),
		scope("0e263e50-5827-48a4-b97c-d940288653c7", "Directory.AccessAsUser.All", "Access directory as the signed in user", "Admin"),
	},
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

// FirstPartyApp is GraphApp or BCApp by app ID, else nil.
func FirstPartyApp(appID string) *Application {
	switch strings.ToLower(appID) {
	case GraphAppID:
		return GraphApp
	case BCAppID:
		return BCApp
	}
	return nil
}

// FirstPartyServicePrincipals are the Microsoft Graph and Business Central
// service principals every emulated tenant starts with.
func FirstPartyServicePrincipals(tenantID string, now time.Time) []*ServicePrincipal {
	var out []*ServicePrincipal
	for _, app := range []*Application{GraphApp, BCApp} {
		out = append(out, &ServicePrincipal{
			TenantID: tenantID, ID: NewGUID(), AppID: app.AppID, DisplayName: app.DisplayName,
			AppOwnerOrganizationID: MicrosoftTenantID, ServicePrincipalType: "Application", AccountEnabled: true,
			ServicePrincipalNames: append([]string{app.AppID}, app.IdentifierURIs...), SignInAudience: "AzureADMultipleOrgs",
			AppRoles: app.AppRoles, OAuth2PermissionScopes: app.OAuth2PermissionScopes, CreatedDateTime: now,
		})
	}
	return out
}
