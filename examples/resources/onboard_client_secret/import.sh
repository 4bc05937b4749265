# <application object id>/<key id>. Entra never shows a secret's value again,
# so after import `value` is null: rotate the secret to get a new value.
terraform import onboard_client_secret.replicator 00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111
