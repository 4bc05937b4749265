# By object ID or by client (application) ID.
terraform import onboard_entra_app.orbit 00000000-0000-0000-0000-000000000000
