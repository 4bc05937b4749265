# Seed guide 003 (ROGER365 Azure Entra replicator): an app that reads all
# users with the Microsoft Graph application permission User.Read.All, a
# secret whose expiry is tracked (and rotated) instead of remembered, and the
# three values the replicator asks for.

terraform {
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

provider "onboard" {}

resource "onboard_entra_app" "replicator" {
  display_name = "ROGER365.io Azure Entra replicator"
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.replicator.id
  api                     = "Microsoft Graph"
  application_permissions = ["User.Read.All"]
}

resource "onboard_client_secret" "replicator" {
  application_id = onboard_entra_app.replicator.id
  display_name   = "replicator"
  lifetime       = "4380h" # six months
  rotate_before  = "336h"  # plan rotates it two weeks before expiry

  lifecycle {
    create_before_destroy = true
  }
}

check "secret_expiry" {
  assert {
    condition     = timecmp(timeadd(plantimestamp(), "720h"), onboard_client_secret.replicator.end_date) < 0
    error_message = "The replicator's secret expires on ${onboard_client_secret.replicator.end_date}; apply before then to rotate it."
  }
}

output "tenant_id" {
  value = onboard_entra_app.replicator.tenant_id
}

output "client_id" {
  value = onboard_entra_app.replicator.client_id
}

output "client_secret" {
  value     = onboard_client_secret.replicator.value
  sensitive = true
}

output "client_secret_expires" {
  value = onboard_client_secret.replicator.end_date
}
