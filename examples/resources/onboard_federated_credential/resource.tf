resource "onboard_entra_app" "orbit" {
  display_name     = "Qezaro Orbit"
  sign_in_audience = "AzureADMultipleOrgs"
}

# GitHub Actions: jobs of the repository's "prod" environment sign in as the
# app (azure/login, or MSAL with the job's OIDC token) without any secret.
resource "onboard_federated_credential" "github_prod" {
  application_id = onboard_entra_app.orbit.id
  name           = "github-prod"
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:contoso/roger365-sync:environment:prod"
  description    = "Deployments from GitHub Actions"
  # audiences defaults to ["api://AzureADTokenExchange"]
}

# Kubernetes (AKS workload identity, or any cluster with a public OIDC
# issuer): the service account the vendor's sync runs as.
resource "onboard_federated_credential" "aks" {
  application_id = onboard_entra_app.orbit.id
  name           = "aks-sync"
  issuer         = "https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/"
  subject        = "system:serviceaccount:roger365:sync"
}

# Another cloud: a Google Cloud service account, by its numeric unique ID.
resource "onboard_federated_credential" "gcp" {
  application_id = onboard_entra_app.orbit.id
  name           = "gcp-sync"
  issuer         = "https://accounts.google.com"
  subject        = "112233445566778899000"
}
