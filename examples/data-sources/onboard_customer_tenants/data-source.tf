# "Fetch tenants": every customer reachable through an active GDAP
# relationship, onboarded with for_each. Needs the provider's partner block.
data "onboard_customer_tenants" "gdap" {
  expiry_warning_days = 45
}

resource "onboard_customer_tenant" "gdap" {
  for_each = { for id, c in data.onboard_customer_tenants.gdap.customers : id => c if c.active }

  client_id                = onboard_entra_app.orbit.client_id
  client_secret_wo         = onboard_client_secret.orbit.value # Terraform 1.11; stored nowhere
  client_secret_wo_version = onboard_client_secret.orbit.key_id
  tenant                   = each.key
  company_name             = each.value.display_name
}
