# An app someone else registered (seed 000, option B).
data "onboard_entra_app" "vendor" {
  client_id = "00000000-0000-0000-0000-000000000000"
}

data "onboard_entra_app" "by_name" {
  display_name = "Qezaro Orbit"
}
