# One shard of the customers: the rows of customers.csv whose tenant hashes
# to shard_index. Every shard is its own root configuration with its own
# state (a workspace, a Terragrunt unit, an HCP Terraform or Atlantis
# project), and all shards can run at once. The hash is of the tenant as the
# CSV writes it, so adding or removing a customer never moves another one
# to a different shard; changing shard_count does (see the sharding guide).

terraform {
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

provider "onboard" {}

variable "shard_index" {
  type        = number
  description = "This shard, from 0 to shard_count - 1."

  validation {
    condition     = var.shard_index >= 0 && floor(var.shard_index) == var.shard_index
    error_message = "shard_index must be a whole number from 0 to shard_count - 1, e.g. 0."
  }
}

variable "shard_count" {
  type        = number
  description = "How many shards the customers are split into."

  validation {
    condition     = var.shard_count >= 1 && floor(var.shard_count) == var.shard_count
    error_message = "shard_count must be a whole number of at least 1, e.g. 4."
  }
}

# A shard_index past the last shard would select no customer, and a plan
# would propose to destroy every customer this shard onboarded: refused at
# plan. (A precondition here, not a cross-variable validation, which needs
# Terraform 1.9.)
output "shard" {
  value = "${var.shard_index + 1} of ${var.shard_count}"

  precondition {
    condition     = var.shard_index < var.shard_count
    error_message = "shard_index must be from 0 to shard_count - 1 (shard_index = ${var.shard_index}, shard_count = ${var.shard_count})."
  }
}

variable "customers_csv" {
  type        = string
  description = "The customers spreadsheet export: companyname,TenantId,AdminEmail,CategoryName."
}

variable "client_id" {
  type        = string
  description = "The app's client ID, from the owner configuration's output."
}

variable "client_secret" {
  type        = string
  sensitive   = true
  description = "The app's secret, from the owner configuration's output."
}

locals {
  customers = {
    for row in csvdecode(file(var.customers_csv)) : row.companyname => row
    if parseint(substr(sha1(lower(trimspace(row.TenantId))), 0, 4), 16) % var.shard_count == var.shard_index
  }
}

resource "onboard_customer_tenant" "customer" {
  for_each = local.customers

  client_id     = var.client_id
  client_secret = var.client_secret
  tenant        = each.value.TenantId # a GUID or a domain
  company_name  = each.value.companyname
  admin_email   = each.value.AdminEmail != "" ? each.value.AdminEmail : null
  categories    = [for c in split(";", each.value.CategoryName) : trimspace(c) if trimspace(c) != ""]
}

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

  tenant_id     = each.value
  client_id     = var.client_id
  client_secret = var.client_secret
}

output "customers" {
  description = "The customers this shard manages."
  value       = sort(keys(local.customers))
}

output "pending_consent" {
  description = "Customers of this shard still to consent, with the URL to send to their admin."
  value = {
    for name, c in onboard_customer_tenant.customer : name => {
      admin_email = c.admin_email
      consent_url = c.consent_url
      missing     = c.missing_permissions
    } if c.consent_state != "granted"
  }
}
