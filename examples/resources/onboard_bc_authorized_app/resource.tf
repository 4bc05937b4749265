# Seed 000 step 3 for every customer at once ("there's no bulk authorization"
# in the admin center UI). Needs a partner credential (the provider's partner
# block or ONBOARD_PARTNER_REFRESH_TOKEN): a partner admin with Dynamics 365
# Administrator in each customer through GDAP.
locals {
  customers = {
    "Fabrikam"          = "fabrikam.onmicrosoft.com"
    "Northwind Traders" = "northwind.onmicrosoft.com"
  }
}

resource "onboard_entra_app" "orbit" {
  display_name     = "Qezaro Orbit"
  sign_in_audience = "AzureADMultipleOrgs"
}

resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["AdminCenter.ReadWrite.All", "API.ReadWrite.All"]
}

resource "onboard_customer_tenant" "customer" {
  for_each = local.customers

  client_id    = onboard_entra_app.orbit.client_id
  tenant       = each.value
  company_name = each.key
  depends_on   = [onboard_api_permission.business_central]
}

# The app's own credential: a certificate whose private key the provider
# generates and keeps once, in this resource's state.
resource "onboard_client_certificate" "generated" {
  application_id = onboard_entra_app.orbit.id
  generate       = true
}

resource "onboard_bc_authorized_app" "customer" {
  for_each = onboard_customer_tenant.customer

  tenant_id = each.value.tenant_id
  client_id = onboard_entra_app.orbit.client_id

  # Optional: the app's own credential reads every authorization with one
  # app-only manageableTenants call per run. A certificate, write-only:
  client_certificate_wo         = "${onboard_client_certificate.generated.certificate_pem}${onboard_client_certificate.generated.private_key_pem}"
  client_certificate_wo_version = onboard_client_certificate.generated.key_id
}
