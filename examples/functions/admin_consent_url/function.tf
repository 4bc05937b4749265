output "consent_url" {
  value = provider::onboard::admin_consent_url("contoso.onmicrosoft.com", onboard_entra_app.orbit.client_id, "https://orbit.qezaro.com/reseller")
}
