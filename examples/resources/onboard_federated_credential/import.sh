# <application object id>/<federated credential id>
terraform import onboard_federated_credential.github_prod 00000000-0000-0000-0000-000000000000/22222222-2222-2222-2222-222222222222
