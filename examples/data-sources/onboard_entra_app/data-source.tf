# An API someone registered, with an app role and a delegated scope.
resource "onboard_entra_app" "payroll_api" {
  display_name = "Contoso Payroll"

  app_role {
    id                   = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a01"
    value                = "Payroll.Read.All"
    display_name         = "Read all payroll data"
    description          = "Allows the app to read payroll data without a signed-in user."
    allowed_member_types = ["Application"]
  }

  oauth2_permission_scope {
    id                         = "7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b01"
    value                      = "Payroll.Read"
    type                       = "User"
    admin_consent_display_name = "Read payroll data"
    admin_consent_description  = "Allows the app to read payroll data on behalf of the signed-in user."
  }
}

# Usually the app is someone else's (seed 000, option B): put its client ID
# (a GUID) or its display name here instead.
data "onboard_entra_app" "by_client_id" {
  client_id = onboard_entra_app.payroll_api.client_id
}

data "onboard_entra_app" "by_name" {
  display_name = onboard_entra_app.payroll_api.display_name
}

# What an API offers: require its scopes and roles by value.
output "payroll_scopes" {
  value = [for s in data.onboard_entra_app.by_name.oauth2_permission_scopes : s.value if s.enabled]
}

output "payroll_roles" {
  value = [for r in data.onboard_entra_app.by_client_id.app_roles : r.value if r.enabled]
}
