package provider_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// keyLines are the base64 lines of a PEM private key's body: each is
// unique to the key, and survives JSON escaping in logs and state files.
func keyLines(t *testing.T, keyPEM string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(keyPEM), "\n") {
		if l != "" && !strings.HasPrefix(l, "-----") {
			out = append(out, l)
		}
	}
	if len(out) < 10 {
		t.Fatalf("want an RSA key's PEM body, got %d lines", len(out))
	}
	return out
}

// tokenClaims decodes an issued token's payload.
func tokenClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// certificateSignIns counts the tokens issued to app clientID signed in
// by certificate (appidacr 2), by tenant and audience, and those signed in
// with a secret (appidacr 1).
func certificateSignIns(t *testing.T, tokens []string, clientID string) (byCert map[string]int, bySecret int) {
	byCert = map[string]int{}
	for _, tok := range tokens {
		c := tokenClaims(t, tok)
		if !strings.EqualFold(fmt.Sprint(c["appid"]), clientID) {
			continue
		}
		switch c["appidacr"] {
		case "2":
			byCert[fmt.Sprintf("%v %v", c["tid"], c["aud"])]++
		case "1":
			bySecret++
		}
	}
	return byCert, bySecret
}

func readLog(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 10000 {
		t.Fatalf("the TRACE log has %d bytes: logging did not happen, so it proves nothing", len(b))
	}
	return string(b)
}

