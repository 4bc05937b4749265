# By object ID or by client (application) ID. The first apply after import
# writes this resource's ownership tag (ownership_id) on the app.
terraform import onboard_entra_app.orbit 00000000-0000-0000-0000-000000000000
