resource "onboard_entra_app" "orbit" {
  display_name     = "Qezaro Orbit"
  sign_in_audience = "AzureADMultipleOrgs"
}

# Any of Microsoft Graph's permissions, by name: checked at plan against the
# Graph service principal in your tenant, with "did you mean" on a typo.
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["User.Read.All", "Sites.Read.All", "Mail.Send", "Files.Read.All"]
  delegated_permissions   = ["User.Read", "offline_access"]
}

resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All", "AdminCenter.ReadWrite.All"]
}

# Any other API, by its service principal's display name (or its client ID).
resource "onboard_api_permission" "exchange" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Office 365 Exchange Online"
  application_permissions = ["Exchange.ManageAsApp"]
}
