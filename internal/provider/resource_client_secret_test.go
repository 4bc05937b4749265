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

// secretConfig is a 90-day secret rotated rotate_before its end; keep is
// keep_previous_for ("" for the default).
func secretConfig(name, rotateBefore string, keep ...string) string {
	keepLine := `keep_previous_for = "0s"`
	if len(keep) > 0 && keep[0] == "" {
		keepLine = ""
	} else if len(keep) > 0 {
		keepLine = fmt.Sprintf("keep_previous_for = %q", keep[0])
	}
	return fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
resource "onboard_client_secret" "test" {
  application_id = onboard_entra_app.test.id
  display_name   = "replicator"
  lifetime       = "2160h"
  rotate_before  = %q
  %s
  lifecycle {
    create_before_destroy = true
  }
}
`, name, rotateBefore, keepLine)
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

// keep_previous_for = "0s": the rotation replaces the secret at once.
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
				ImportStateVerifyIgnore: []string{"value", "lifetime", "rotate_before", "display_name", "keep_previous_for"},
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

// With keep_previous_for (the default, a week) a rotation adds the new
// secret in place and keeps the old one valid; plan says when it goes, and
// the first apply after the window removes it. The emulator's clock drives
// the whole cycle.
func TestAccClientSecret_overlapRotation(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "overlap")
	config := secretConfig(name, "720h", "")
	var first, firstKey, clientID string
	secretsOnApp := func() []emulator.SecretView {
		apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
		if len(apps) != 1 {
			t.Fatalf("want one app named %q, got %d", name, len(apps))
		}
		return apps[0].Secrets
	}
	attrs := func(s *terraform.State) map[string]string {
		return s.RootModule().Resources["onboard_client_secret.test"].Primary.Attributes
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_client_secret.test", tfjsonpath.New("previous_key_id"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					first, firstKey = attrs(s)["value"], attrs(s)["key_id"]
					clientID = s.RootModule().Resources["onboard_entra_app.test"].Primary.Attributes["client_id"]
					if n := len(secretsOnApp()); n != 1 {
						return fmt.Errorf("%d secrets on the app, want 1", n)
					}
					return nil
				},
			},
			{
				// Into the rotation window: an in-place update adds the new
				// secret; both are live in the emulator and both sign in.
				PreConfig: func() { srv.Advance(61 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("onboard_client_secret.test", tfjsonpath.New("value")),
				}},
				Check: func(s *terraform.State) error {
					a := attrs(s)
					if a["previous_key_id"] != firstKey || a["key_id"] == firstKey || a["value"] == first {
						return fmt.Errorf("previous_key_id %s key_id %s, want the first key %s kept beside a new one", a["previous_key_id"], a["key_id"], firstKey)
					}
					// A week from the apply, by Entra's clock.
					removal, _ := time.Parse(time.RFC3339, a["previous_removed_after"])
					if d := srv.Now().Add(168 * time.Hour).Sub(removal); d < 0 || d > time.Minute {
						return fmt.Errorf("previous_removed_after %s, want a week after the apply (%s)", a["previous_removed_after"], srv.Now())
					}
					if n := len(secretsOnApp()); n != 2 {
						return fmt.Errorf("%d secrets on the app during the overlap, want 2", n)
					}
					if err := tokenWith(srv, clientID, first); err != nil {
						return fmt.Errorf("the previous secret during the overlap: %v", err)
					}
					return tokenWith(srv, clientID, a["value"])
				},
			},
			{
				// Three days on, within the window: nothing to do.
				PreConfig: func() { srv.Advance(3 * 24 * time.Hour) },
				Config:    config,
				PlanOnly:  true,
			},
			{
				// Past the window: plan removes the previous secret, apply
				// leaves the new one alone.
				PreConfig: func() { srv.Advance(5 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_secret.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("onboard_client_secret.test", tfjsonpath.New("previous_key_id"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_client_secret.test", tfjsonpath.New("previous_removed_after"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					secrets := secretsOnApp()
					if len(secrets) != 1 || secrets[0].KeyID != attrs(s)["key_id"] {
						return fmt.Errorf("after the window the app has %+v, want only %s", secrets, attrs(s)["key_id"])
					}
					if err := tokenWith(srv, clientID, first); err == nil || !strings.Contains(err.Error(), "AADSTS7000215") {
						return fmt.Errorf("the removed secret: %v, want AADSTS7000215", err)
					}
					return tokenWith(srv, clientID, attrs(s)["value"])
				},
			},
			{
				Config:   config,
				PlanOnly: true,
			},
		},
	})
}
