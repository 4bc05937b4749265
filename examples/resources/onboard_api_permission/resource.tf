resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["User.Read.All"]
  delegated_permissions   = ["User.Read"]
}

resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All", "AdminCenter.ReadWrite.All"]
}
