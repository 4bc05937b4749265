# The configuration of the guide "Testing your own configurations against the
# emulator": a multi-tenant app onboarded into the three customers that
# seed.json adds to the emulator, by domain.

terraform {
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

provider "onboard" {}

resource "onboard_entra_app" "saas" {
  display_name      = "My SaaS"
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://app.example.com/onboarded"]
}

resource "onboard_client_secret" "saas" {
  application_id = onboard_entra_app.saas.id
  lifetime       = "4320h"
  rotate_before  = "720h"

  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.saas.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}

resource "onboard_customer_tenant" "customer" {
  for_each = toset(["adatum.onmicrosoft.com", "litware.onmicrosoft.com", "woodgrove.onmicrosoft.com"])

  client_id     = onboard_entra_app.saas.client_id
  client_secret = onboard_client_secret.saas.value
  tenant        = each.key

  depends_on = [onboard_api_permission.graph]
}

output "client_id" {
  value = onboard_entra_app.saas.client_id
}

output "consent_urls" {
  description = "Customers still to consent, with the URL to send to their admin."
  value       = { for k, c in onboard_customer_tenant.customer : k => c.consent_url if c.consent_state != "granted" }
}
