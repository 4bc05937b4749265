resource "onboard_entra_app" "orbit" {
  display_name     = "Qezaro Orbit"
  sign_in_audience = "AzureADMultipleOrgs"
}

resource "onboard_client_secret" "replicator" {
  application_id = onboard_entra_app.orbit.id
  display_name   = "ROGER365 replicator"
  lifetime       = "8760h" # one year
  rotate_before  = "720h"  # 30 days before it expires, apply adds a new one...
  # ...and keeps this one valid a week longer for systems still using it.
  keep_previous_for = "168h"

  lifecycle {
    create_before_destroy = true # the app is never without a valid secret
  }
}

output "secret_expires" {
  value = onboard_client_secret.replicator.end_date
}
