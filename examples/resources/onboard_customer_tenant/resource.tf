resource "onboard_entra_app" "orbit" {
  display_name     = "Qezaro Orbit"
  sign_in_audience = "AzureADMultipleOrgs"
}

resource "onboard_client_secret" "orbit" {
  application_id = onboard_entra_app.orbit.id
  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}

# A customer tenant, by domain. Plan shows it pending (exit code 2) until the
# customer's admin has consented through consent_url.
resource "onboard_customer_tenant" "fabrikam" {
  client_id = onboard_entra_app.orbit.client_id
  # Read consent as the app itself; write-only (Terraform 1.11), so the
  # secret is not copied into this resource's state.
  client_secret_wo         = onboard_client_secret.orbit.value
  client_secret_wo_version = onboard_client_secret.orbit.key_id
  tenant                   = "fabrikam.onmicrosoft.com"
  company_name             = "Fabrikam"
  admin_email              = "admin@fabrikam.onmicrosoft.com"
  categories               = ["Gold"]
  depends_on               = [onboard_api_permission.graph]
}

output "fabrikam_consent_url" {
  value = onboard_customer_tenant.fabrikam.consent_url
}

# Your own tenant (single-tenant apps): apply grants admin consent with the
# provider's automation identity.
resource "onboard_entra_app" "bc_connector" {
  display_name = "Mosaic Business Central"
}

resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.bc_connector.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All"]
}

resource "onboard_customer_tenant" "home" {
  client_id  = onboard_entra_app.bc_connector.client_id
  tenant     = onboard_entra_app.bc_connector.tenant_id
  depends_on = [onboard_api_permission.business_central]
}
