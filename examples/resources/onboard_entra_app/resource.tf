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