func generatedCertificateConfig(name string) string {
	return fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name      = %q
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://sync.contoso.com/onboarded"]
}
resource "onboard_client_certificate" "app" {
  application_id = onboard_entra_app.app.id
  generate       = true
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["AdminCenter.ReadWrite.All"]
}
resource "onboard_customer_tenant" "fabrikam" {
  client_id                     = onboard_entra_app.app.client_id
  client_certificate_wo         = "${onboard_client_certificate.app.certificate_pem}${onboard_client_certificate.app.private_key_pem}"
  client_certificate_wo_version = onboard_client_certificate.app.key_id
  tenant                        = "fabrikam.onmicrosoft.com"
  depends_on                    = [onboard_api_permission.graph, onboard_api_permission.bc]
}
resource "onboard_bc_authorized_app" "fabrikam" {
  tenant_id                     = onboard_customer_tenant.fabrikam.tenant_id
  client_id                     = onboard_entra_app.app.client_id
  client_certificate_wo         = "${onboard_client_certificate.app.certificate_pem}${onboard_client_certificate.app.private_key_pem}"
  client_certificate_wo_version = onboard_client_certificate.app.key_id
}
data "onboard_sync" "all" {
  client_id                 = onboard_entra_app.app.client_id
  tenants                   = [onboard_customer_tenant.fabrikam.tenant_id]
  client_certificate_key_id = onboard_client_certificate.app.key_id
}
`, name)
}

// No secret at all: the app's only credential is a certificate the
// provider generates. Its private key is in state once (in
// onboard_client_certificate); the customer tenant, the Business Central
// authorization and the sync all sign in as the app with it (write-only,
// or held in the run), and no TRACE log line holds it or a token.
func TestAccAppCertificate_generatedKeyStoredOnce(t *testing.T) {
	srv := acctest.Emulator(t)
	usePartner(t, srv)
	name := acctest.Name(t, "cert")
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")
	tokensBefore := len(srv.IssuedTokens())
	var clientID string
	var lines []string
	once := func(s *terraform.State) error {
		attrs := s.RootModule().Resources["onboard_client_certificate.app"].Primary.Attributes
		clientID = s.RootModule().Resources["onboard_entra_app.app"].Primary.Attributes["client_id"]
		if lines == nil {
			lines = keyLines(t, attrs["private_key_pem"])
		}
		for line, n := range secretsIn(s, lines) {
			if n != 1 {
				return fmt.Errorf("a line of the private key occurs %d times in state, want once (in onboard_client_certificate)", n)
			}
			if !strings.Contains(attrs["private_key_pem"], line) {
				return fmt.Errorf("the private key is in state, but not in onboard_client_certificate")
			}
		}
		return nil
	}
	fabrikam := func(attr string) tfjsonpath.Path {
		return tfjsonpath.New("results").AtMapKey(emulator.FabrikamTenantID).AtMapKey(attr)
	}
	granted := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
		statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("client_certificate"), knownvalue.Null()),
		statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("client_certificate_wo"), knownvalue.Null()),
		statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("client_secret"), knownvalue.Null()),
		statecheck.ExpectKnownValue("onboard_bc_authorized_app.fabrikam", tfjsonpath.New("client_certificate_wo"), knownvalue.Null()),
		statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("status"), knownvalue.StringExact("ok")),
		statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("standing"), knownvalue.StringExact("ok")),
		statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("consent_state"), knownvalue.StringExact("granted")),
		statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("bc_authorized"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue("data.onboard_sync.all", tfjsonpath.New("client_certificate"), knownvalue.Null()),
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				// The partner authorizes Business Central; consent to the
				// Graph permission needs the customer's admin, so it is
				// pending. Every read as the app is by certificate.
				Config:             generatedCertificateConfig(name),
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.fabrikam", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", fabrikam("status"), knownvalue.StringExact("ok")),
				},
				Check: once,
			},
			{
				// The customer's admin consents. The refresh reads it as the
				// app with the certificate onboard_client_certificate holds
				// (write-only values never reach a refresh), the sync signs
				// in by its key ID, and nothing is left to change.
				PreConfig: func() {
					if err := srv.Consent(emulator.FabrikamTenantID, clientID, "admin@fabrikam.onmicrosoft.com"); err != nil {
						t.Fatal(err)
					}
				},
				Config:            generatedCertificateConfig(name),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: granted,
				Check:             once,
			},
			{Config: generatedCertificateConfig(name), PlanOnly: true},
		},
	})
	tokens := srv.IssuedTokens()[tokensBefore:]
	byCert, bySecret := certificateSignIns(t, tokens, clientID)
	if bySecret != 0 {
		t.Errorf("%d tokens were issued to the app for a secret; it has none", bySecret)
	}
	for _, want := range []string{emulator.FabrikamTenantID + " https://graph.microsoft.com", emulator.FabrikamTenantID + " https://api.businesscentral.dynamics.com"} {
		if byCert[want] == 0 {
			t.Errorf("no token issued to the app by certificate for %q; got %v", want, byCert)
		}
	}
	log := readLog(t, logFile)
	for _, l := range lines {
		if strings.Contains(log, l) {
			t.Fatalf("a line of the certificate's private key is in the TRACE log")
		}
	}
	for _, tok := range tokens {
		if sig := tok[strings.LastIndex(tok, ".")+1:]; strings.Contains(log, sig) {
			t.Fatalf("an access token the emulator issued is in the TRACE log")
		}
	}
}

// The key pair is made outside Terraform (as Azure Key Vault makes it):
// onboard_client_certificate uploads the public certificate only, and the
// customer tenant signs in with the certificate and key given write-only as
// base64 PKCS#12 (a Key Vault certificate's secret). The key never enters
// state, and consent is read as the app by certificate.
func TestAccAppCertificate_uploadedKeyNeverInState(t *testing.T) {
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "vault")
	g, err := onboarding.GenerateCertificate("vault", srv.Now().Add(-time.Hour), 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(g.KeyPEM))
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(g.DER)
	if err != nil {
		t.Fatal(err)
	}
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	pfxB64 := base64.StdEncoding.EncodeToString(pfx)
	t.Setenv("TF_VAR_vault_certificate", pfxB64)
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG", "TRACE")
	tokensBefore := len(srv.IssuedTokens())
	lines := keyLines(t, g.KeyPEM)
	config := fmt.Sprintf(`
