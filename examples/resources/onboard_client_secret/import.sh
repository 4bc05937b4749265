# <application object id>/<key id>. Entra never shows a secret's value again,
# nor the lifetime it was created with, so after import `value` is null and,
# with `lifetime` in the configuration, the next plan replaces the secret
# (a new value for the consumers).
terraform import onboard_client_secret.replicator 00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111
