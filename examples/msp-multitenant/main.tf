# Seed guide 000 (Qezaro Orbit) as Terraform: one multi-tenant app, its
# secret and permissions, and every customer from a spreadsheet export.
# The secret is stored in state once, in onboard_client_secret: the customers
# and the Business Central authorizations get it write-only (Terraform 1.11),
# and the sync signs in with the secret the provider holds in the run.
# `terraform plan -detailed-exitcode` exits 2 while any customer still has to
# consent and 0 once every customer has; the consent URLs to send are an
# output, and the check blocks list who still has to act, at plan.

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

locals {
  secret_rotate_before = "720h" # the secret is replaced 30 days before it expires
}

resource "onboard_client_secret" "orbit" {
  application_id = onboard_entra_app.orbit.id
  display_name   = "orbit"
  lifetime       = "2160h" # 90 days
  rotate_before  = local.secret_rotate_before

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

# Outputs are part of what plan compares: an output that changed since the
# last apply makes `plan -detailed-exitcode` exit 2 with nothing to apply.
# So outputs hold only what stays the same when a customer consents; who
# still has to act is in the check blocks below, read fresh at every plan.
output "consent_urls" {
  description = "Per customer, the admin-consent URL to send to its administrator."
  value       = { for name, c in onboard_customer_tenant.customer : name => c.consent_url }
}

# Step 3, "Authorize the Entra App" in each customer's Business Central admin
# center, for every customer at once, where the partner has an active GDAP
# relationship (the provider's partner credential signs in as that admin).
data "onboard_customer_tenants" "gdap" {}

locals {
  # Whether each tenant ID has an active GDAP relationship.
  gdap_active = { for id, c in data.onboard_customer_tenants.gdap.customers : id => c.active }
  # The customers to authorize, as name => tenant ID. Kept in a local on
  # purpose: Terraform evaluates a resource's for_each again for every
  # instance it plans, so a for expression over all customers written inside
  # for_each costs customers x customers work (with try(), customers cubed:
  # hours at a few thousand customers). A local is evaluated once per run.
  bc_authorized = {
    for name, c in onboard_customer_tenant.customer : name => c.tenant_id
    if lookup(local.gdap_active, c.tenant_id, false)
  }
}

resource "onboard_bc_authorized_app" "customer" {
  for_each = local.bc_authorized

  tenant_id = each.value
  client_id = onboard_entra_app.orbit.client_id
  # Lets every plan check all authorizations with one app-only request
  # (manageableTenants) instead of one partner request per customer.
  client_secret_wo         = onboard_client_secret.orbit.value
  client_secret_wo_version = onboard_client_secret.orbit.key_id
}

# Step 5 of the guide, "Run Sync": one read across every customer, at every
# plan. Its inputs come from values Terraform knows at plan: the customer
# list (the same CSV as the resources, not the resources themselves) and the
# app. A data source that refers to a resource with a change pending is read
# only during apply ("known after apply"), and a customer still to consent
# always has one, so `tenants = [for c in onboard_customer_tenant.customer :
# c.tenant_id]` would blind every check exactly when it matters.
data "onboard_sync" "all" {
  client_id = onboard_entra_app.orbit.client_id
  customers = { for name, c in local.customers : name => c.TenantId }
  # A data source cannot take a write-only value: the provider signs in
  # with the secret onboard_client_secret holds in this run, so the secret
  # stays in state once (in onboard_client_secret).
  client_secret_key_id = onboard_client_secret.orbit.key_id
}

# The app's secrets, read with the provider's own identity. This read refers
# to the app only, not to the secret, so it happens at plan even while the
# secret itself is being replaced (the sync above, which signs in with that
# secret, then waits for apply).
data "onboard_sync" "secrets" {
  client_id = onboard_entra_app.orbit.client_id
  tenants   = []
  # Warn only when a secret got this close to its end without being rotated
  # (rotate_before replaces it 30 days before): the check is the alarm for a
  # rotation that did not happen, not for one that apply is about to do.
  secret_warning_days = 14
}

locals {
  sync = data.onboard_sync.all
  # Customer names per situation (not onboarded and partly consented alike
  # wait for their administrator), and the same as one line: at most 30
  # names, then how many more, so 500 customers make one readable warning.
  by_situation = {
    to_consent  = sort([for name, r in local.sync.results : name if contains(["not_onboarded", "pending_consent"], r.standing)])
    revoked     = sort([for name, r in local.sync.results : name if r.standing == "revoked"])
    unreachable = sort([for name, r in local.sync.results : name if r.standing == "unreachable"])
  }
  named = {
    for s, names in local.by_situation :
    s => "${join(", ", slice(names, 0, min(30, length(names))))}${length(names) > 30 ? " and ${length(names) - 30} more" : ""}"
  }
}

check "customers_consented" {
  assert {
    condition     = length(local.by_situation.to_consent) == 0
    error_message = "${length(local.by_situation.to_consent)} customer(s) still have to consent: ${local.named.to_consent}. Send each administrator its URL from `terraform output consent_urls`."
  }
}

check "consent_not_revoked" {
  assert {
    condition     = local.sync.summary.revoked == 0
    error_message = "Consent was taken back in ${local.sync.summary.revoked} customer(s): ${local.named.revoked}. Apply grants it again where GDAP allows; otherwise send the customer's administrator its consent URL again."
  }
}

check "customers_reachable" {
  assert {
    condition     = local.sync.summary.unreachable == 0
    error_message = "${local.sync.summary.unreachable} customer(s) cannot be read: ${local.named.unreachable}. ${join(" ", [for name in slice(local.by_situation.unreachable, 0, min(3, length(local.by_situation.unreachable))) : "${name}: ${local.sync.results[name].cause} ${local.sync.results[name].fix}"])}"
  }
}

check "secret_not_expiring" {
  assert {
    condition     = data.onboard_sync.secrets.summary.secrets_expiring == 0
    error_message = join(" ", [for s in data.onboard_sync.secrets.secrets : "Client secret \"${s.display_name}\" (key ${s.key_id}) of Qezaro Orbit ends ${s.end_date}; terraform apply should have replaced it from ${timeadd(s.end_date, "-${local.secret_rotate_before}")}: run it." if s.expiring])
  }
}
