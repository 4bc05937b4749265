resource "onboard_entra_app" "orbit" {
  display_name      = "Qezaro Orbit"
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://orbit.qezaro.com/reseller"]
}

output "consent_url" {
  value = provider::onboard::admin_consent_url("contoso.onmicrosoft.com", onboard_entra_app.orbit.client_id, "https://orbit.qezaro.com/reseller")
}

# An app that also reads Business Central: name every API it needs.
output "consent_url_with_business_central" {
  value = provider::onboard::admin_consent_url("contoso.onmicrosoft.com", onboard_entra_app.orbit.client_id, "https://orbit.qezaro.com/reseller", "Dynamics 365 Business Central", "Microsoft Graph")
}
