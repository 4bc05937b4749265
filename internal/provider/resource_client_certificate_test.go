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
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// signInWith signs in as the app with a certificate-signed assertion, as
// the vendor's service would (MSAL Go, x5t#S256, PS256) in tenant.
func signInWith(srv *emulator.Server, tenant, clientID, certAndKeyPEM string) error {
	certs, key, err := confidential.CertFromPEM([]byte(certAndKeyPEM), "")
	if err != nil {
		return err
	}
	cred, err := confidential.NewCredFromCert(certs, key)
	if err != nil {
		return err
	}
	c, err := confidential.New(srv.URL()+"/"+tenant, clientID, cred, confidential.WithInstanceDiscovery(false), confidential.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		return err
	}
	_, err = c.AcquireTokenByCredential(context.Background(), []string{"https://graph.microsoft.com/.default"})
	return err
}

func certificateConfig(name, uploaded string) string {
	upload := ""
	if uploaded != "" {
		upload = fmt.Sprintf(`
resource "onboard_client_certificate" "uploaded" {
  application_id = onboard_entra_app.test.id
  display_name   = "vendor key vault"
  certificate    = %q
}
`, uploaded)
	}
	return fmt.Sprintf(`
resource "onboard_entra_app" "test" {
  display_name = %q
}
%s
resource "onboard_client_certificate" "generated" {
  application_id = onboard_entra_app.test.id
  generate       = true
  common_name    = "onboard-acc"
  lifetime       = "2160h"
  rotate_before  = "720h"
  lifecycle {
    create_before_destroy = true
  }
}
`, name, upload)
}

