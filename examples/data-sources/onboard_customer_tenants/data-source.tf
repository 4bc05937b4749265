# "Fetch tenants": every customer reachable through an active GDAP
# relationship, onboarded with for_each. Needs a partner credential (the
# provider's partner block or ONBOARD_PARTNER_REFRESH_TOKEN).
data "onboard_customer_tenants" "gdap" {
  expiry_warning_days = 45
}

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

locals {
  # Tenant ID => name of every customer with an active relationship. A local,
  # not inline in for_each: Terraform evaluates for_each again for every
  # instance it plans, a local once per run.
  gdap_customers = { for id, c in data.onboard_customer_tenants.gdap.customers : id => c.display_name if c.active }
}

resource "onboard_customer_tenant" "gdap" {
  for_each = local.gdap_customers

  client_id                = onboard_entra_app.orbit.client_id
  client_secret_wo         = onboard_client_secret.orbit.value # Terraform 1.11; stored nowhere
  client_secret_wo_version = onboard_client_secret.orbit.key_id
  tenant                   = each.key
  company_name             = each.value
  depends_on               = [onboard_api_permission.graph]
}

# What each relationship lets the partner admin do; plan warns about
# relationships ending within expiry_warning_days.
output "gdap_roles" {
  value = { for id, c in data.onboard_customer_tenants.gdap.customers : c.display_name => c.roles }
}
