# Seed 000 step 3 for every customer at once ("there's no bulk authorization"
# in the admin center UI). Needs the provider's partner block: a partner admin
# with Dynamics 365 Administrator in each customer through GDAP.
resource "onboard_bc_authorized_app" "customer" {
  for_each = onboard_customer_tenant.customer

  tenant_id = each.value.tenant_id
  client_id = onboard_entra_app.orbit.client_id

  # Optional: the app's own credential reads every authorization with one
  # app-only manageableTenants call per run. A certificate, write-only:
  client_certificate_wo         = "${onboard_client_certificate.generated.certificate_pem}${onboard_client_certificate.generated.private_key_pem}"
  client_certificate_wo_version = onboard_client_certificate.generated.key_id
}
