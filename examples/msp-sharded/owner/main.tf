# The one configuration that owns the app registration, its secret and its
# permissions. Shards (../shard) read client_id and client_secret from here:
# pass them as variables (a CI secret), or read this state with
# terraform_remote_state. Apply it first, and alone.

terraform {
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

provider "onboard" {}

resource "onboard_entra_app" "orbit" {
  display_name      = "Qezaro Orbit"
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://orbit.qezaro.com/reseller"]
}

resource "onboard_client_secret" "orbit" {
  application_id = onboard_entra_app.orbit.id
  display_name   = "orbit"
  lifetime       = "2160h" # 90 days
  rotate_before  = "720h"  # replaced 30 days before it expires

  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["AdminCenter.ReadWrite.All", "API.ReadWrite.All"]
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}

output "client_id" {
  value = onboard_entra_app.orbit.client_id
}

output "client_secret" {
  value     = onboard_client_secret.orbit.value
  sensitive = true
}
