# <tenant id>/<environment>/<client id>/<card description>. An import has no
# app credential to read Business Central with when the configuration gives
# it write-only: the refresh keeps the imported state with a warning (unless
# the partner credential can read it), and the first plan is an update in
# place that records client_secret_wo_version and reads the card with it.
terraform import onboard_bc_environment_app.production "7d2a1c5e-3b4f-4e6a-9c8d-1f0e2a3b4c5d/Production/00000000-0000-0000-0000-000000000000/Mosaic Business Central"
