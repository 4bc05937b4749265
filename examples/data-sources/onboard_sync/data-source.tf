# The customers come from the same list as the onboard_customer_tenant
# resources (a CSV here), not from the resources: a data source that refers
# to a resource with a change pending is read only during apply, and a
# customer waiting for consent always has one.
data "onboard_sync" "all" {
  client_id = onboard_entra_app.orbit.client_id
  # Signs in with the secret onboard_client_secret holds in this run: no
  # copy of it in this data source's state.
  client_secret_key_id = onboard_client_secret.orbit.key_id
  customers            = { for row in csvdecode(file("${path.module}/customers.csv")) : row.companyname => row.TenantId }
}

check "customers_onboarded" {
  assert {
    condition     = data.onboard_sync.all.summary.ok == data.onboard_sync.all.summary.total
    error_message = join("\n", [for name, r in data.onboard_sync.all.results : "${name}: ${r.standing} ${r.standing == "unreachable" ? "${r.cause} ${r.fix}" : r.consent_url}" if r.standing != "ok"])
  }
}
