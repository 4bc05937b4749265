resource "onboard_entra_app" "orbit" {
  display_name     = "Qezaro Orbit"
  sign_in_audience = "AzureADMultipleOrgs"
}

# Recommended: the vendor's certificate, whose private key stays in its key
# vault; nothing secret enters Terraform. sync.crt holds the public
# certificate only, PEM (-----BEGIN CERTIFICATE-----).
resource "onboard_client_certificate" "sync" {
  application_id = onboard_entra_app.orbit.id
  display_name   = "ROGER365 sync (Key Vault)"
  certificate    = file("${path.module}/sync.crt")
  rotate_before  = "720h" # plan warns 30 days before it expires

  lifecycle {
    create_before_destroy = true # upload the next certificate before this one goes
  }
}

# A key pair made in Azure Key Vault works the same way: certificate takes
# base64 DER too, e.g. azurerm_key_vault_certificate.<name>.certificate_data_base64
# (see the guide "Keeping secrets out of state").

# Or let the provider generate a key pair. The private key is kept once, in
# this resource's state (sensitive): treat the state as a secret.
resource "onboard_client_certificate" "generated" {
  application_id = onboard_entra_app.orbit.id
  generate       = true
  common_name    = "roger365-sync"
  lifetime       = "8760h" # one year
  rotate_before  = "720h"  # plan replaces it, with a new key pair, 30 days before it expires

  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}

# Consumers sign in as the app with the certificate and its key, write-only
# (Terraform 1.11 or later): no copy of the key in their state.
resource "onboard_customer_tenant" "northwind" {
  client_id                     = onboard_entra_app.orbit.client_id
  client_certificate_wo         = "${onboard_client_certificate.generated.certificate_pem}${onboard_client_certificate.generated.private_key_pem}"
  client_certificate_wo_version = onboard_client_certificate.generated.key_id # a new key pair re-reads at once
  tenant                        = "northwind.com"
  depends_on                    = [onboard_api_permission.graph]
}

# The sync names the certificate; the provider signs in with the one it holds.
data "onboard_sync" "all" {
  client_id                 = onboard_entra_app.orbit.client_id
  client_certificate_key_id = onboard_client_certificate.generated.key_id
  tenants                   = [onboard_customer_tenant.northwind.tenant_id]
}
