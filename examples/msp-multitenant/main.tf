# Seed guide 000 (Qezaro Orbit) as Terraform: one multi-tenant app, its
# secret and permissions, and every customer from a spreadsheet export.
# The secret is stored in state once, in onboard_client_secret: the customers
# and the Business Central authorizations get it write-only (Terraform 1.11),
# and the sync signs in with the secret the provider holds in the run.
# `terraform plan -detailed-exitcode` exits 2 while any customer still has to
# consent; the consent URLs to send are an output.

terraform {
  required_version = ">= 1.11" # write-only arguments
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

provider "onboard" {}

resource "onboard_entra_app" "orbit" {
  display_name      = "Qezaro Orbit"
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://orbit.qezaro.com/reseller"]
}

resource "onboard_client_secret" "orbit" {
  application_id = onboard_entra_app.orbit.id
  display_name   = "orbit"
  lifetime       = "2160h" # 90 days
  rotate_before  = "720h"  # replaced 30 days before it expires

  lifecycle {
    create_before_destroy = true
  }
}

resource "onboard_api_permission" "business_central" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["AdminCenter.ReadWrite.All", "API.ReadWrite.All"]
}

resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.orbit.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}

locals {
  # companyname,TenantId,AdminEmail,CategoryName (categories separated by ";")
  customers = { for row in csvdecode(file("${path.module}/customers.csv")) : row.companyname => row }
}

resource "onboard_customer_tenant" "customer" {
  for_each = local.customers

  client_id = onboard_entra_app.orbit.client_id
  # Write-only: used to read consent as the app, never stored here. A new
  # key_id (a rotation) makes apply read again with the new secret.
  client_secret_wo         = onboard_client_secret.orbit.value
  client_secret_wo_version = onboard_client_secret.orbit.key_id
  tenant                   = each.value.TenantId # a GUID or a domain
  company_name             = each.value.companyname
  admin_email              = each.value.AdminEmail != "" ? each.value.AdminEmail : null
  categories               = [for c in split(";", each.value.CategoryName) : trimspace(c) if trimspace(c) != ""]

  depends_on = [onboard_api_permission.business_central, onboard_api_permission.graph]
}

output "client_id" {
  value = onboard_entra_app.orbit.client_id
}

output "pending_consent" {
  description = "Customers still to consent, with the URL to send to their admin."
  value = {
    for name, c in onboard_customer_tenant.customer : name => {
      admin_email = c.admin_email
      consent_url = c.consent_url
      missing     = c.missing_permissions
    } if c.consent_state != "granted"
  }
}

# Step 3, "Authorize the Entra App" in each customer's Business Central admin
# center, for every customer at once, where the partner has an active GDAP
# relationship (the provider's partner credential signs in as that admin).
data "onboard_customer_tenants" "gdap" {}

resource "onboard_bc_authorized_app" "customer" {
  for_each = {
    for name, c in onboard_customer_tenant.customer : name => c
    if try(data.onboard_customer_tenants.gdap.customers[c.tenant_id].active, false)
  }

  tenant_id = each.value.tenant_id
  client_id = onboard_entra_app.orbit.client_id
  # Lets every plan check all authorizations with one app-only request
  # (manageableTenants) instead of one partner request per customer.
  client_secret_wo         = onboard_client_secret.orbit.value
  client_secret_wo_version = onboard_client_secret.orbit.key_id
}

# Step 5 of the guide, "Run Sync": one read across every customer. The check
# blocks warn in every plan without failing it.
data "onboard_sync" "all" {
  client_id = onboard_entra_app.orbit.client_id
  tenants   = [for c in onboard_customer_tenant.customer : c.tenant_id]
  # A data source cannot take a write-only value: the provider signs in
  # with the secret onboard_client_secret holds in this run.
  client_secret_key_id = onboard_client_secret.orbit.key_id
}

output "sync_summary" {
  value = data.onboard_sync.all.summary
}

check "customers_reachable" {
  assert {
    condition     = data.onboard_sync.all.summary.tenants_failing == 0
    error_message = "Some customer tenants cannot be read: ${join(", ", [for k, r in data.onboard_sync.all.results : "${k}: ${r.error}" if r.status != "ok"])}"
  }
}

check "secret_not_expiring" {
  assert {
    condition     = data.onboard_sync.all.summary.secrets_expiring == 0
    error_message = "A client secret of Qezaro Orbit expires within 30 days; apply to rotate it."
  }
}
