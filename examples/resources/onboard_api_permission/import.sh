# <application object id>/<API application id>
terraform import onboard_api_permission.graph 00000000-0000-0000-0000-000000000000/00000003-0000-0000-c000-000000000000