func TestAccClientCertificate_uploadGenerateRotate(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "cert")
	// The vendor's own certificate, whose key never reaches Terraform.
	vendor, err := onboarding.GenerateCertificate("vendor-sync", srv.Now().Add(-time.Hour), 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	foreign, _ := onboarding.GenerateCertificate("added-in-portal", srv.Now().Add(-time.Hour), 365*24*time.Hour)
	var appObjectID, clientID, foreignKey, firstGenerated string
	keys := func() []emulator.KeyView {
		k, _, err := srv.AppCredentials(emulator.DefaultHomeTenantID, appObjectID)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	sameUpload := statecheck.CompareValue(compare.ValuesSame())
	newGenerated := statecheck.CompareValue(compare.ValuesDiffer())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: certificateConfig(name, vendor.PEM()),
				ConfigStateChecks: []statecheck.StateCheck{
					sameUpload.AddStateValue("onboard_client_certificate.uploaded", tfjsonpath.New("key_id")),
					newGenerated.AddStateValue("onboard_client_certificate.generated", tfjsonpath.New("key_id")),
					statecheck.ExpectKnownValue("onboard_client_certificate.uploaded", tfjsonpath.New("thumbprint"), knownvalue.StringExact(vendor.Thumbprint)),
					statecheck.ExpectKnownValue("onboard_client_certificate.uploaded", tfjsonpath.New("end_date"), knownvalue.StringExact(vendor.NotAfter.Format(time.RFC3339))),
					statecheck.ExpectKnownValue("onboard_client_certificate.uploaded", tfjsonpath.New("private_key_pem"), knownvalue.Null()),
					statecheck.ExpectKnownValue("onboard_client_certificate.uploaded", tfjsonpath.New("display_name"), knownvalue.StringExact("vendor key vault")),
					statecheck.ExpectKnownValue("onboard_client_certificate.generated", tfjsonpath.New("key_id"), knownvalue.StringRegexp(guid)),
					statecheck.ExpectKnownValue("onboard_client_certificate.generated", tfjsonpath.New("display_name"), knownvalue.StringExact("CN=onboard-acc")),
					statecheck.ExpectKnownValue("onboard_client_certificate.generated", tfjsonpath.New("private_key_pem"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN PRIVATE KEY-----`))),
					statecheck.ExpectSensitiveValue("onboard_client_certificate.generated", tfjsonpath.New("private_key_pem")),
				},
				Check: func(s *terraform.State) error {
					appObjectID = s.RootModule().Resources["onboard_entra_app.test"].Primary.ID
					clientID = s.RootModule().Resources["onboard_entra_app.test"].Primary.Attributes["client_id"]
					g := s.RootModule().Resources["onboard_client_certificate.generated"].Primary.Attributes
					firstGenerated = g["key_id"]
					start, _ := time.Parse(time.RFC3339, g["start_date"])
					end, _ := time.Parse(time.RFC3339, g["end_date"])
					if end.Sub(start) != 2160*time.Hour {
						return fmt.Errorf("generated certificate valid %s, want 2160h", end.Sub(start))
					}
					if k := keys(); len(k) != 2 {
						return fmt.Errorf("app keys = %v, want the uploaded and the generated certificate", k)
					}
					// Both certificates sign the app in; the state's PEMs are what a service would use.
					if err := signInWith(srv, emulator.DefaultHomeTenantID, clientID, g["certificate_pem"]+g["private_key_pem"]); err != nil {
						return fmt.Errorf("sign-in with the generated certificate: %w", err)
					}
					if err := signInWith(srv, emulator.DefaultHomeTenantID, clientID, vendor.PEM()+vendor.KeyPEM); err != nil {
						return fmt.Errorf("sign-in with the uploaded certificate: %w", err)
					}
					// An admin uploads another certificate in the portal.
					foreignKey, err = srv.AddCertificate(emulator.DefaultHomeTenantID, appObjectID, foreign.DER)
					return err
				},
			},
			// The portal's certificate is not this configuration's: no change.
			{Config: certificateConfig(name, vendor.PEM()), PlanOnly: true},
			{
				ResourceName: "onboard_client_certificate.uploaded",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources["onboard_client_certificate.uploaded"].Primary.ID, nil
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"certificate"},
			},
			{
				// Entra's clock passes rotate_before: the generated certificate is replaced, the others stay.
				PreConfig: func() { srv.Advance(1500 * time.Hour) },
				Config:    certificateConfig(name, vendor.PEM()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_certificate.generated", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("onboard_client_certificate.uploaded", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameUpload.AddStateValue("onboard_client_certificate.uploaded", tfjsonpath.New("key_id")),
					newGenerated.AddStateValue("onboard_client_certificate.generated", tfjsonpath.New("key_id")),
				},
				Check: func(*terraform.State) error {
					var ids []string
					for _, k := range keys() {
						ids = append(ids, k.KeyID)
					}
					if len(ids) != 3 || !strings.Contains(strings.Join(ids, ","), foreignKey) || strings.Contains(strings.Join(ids, ","), firstGenerated) {
						return fmt.Errorf("keys after rotation = %v: want the new generated, the uploaded and the portal's %s, without %s", ids, foreignKey, firstGenerated)
					}
					return nil
				},
			},
			{
				// Deleted in the portal: plan adds it again.
				PreConfig: func() {
					for _, k := range keys() {
						if k.Thumbprint != "" && k.DisplayName == "vendor key vault" {
							if err := srv.RemoveCredential(emulator.DefaultHomeTenantID, appObjectID, k.KeyID); err != nil {
								t.Fatal(err)
							}
						}
					}
				},
				Config: certificateConfig(name, vendor.PEM()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_client_certificate.uploaded", plancheck.ResourceActionCreate),
				}},
			},
			{
				// Removing the upload from the configuration removes only it.
				Config: certificateConfig(name, ""),
				Check: func(*terraform.State) error {
					k := keys()
					if len(k) != 2 || !strings.Contains(k[0].KeyID+k[1].KeyID, foreignKey) {
						return fmt.Errorf("keys = %v, want the generated and the portal's", k)
					}
					return nil
				},
			},
		},
	})
}

func TestAccClientCertificate_validation(t *testing.T) {
	t.Parallel()
	acctest.Emulator(t)
	vendor, _ := onboarding.GenerateCertificate("vendor", time.Now().Add(-time.Hour), 24*time.Hour)
	cfg := func(body string) string {
		return `
resource "onboard_client_certificate" "bad" {
  application_id = "00000000-0000-4000-8000-000000000001"
` + body + `
}
`
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(``), PlanOnly: true, ExpectError: regexp.MustCompile(`Certificate or generate required`)},
			{Config: cfg(fmt.Sprintf("certificate = %q", vendor.PEM()+vendor.KeyPEM)), PlanOnly: true, ExpectError: regexp.MustCompile(`holds a private key`)},
			{Config: cfg(fmt.Sprintf("certificate = %q\nlifetime = \"720h\"", vendor.PEM())), PlanOnly: true, ExpectError: regexp.MustCompile(`lifetime needs generate`)},
			{Config: cfg("generate = true\nlifetime = \"720h\"\nrotate_before = \"720h\""), PlanOnly: true, ExpectError: regexp.MustCompile(`rotate_before not shorter than lifetime`)},
			{Config: cfg("generate = true\nlifetime = \"40000h\""), PlanOnly: true, ExpectError: regexp.MustCompile(`Unsupported certificate lifetime`)},
		},
	})
}
