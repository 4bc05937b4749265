# <application object id>/<key id>. Neither an uploaded certificate nor a
# generated private key is read back: after import private_key_pem is null,
# and with `certificate` in the configuration the next plan replaces the
# credential (uploads the certificate again).
terraform import onboard_client_certificate.sync 00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111
