output "automation_role_id" {
  # "d365bc00-a990-0000-00bc-160000000001"
  value = provider::onboard::permission_id("Dynamics 365 Business Central", "Automation.ReadWrite.All")
}

output "sites_read_all_role_id" {
  # "332a536c-c7ef-4017-ab91-336970924f0d" (the app role; Microsoft Graph also has a delegated Sites.Read.All)
  value = provider::onboard::permission_id("Microsoft Graph", "Sites.Read.All")
}
