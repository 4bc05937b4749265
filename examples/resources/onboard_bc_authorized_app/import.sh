# <tenant id>/<client id>. An import cannot know a write-only credential's
# version: with client_secret_wo_version or client_certificate_wo_version in
# the configuration, the first plan after it is an update in place that
# records the version (and reads the authorization with the credential).
terraform import 'onboard_bc_authorized_app.customer["Fabrikam"]' 3c9f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a41/00000000-0000-0000-0000-000000000000
