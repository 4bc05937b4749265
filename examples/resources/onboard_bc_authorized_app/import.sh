# <tenant id>/<client id>
terraform import 'onboard_bc_authorized_app.customer["Fabrikam"]' 3c9f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a41/00000000-0000-0000-0000-000000000000
