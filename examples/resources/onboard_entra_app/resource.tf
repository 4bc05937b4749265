# A multi-tenant app that customers connect to (seed scenario: MSP portal).
resource "onboard_entra_app" "orbit" {
  display_name      = "Qezaro Orbit"
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://orbit.qezaro.com/reseller"]
}

# A single-tenant Business Central connector with public client flows.
resource "onboard_entra_app" "bc_connector" {
  display_name              = "Mosaic Business Central"
  allow_public_client_flows = true
}

variable "payroll_owners" {
  description = "Object IDs of the users or service principals that own the payroll API."
  type        = list(string)
  default     = []
}

# A vendor's API that other apps (and customers' admins) consent to: an app
# role for daemons, delegated scopes for users, a SPA front end, the links and
# logo the consent screen shows, owners and optional claims.
resource "onboard_entra_app" "payroll_api" {
  display_name     = "Contoso Payroll"
  sign_in_audience = "AzureADMultipleOrgs"
  identifier_uris  = ["api://contoso-payroll"]

  app_role {
    id                   = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a01"
    value                = "Payroll.Read.All"
    display_name         = "Read all payroll data"
    description          = "Allows the app to read payroll data without a signed-in user."
    allowed_member_types = ["Application"]
  }

  oauth2_permission_scope {
    id                         = "7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b01"
    value                      = "Payroll.Read"
    type                       = "User"
    admin_consent_display_name = "Read payroll data"
    admin_consent_description  = "Allows the app to read payroll data on behalf of the signed-in user."
    user_consent_display_name  = "Read your payroll data"
    user_consent_description   = "Allows the app to read your payslips."
  }

  oauth2_permission_scope {
    id                         = "7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b02"
    value                      = "Payroll.Manage"
    type                       = "Admin"
    admin_consent_display_name = "Manage payroll"
    admin_consent_description  = "Allows the app to run payroll on behalf of the signed-in administrator."
  }

  spa_redirect_uris = ["https://payroll.contoso.com/", "http://localhost:3000"]

  marketing_url         = "https://contoso.com/payroll"
  privacy_statement_url = "https://contoso.com/privacy"
  terms_of_service_url  = "https://contoso.com/terms"
  support_url           = "https://contoso.com/support"

  # The consent screen's logo: a PNG, JPEG or GIF of at most 100 KB.
  logo_image = filebase64("${path.module}/logo.png")

  # Object IDs of users or service principals; owners added elsewhere stay.
  owners = var.payroll_owners

  optional_claims {
    access_token {
      name = "email"
    }
    id_token {
      name                  = "groups"
      additional_properties = ["sam_account_name"]
    }
  }
}

# A second app requires the API's app role and one of its scopes by name.
resource "onboard_entra_app" "payroll_worker" {
  display_name = "Contoso Payroll Worker"
}

resource "onboard_api_permission" "payroll_worker" {
  application_id          = onboard_entra_app.payroll_worker.id
  api                     = onboard_entra_app.payroll_api.client_id
  application_permissions = ["Payroll.Read.All"]
  delegated_permissions   = ["Payroll.Read"]
}