variable "vault_certificate" {
  type      = string
  sensitive = true
}
resource "onboard_entra_app" "app" {
  display_name      = %q
  sign_in_audience  = "AzureADMultipleOrgs"
  web_redirect_uris = ["https://sync.contoso.com/onboarded"]
}
resource "onboard_client_certificate" "vault" {
  application_id = onboard_entra_app.app.id
  certificate    = %q
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["Organization.Read.All"]
}
resource "onboard_customer_tenant" "northwind" {
  client_id                     = onboard_entra_app.app.client_id
  client_certificate_wo         = var.vault_certificate
  client_certificate_wo_version = onboard_client_certificate.vault.thumbprint
  tenant                        = "northwind.com"
  depends_on                    = [onboard_api_permission.graph, onboard_client_certificate.vault]
}
data "onboard_sync" "all" {
  client_id                 = onboard_entra_app.app.client_id
  tenants                   = [onboard_customer_tenant.northwind.tenant_id]
  client_certificate_key_id = onboard_client_certificate.vault.key_id
}
`, name, base64.StdEncoding.EncodeToString(g.DER))
	var clientID string
	noKey := func(s *terraform.State) error {
		clientID = s.RootModule().Resources["onboard_entra_app.app"].Primary.Attributes["client_id"]
		for _, n := range secretsIn(s, append(lines, pfxB64[:64], pfxB64[len(pfxB64)-64:])) {
			if n != 0 {
				return fmt.Errorf("the certificate's private key is in state (%d times)", n)
			}
		}
		return nil
	}
	northwind := func(attr string) tfjsonpath.Path {
		return tfjsonpath.New("results").AtMapKey(emulator.NorthwindTenantID).AtMapKey(attr)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				// Read as the app, by certificate: nothing consented yet
				// ("pending" after apply, not "unknown").
				Config:             config,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_client_certificate.vault", tfjsonpath.New("thumbprint"), knownvalue.StringExact(g.Thumbprint)),
					statecheck.ExpectKnownValue("onboard_client_certificate.vault", tfjsonpath.New("private_key_pem"), knownvalue.Null()),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("missing_permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/Organization.Read.All")})),
					statecheck.ExpectKnownValue("data.onboard_sync.all", northwind("status"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", northwind("consent_state"), knownvalue.StringExact("missing")),
				},
				Check: noKey,
			},
			{
				// The customer's admin consents. The refresh cannot see the
				// write-only certificate and nothing in Terraform holds its
				// key, so it keeps "pending"; plan reads consent with the
				// configuration's certificate (granted) and apply records
				// it. The plan after it is empty: the refresh keeps
				// "granted" and plan reads the same.
				PreConfig: func() {
					if err := srv.Consent(emulator.NorthwindTenantID, clientID, "admin@northwind.onmicrosoft.com"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("granted_permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Microsoft Graph/Organization.Read.All")})),
					statecheck.ExpectKnownValue("data.onboard_sync.all", northwind("status"), knownvalue.StringExact("ok")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", northwind("consent_state"), knownvalue.StringExact("granted")),
					statecheck.ExpectKnownValue("data.onboard_sync.all", northwind("organization_name"), knownvalue.StringExact("Northwind Traders")),
				},
				Check: noKey,
			},
			{
				// Consent revoked in the portal: plan, reading with the
				// write-only certificate, shows the drift.
				PreConfig: func() {
					if err := srv.Revoke(emulator.NorthwindTenantID, clientID); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("onboard_customer_tenant.northwind", plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_customer_tenant.northwind", tfjsonpath.New("consent_state"), knownvalue.StringExact("pending")),
				},
				ExpectNonEmptyPlan: true,
			},
		},
	})
	tokens := srv.IssuedTokens()[tokensBefore:]
	byCert, _ := certificateSignIns(t, tokens, clientID)
	if byCert[emulator.NorthwindTenantID+" https://graph.microsoft.com"] == 0 {
		t.Errorf("no Graph token issued to the app by certificate in Northwind; got %v", byCert)
	}
	log := readLog(t, logFile)
	for _, l := range append(lines, pfxB64[:64], pfxB64[len(pfxB64)/2:len(pfxB64)/2+64]) {
		if strings.Contains(log, l) {
			t.Fatalf("the certificate's private key is in the TRACE log")
		}
	}
	for _, tok := range tokens {
		if sig := tok[strings.LastIndex(tok, ".")+1:]; strings.Contains(log, sig) {
			t.Fatalf("an access token the emulator issued is in the TRACE log")
		}
	}
}

// What cannot sign in is refused at plan, naming the attribute, the rule
// and a valid example; two credentials at once are refused by name.
func TestAccAppCertificate_invalidRefusedAtPlan(t *testing.T) {
	acctest.Emulator(t)
	g, err := onboarding.GenerateCertificate("plan", time.Now(), 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tenant := func(attrs string) string {
		return fmt.Sprintf(`
