package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
)

const githubIssuer = "https://token.actions.githubusercontent.com"

// signInFederated signs in as the app with a token the emulator issues as
// GitHub Actions would to a workflow run with this subject.
func signInFederated(srv *emulator.Server, clientID, subject string) error {
	tok, err := srv.IssueFederatedToken(control.FederatedTokenRequest{Issuer: githubIssuer, Subject: subject})
	if err != nil {
		return err
	}
	cred := confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) { return tok.Value, nil })
	c, err := confidential.New(srv.URL()+"/"+emulator.DefaultHomeTenantID, clientID, cred, confidential.WithInstanceDiscovery(false), confidential.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		return err
	}
	_, err = c.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
	return err
}

func federatedConfig(name, environment string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
resource "onboard_federated_credential" "github" {
  application_id = onboard_entra_app.test.id
  name           = "github-deploy"
  issuer         = %q
  subject        = "repo:contoso/sync:environment:%s"
  description    = "GitHub Actions deployments"
}
`, name, githubIssuer, environment)
}

func TestAccFederatedCredential_githubActions(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "ci")
	var appObjectID, clientID string
	fics := func() []emulator.FederatedView {
		_, f, err := srv.AppCredentials(emulator.DefaultHomeTenantID, appObjectID)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: federatedConfig(name, "prod"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("onboard_federated_credential.github", tfjsonpath.New("credential_id")),
					statecheck.ExpectKnownValue("onboard_federated_credential.github", tfjsonpath.New("credential_id"), knownvalue.StringRegexp(guid)),
					statecheck.ExpectKnownValue("onboard_federated_credential.github", tfjsonpath.New("audiences"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("api://AzureADTokenExchange")})),
				},
				Check: func(s *terraform.State) error {
					appObjectID = s.RootModule().Resources["onboard_entra_app.test"].Primary.ID
					clientID = s.RootModule().Resources["onboard_entra_app.test"].Primary.Attributes["client_id"]
					if f := fics(); len(f) != 1 || f[0].Issuer != githubIssuer || f[0].Subject != "repo:contoso/sync:environment:prod" || f[0].Name != "github-deploy" {
						return fmt.Errorf("federated credentials = %+v", f)
					}
					// The workflow's token signs the app in; no secret exists.
					return signInFederated(srv, clientID, "repo:contoso/sync:environment:prod")
				},
			},
			{Config: federatedConfig(name, "prod"), PlanOnly: true},
			{
				// A new environment: updated in place, and only its runs sign in.
				Config: federatedConfig(name, "staging"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_federated_credential.github", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("onboard_federated_credential.github", tfjsonpath.New("credential_id")),
				},
				Check: func(*terraform.State) error {
					if err := signInFederated(srv, clientID, "repo:contoso/sync:environment:staging"); err != nil {
						return err
					}
					if err := signInFederated(srv, clientID, "repo:contoso/sync:environment:prod"); err == nil || !strings.Contains(err.Error(), "AADSTS700213") {
						return fmt.Errorf("the old subject: err = %v, want AADSTS700213", err)
					}
					return nil
				},
			},
			{
				ResourceName: "onboard_federated_credential.github",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources["onboard_federated_credential.github"].Primary.ID, nil
				},
				ImportStateVerify: true,
			},
			{
				// Deleted in the portal: plan creates it again.
				PreConfig: func() {
					if err := srv.RemoveCredential(emulator.DefaultHomeTenantID, appObjectID, fics()[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config: federatedConfig(name, "staging"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_federated_credential.github", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					return signInFederated(srv, clientID, "repo:contoso/sync:environment:staging")
				},
			},
		},
	})
}

func TestAccFederatedCredential_validation(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	cfg := func(name, issuer, subject string) string {
		return fmt.Sprintf(`
resource "onboard_federated_credential" "bad" {
  application_id = "00000000-0000-4000-8000-000000000001"
  name           = %q
  issuer         = %q
  subject        = %q
}
`, name, issuer, subject)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("main branch", githubIssuer, "repo:a/b:ref:refs/heads/main"), PlanOnly: true, ExpectError: regexp.MustCompile(`name: must be 1 to 120 letters`)},
			{Config: cfg("main", "http://token.actions.githubusercontent.com", "repo:a/b:ref:refs/heads/main"), PlanOnly: true, ExpectError: regexp.MustCompile(`issuer: must be an https URL`)},
			{Config: cfg("main", githubIssuer, " repo:a/b"), PlanOnly: true, ExpectError: regexp.MustCompile(`subject: must be the exact sub claim`)},
		},
	})
}
