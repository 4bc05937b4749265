# Quickstart: the app registration a Business Central connector needs
# (seed guides 001 "Bizzjoiner" and 002 "Mosaic"), with the values the vendor
# asks for as outputs. `make demo` applies it against the local emulator.
#
# The provider reads its credentials from the environment (ONBOARD_TENANT_ID,
# ONBOARD_CLIENT_ID, ONBOARD_CLIENT_SECRET, and for the emulator the
# ONBOARD_*_ENDPOINT and ONBOARD_CA_CERT_FILE variables).

terraform {
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

provider "onboard" {}

resource "onboard_entra_app" "connector" {
  display_name              = "Mosaic Business Central"
  sign_in_audience          = "AzureADMyOrg"
  web_redirect_uris         = ["https://businesscentral.dynamics.com/OAuthLanding.htm"]
  allow_public_client_flows = true
  notes                     = "Managed by Terraform (onboard provider)."
}

resource "onboard_client_secret" "connector" {
  application_id = onboard_entra_app.connector.id
  display_name   = "ClientSecretForMosaicBusinessCentralApp"
  lifetime       = "8760h" # 12 months, as the guide recommends
  rotate_before  = "720h"  # plan rotates it 30 days before it expires

  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.connector.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All"]
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.connector.id
  api                     = "Microsoft Graph"
  application_permissions = ["User.Read.All"]
}

output "tenant_id" {
  description = "Directory (tenant) ID to give the vendor."
  value       = onboard_entra_app.connector.tenant_id
}

output "client_id" {
  description = "Application (client) ID to give the vendor."
  value       = onboard_entra_app.connector.client_id
}

output "client_secret_expires" {
  description = "When the secret expires; plan rotates it 30 days earlier."
  value       = onboard_client_secret.connector.end_date
}

output "client_secret" {
  description = "The secret to give the vendor (terraform output -raw client_secret)."
  value       = onboard_client_secret.connector.value
  sensitive   = true
}
