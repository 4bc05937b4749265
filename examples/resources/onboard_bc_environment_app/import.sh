# <tenant id>/<environment>/<client id>/<card description>
terraform import onboard_bc_environment_app.production "7d2a1c5e-3b4f-4e6a-9c8d-1f0e2a3b4c5d/Production/00000000-0000-0000-0000-000000000000/Mosaic Business Central"
