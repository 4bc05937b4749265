# A customer tenant, by domain. Plan shows it pending (exit code 2) until the
# customer's admin has consented through consent_url.
resource "onboard_customer_tenant" "contoso" {
  client_id = onboard_entra_app.orbit.client_id
  # Read consent as the app itself; write-only (Terraform 1.11), so the
  # secret is not copied into this resource's state.
  client_secret_wo         = onboard_client_secret.orbit.value
  client_secret_wo_version = onboard_client_secret.orbit.key_id
  tenant                   = "contoso.onmicrosoft.com"
  company_name             = "Contoso Ltd"
  admin_email              = "it-admin@contoso.com"
  categories               = ["Gold"]
  depends_on               = [onboard_api_permission.graph]
}

# Your own tenant (single-tenant apps): apply grants admin consent with the
# provider's automation identity.
resource "onboard_customer_tenant" "home" {
  client_id  = onboard_entra_app.bc_connector.client_id
  tenant     = "7d2a1c5e-3b4f-4e6a-9c8d-1f0e2a3b4c5d"
  depends_on = [onboard_api_permission.business_central]
}

output "contoso_consent_url" {
  value = onboard_customer_tenant.contoso.consent_url
}
