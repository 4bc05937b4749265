# <tenant id>/<client id>. Import sets `tenant` to the tenant ID; a
# configuration naming the same tenant by a domain plans an update in place
# (the domain is resolved and compared with the ID), not a replacement. Until the next apply stores the app's credential
# from the configuration, consent_state is "unknown" (unless a partner
# credential reads it).
terraform import onboard_customer_tenant.fabrikam 3c9f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a41/00000000-0000-0000-0000-000000000000