resource "onboard_customer_tenant" "c" {
  client_id = "00000000-0000-4000-8000-000000000001"
  tenant    = "fabrikam.onmicrosoft.com"
%s
}
`, attrs)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The certificate alone, without its key.
				Config:      tenant(fmt.Sprintf("client_certificate = %q", g.PEM())),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid client certificate.*client_certificate:.*no\s+private\s+key\s+found.*Example:\s+client_certificate\s+=`),
			},
			{
				Config:      tenant(`client_certificate = "MIIKOAIBAzCCCfQGCSqGSIb3DQEHAaCCCeUEggnhMIIJ"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid client certificate.*without\s+a\s+password`),
			},
			{
				Config:      tenant(fmt.Sprintf("client_secret = \"s\"\nclient_certificate = %q", g.PEM()+g.KeyPEM)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*client_certificate`),
			},
			{
				Config: fmt.Sprintf(`
resource "onboard_client_certificate" "c" {
  application_id = "00000000-0000-4000-8000-000000000001"
  certificate    = %q
}
`, base64.StdEncoding.EncodeToString([]byte(g.KeyPEM))),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid certificate.*certificate:.*Example:\s+certificate\s+=\s+file`),
			},
		},
	})
}

// onboard_bc_environment_app uses the automation API as the app, signed
// in by its certificate (write-only) rather than a secret.
func TestAccAppCertificate_bcEnvironmentApp(t *testing.T) {
	srv := acctest.Emulator(t)
	if err := srv.SeedBCEnvironment(emulator.DefaultHomeTenantID, emulator.BCEnvironmentSpec{Name: "CertSandbox"}); err != nil {
		t.Fatal(err)
	}
	name := acctest.Name(t, "mosaic cert")
	base := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name = %q
}
resource "onboard_client_certificate" "app" {
  application_id = onboard_entra_app.app.id
  generate       = true
}
resource "onboard_api_permission" "bc" {
  application_id          = onboard_entra_app.app.id
  api                     = "Dynamics 365 Business Central"
  application_permissions = ["API.ReadWrite.All", "Automation.ReadWrite.All"]
}
resource "onboard_customer_tenant" "home" {
  client_id  = onboard_entra_app.app.client_id
  tenant     = %q
  depends_on = [onboard_api_permission.bc]
}
`, name, emulator.DefaultHomeTenantID)
	withApp := base + `
resource "onboard_bc_environment_app" "sandbox" {
  tenant_id                     = onboard_customer_tenant.home.tenant_id
  environment                   = "CertSandbox"
  client_id                     = onboard_entra_app.app.client_id
  client_certificate_wo         = "${onboard_client_certificate.app.certificate_pem}${onboard_client_certificate.app.private_key_pem}"
  client_certificate_wo_version = onboard_client_certificate.app.key_id
  description                   = "Mosaic Business Central"
  permission_sets               = [{ role_id = "D365 AUTOMATION" }, { role_id = "LOGIN" }]
}
`
	var clientID string
	tokensBefore := len(srv.IssuedTokens())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps: []resource.TestStep{
			{
				Config: base,
				Check: func(s *terraform.State) error {
					clientID = s.RootModule().Resources["onboard_entra_app.app"].Primary.Attributes["client_id"]
					return nil
				},
			},
			{
				// A person creates the card; the provider assigns the rest as the app.
				PreConfig: func() {
					if _, err := srv.CreateBCEntraApp(emulator.DefaultHomeTenantID, "CertSandbox", emulator.BCEntraAppSpec{ClientID: clientID,
						Description: "Mosaic Business Central", State: "Enabled", PermissionSets: []emulator.BCPermission{{RoleID: "D365 AUTOMATION"}}}); err != nil {
						t.Fatal(err)
					}
				},
				Config: withApp,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_bc_environment_app.sandbox", tfjsonpath.New("user_name"), knownvalue.StringExact("MOSAIC BUSINESS CENTRAL")),
					statecheck.ExpectKnownValue("onboard_bc_environment_app.sandbox", tfjsonpath.New("client_certificate_wo"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					st, err := srv.BCEntraApp(emulator.DefaultHomeTenantID, "CertSandbox", clientID)
					if err != nil {
						return err
					}
					var roles []string
					for _, p := range st.PermissionSets {
						roles = append(roles, p.RoleID)
					}
					if len(roles) != 2 {
						return fmt.Errorf("permission sets in Business Central: %v, want D365 AUTOMATION and LOGIN", roles)
					}
					return nil
				},
			},
			// The refresh reads as the app with the certificate held in the run.
			{Config: withApp, PlanOnly: true},
		},
	})
	byCert, bySecret := certificateSignIns(t, srv.IssuedTokens()[tokensBefore:], clientID)
	if byCert[emulator.DefaultHomeTenantID+" https://api.businesscentral.dynamics.com"] == 0 || bySecret != 0 {
		t.Errorf("Business Central tokens by certificate %v, by secret %d; want some by certificate, none by secret", byCert, bySecret)
	}
}
