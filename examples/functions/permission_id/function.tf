output "automation_role_id" {
  # "d365bc00-a990-0000-00bc-160000000001"
  value = provider::onboard::permission_id("Dynamics 365 Business Central", "Automation.ReadWrite.All")
}
