# Seed 002 (Mosaic), part 3: the app inside Business Central with its
# permission sets. Create the "Microsoft Entra Applications" card once by hand
# (apply prints the steps until it exists); Terraform manages the rest.
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
