# Seed 002 (Mosaic): a single-tenant connector registered inside your own
# Business Central environment with its permission sets. Create the
# "Microsoft Entra Applications" card once by hand (apply prints the steps
# until it exists); Terraform manages the rest. (The emulator's home tenant
# has no Business Central until you add an environment: see the emulator
# reference, PUT /_emulator/bc/tenants/{tenant}/environments/Production.)
resource "onboard_entra_app" "bc_connector" {
  display_name              = "Mosaic Business Central"
  allow_public_client_flows = true
}

resource "onboard_client_secret" "bc_connector" {
  application_id = onboard_entra_app.bc_connector.id
  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.bc_connector.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All"]
}

# Admin consent in your own tenant, granted by the provider's automation identity.
resource "onboard_customer_tenant" "home" {
  client_id  = onboard_entra_app.bc_connector.client_id
  tenant     = onboard_entra_app.bc_connector.tenant_id
  depends_on = [onboard_api_permission.business_central]
}

resource "onboard_bc_environment_app" "production" {
  tenant_id   = onboard_customer_tenant.home.tenant_id
  environment = "Production"
  client_id   = onboard_entra_app.bc_connector.client_id
  # Write-only (Terraform 1.11): the secret is not copied into this state.
  client_secret_wo         = onboard_client_secret.bc_connector.value
  client_secret_wo_version = onboard_client_secret.bc_connector.key_id
  description              = "Mosaic Business Central"

  permission_sets = [
    { role_id = "D365 AUTOMATION" },
    { role_id = "LOCAL", company = "CRONUS USA, Inc." },
    { role_id = "LOGIN" },
  ]
}
