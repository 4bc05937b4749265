# <application object id>/<key id>. A generated certificate's private key
# cannot be read back, so after import private_key_pem is null.
terraform import onboard_client_certificate.sync 00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111
