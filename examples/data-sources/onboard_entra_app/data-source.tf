# An app someone else registered (seed 000, option B).
data "onboard_entra_app" "vendor" {
  client_id = "00000000-0000-0000-0000-000000000000"
}

data "onboard_entra_app" "by_name" {
  display_name = "Qezaro Orbit"
}

# What an API offers: require its scopes and roles by value.
output "payroll_scopes" {
  value = [for s in data.onboard_entra_app.by_name.oauth2_permission_scopes : s.value if s.enabled]
}
