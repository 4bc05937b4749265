package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

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
)

func secretConfig(name, rotateBefore string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
resource "onboard_client_secret" "test" {
  application_id = onboard_entra_app.test.id
  display_name   = "replicator"
  lifetime       = "2160h"
  rotate_before  = %q
  lifecycle {
    create_before_destroy = true
  }
}
`, name, rotateBefore)
}

// tokenWith signs in as the app with a secret, as the vendor's system would.
func tokenWith(srv *emulator.Server, clientID, secret string) error {
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		return err
	}
	c, err := confidential.New(srv.URL()+"/"+emulator.DefaultHomeTenantID, clientID, cred,
		confidential.WithInstanceDiscovery(false), confidential.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		return err
	}
	_, err = c.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
	return err
}

func TestAccClientSecret_rotationAndExpiry(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "replicator")
	sameKey := statecheck.CompareValue(compare.ValuesSame())
	newKey := statecheck.CompareValue(compare.ValuesDiffer())
	var firstSecret, clientID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: secretConfig(name, "720h"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameKey.AddStateValue("onboard_client_secret.test", tfjsonpath.New("key_id")),
					newKey.AddStateValue("onboard_client_secret.test", tfjsonpath.New("key_id")),
					statecheck.ExpectKnownValue("onboard_client_secret.test", tfjsonpath.New("key_id"), knownvalue.StringRegexp(guid)),
					statecheck.ExpectKnownValue("onboard_client_secret.test", tfjsonpath.New("value"), knownvalue.StringRegexp(regexp.MustCompile(`^.{16,}$`))),
					statecheck.ExpectSensitiveValue("onboard_client_secret.test", tfjsonpath.New("value")),
				},
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources["onboard_client_secret.test"].Primary.Attributes
					firstSecret, clientID = attrs["value"], s.RootModule().Resources["onboard_entra_app.test"].Primary.Attributes["client_id"]
					start, _ := time.Parse(time.RFC3339, attrs["start_date"])
					end, _ := time.Parse(time.RFC3339, attrs["end_date"])
					if end.Sub(start) != 2160*time.Hour {
						return fmt.Errorf("lifetime %v, want 2160h", end.Sub(start))
					}
					apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 || len(apps[0].Secrets) != 1 || apps[0].Secrets[0].KeyID != attrs["key_id"] || !apps[0].Secrets[0].End.Equal(end) {
						return fmt.Errorf("emulator has %+v", apps)
					}
					return tokenWith(srv, clientID, firstSecret)
				},
			},
			{
				Config:   secretConfig(name, "720h"),
				PlanOnly: true,
			},
			{
				// 61 days later the secret is within 720h of its end: plan rotates it.
				PreConfig: func() { srv.Advance(61 * 24 * time.Hour) },
				Config:    secretConfig(name, "720h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionCreateBeforeDestroy),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					newKey.AddStateValue("onboard_client_secret.test", tfjsonpath.New("key_id")),
				},
				Check: func(s *terraform.State) error {
					apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 || len(apps[0].Secrets) != 1 {
						return fmt.Errorf("after rotation the app should have exactly the new secret: %+v", apps)
					}
					// The old secret no longer works, the new one does.
					if err := tokenWith(srv, clientID, firstSecret); err == nil || !strings.Contains(err.Error(), "AADSTS7000215") {
						return fmt.Errorf("old secret after rotation: %v", err)
					}
					return tokenWith(srv, clientID, s.RootModule().Resources["onboard_client_secret.test"].Primary.Attributes["value"])
				},
			},
			{
				// A secret deleted in the portal is created again.
				PreConfig: func() {
					app := srv.AppsNamed(emulator.DefaultHomeTenantID, name)[0]
					if err := srv.RemoveSecret(emulator.DefaultHomeTenantID, app.ID, app.Secrets[0].KeyID); err != nil {
						t.Fatal(err)
					}
				},
				Config: secretConfig(name, "720h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name); len(apps[0].Secrets) != 1 {
						return fmt.Errorf("want one secret: %+v", apps)
					}
					return nil
				},
			},
			{
				// rotate_before changes in place.
				Config: secretConfig(name, "240h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionUpdate),
				}},
			},
			{
				ResourceName: "onboard_client_secret.test",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources["onboard_client_secret.test"].Primary.ID, nil
				},
				ImportStateVerify: true,
				// Entra never shows a secret again; lifetime and rotation are configuration.
				ImportStateVerifyIgnore: []string{"value", "lifetime", "rotate_before", "display_name"},
			},
		},
	})
}

// A fixed end_date cannot be rotated; plan warns instead, and Entra refuses
// the secret once it has expired.
func TestAccClientSecret_expiredSecretRefused(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "fixed")
	end := srv.Now().Add(48 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	config := fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
resource "onboard_client_secret" "test" {
  application_id = onboard_entra_app.test.id
  end_date       = %q
  rotate_before  = "24h"
}
`, name, end)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_client_secret.test", tfjsonpath.New("end_date"), knownvalue.StringExact(end)),
				},
			},
			{
				PreConfig: func() { srv.Advance(72 * time.Hour) },
				Config:    config,
				PlanOnly:  true, // a warning, no change: the end date is fixed
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources["onboard_client_secret.test"].Primary.Attributes
					clientID := s.RootModule().Resources["onboard_entra_app.test"].Primary.Attributes["client_id"]
					if err := tokenWith(srv, clientID, attrs["value"]); err == nil || !strings.Contains(err.Error(), "AADSTS7000222") {
						return fmt.Errorf("expired secret: %v, want AADSTS7000222", err)
					}
					return nil
				},
			},
		},
	})
}
