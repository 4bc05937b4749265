# <application object id>/<API application id>. Import sets `api` to the
# API's client ID: with the API's name in the configuration, the next plan
# shows an update in place that changes nothing in Entra.
terraform import onboard_api_permission.graph 00000000-0000-0000-0000-000000000000/00000003-0000-0000-c000-000000000000
