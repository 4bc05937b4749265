# Seeds 001 (Bizzjoiner) and 002 (Mosaic): a single-tenant Business Central
# connector, consented in your own tenant and registered inside the
# Business Central environment with its permission sets.
#
# The first apply stops at onboard_bc_environment_app with the steps to create
# the "Microsoft Entra Applications" card in Business Central (no API can);
# after that, apply again and Terraform assigns the permission sets.

terraform {
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

provider "onboard" {}

variable "environment" {
  description = "The Business Central environment, e.g. Production."
  type        = string
  default     = "Production"
}

resource "onboard_entra_app" "connector" {
  display_name              = "Mosaic Business Central"
  web_redirect_uris         = ["https://businesscentral.dynamics.com/OAuthLanding.htm"]
  allow_public_client_flows = true
}

resource "onboard_client_secret" "connector" {
  application_id = onboard_entra_app.connector.id
  display_name   = "ClientSecretForMosaicBusinessCentralApp"
  lifetime       = "8760h"
  rotate_before  = "720h"

  lifecycle {
    create_before_destroy = true
  }
}

# Seed 001 asks for Financials.ReadWrite.All "as an application permission";
# Business Central offers it only as a delegated one, so an app-only connector
# uses API.ReadWrite.All (and Automation.ReadWrite.All to manage users).
resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.connector.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All"]
}

# "Grant admin consent for <your organization>": the provider's automation
# identity grants it in its own tenant.
resource "onboard_customer_tenant" "home" {
  client_id  = onboard_entra_app.connector.client_id
  tenant     = onboard_entra_app.connector.tenant_id # your own tenant
  depends_on = [onboard_api_permission.business_central]
}

resource "onboard_bc_environment_app" "connector" {
  tenant_id     = onboard_customer_tenant.home.tenant_id
  environment   = var.environment
  client_id     = onboard_entra_app.connector.client_id
  client_secret = onboard_client_secret.connector.value
  description   = "Mosaic Business Central"

  permission_sets = [
    { role_id = "D365 AUTOMATION" },
    { role_id = "LOCAL" },
    { role_id = "LOGIN" },
  ]
}

output "tenant_id" {
  value = onboard_customer_tenant.home.tenant_id
}

output "client_id" {
  value = onboard_entra_app.connector.client_id
}

output "client_secret_expires" {
  value = onboard_client_secret.connector.end_date
}
