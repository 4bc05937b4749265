# The customers come from one list (a CSV export in practice, a map here),
# used by both the onboard_customer_tenant resources and the sync; not from
# the resources: a data source that refers to a resource with a change
# pending is read only during apply, and a customer waiting for consent
# always has one.
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

resource "onboard_client_secret" "orbit" {
  application_id = onboard_entra_app.orbit.id
  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All", "User.Read.All"]
}

resource "onboard_customer_tenant" "customer" {
  for_each = local.customers

  client_id    = onboard_entra_app.orbit.client_id
  tenant       = each.value
  company_name = each.key
  depends_on   = [onboard_api_permission.graph]
}

data "onboard_sync" "all" {
  client_id = onboard_entra_app.orbit.client_id
  # Signs in with the secret onboard_client_secret holds in this run: no
  # copy of it in this data source's state.
  client_secret_key_id = onboard_client_secret.orbit.key_id
  customers            = local.customers
}

check "customers_onboarded" {
  assert {
    condition     = data.onboard_sync.all.summary.ok == data.onboard_sync.all.summary.total
    error_message = join("\n", [for name, r in data.onboard_sync.all.results : "${name}: ${r.standing} ${r.standing == "unreachable" ? "${r.cause} ${r.fix}" : r.consent_url}" if r.standing != "ok"])
  }
}
