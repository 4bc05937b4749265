data "onboard_sync" "all" {
  client_id = onboard_entra_app.orbit.client_id
  # Signs in with the secret onboard_client_secret holds in this run: no
  # copy of it in this data source's state.
  client_secret_key_id = onboard_client_secret.orbit.key_id
  tenants              = [for t in onboard_customer_tenant.customer : t.tenant_id]
}

output "tenant_inventory" {
  value = {
    for key, r in data.onboard_sync.all.results : key => {
      status  = r.status
      consent = r.consent_state
      users   = r.users
      error   = r.error
    }
  }
}
