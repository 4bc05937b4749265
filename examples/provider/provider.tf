terraform {
  required_providers {
    onboard = {
      source = "onboard-tf/onboard"
    }
  }
}

# Credentials usually come from the environment (ONBOARD_TENANT_ID,
# ONBOARD_CLIENT_ID, ONBOARD_CLIENT_SECRET, or the ARM_* variables).
provider "onboard" {
  tenant_id = "7d2a1c5e-3b4f-4e6a-9c8d-1f0e2a3b4c5d"
  client_id = "a1b2c3d4-0000-4000-8000-00000000a11c"
}
