package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

// Which credential a data source signs in with: a stored one first, then
// the one held in the run by key ID (a generated certificate by its own,
// an uploaded one through the thumbprint a consumer's write-only copy
// has), else the app's longest-valid credential.
func TestDataSourceCredentialChoice(t *testing.T) {
	const app, other = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	g, err := onboarding.GenerateCertificate("held", now, 90*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	uploaded, err := onboarding.GenerateCertificate("uploaded", now, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	d := &providerData{}
	d.credentials.holdSecret(app, "secret-key", "s3cret", now.Add(10*24*time.Hour))
	d.credentials.holdCertificate(app, "cert-key", g.PEM()+g.KeyPEM, g.NotAfter)
	d.credentials.holdSecret(other, "other-key", "other", now.Add(400*24*time.Hour))
	// An uploaded certificate: onboard_client_certificate names its key ID,
	// a consumer was handed the key.
	d.credentials.nameCertificate("UPLOADED-KEY", uploaded.Thumbprint)
	parsed, err := auth.ParseClientCertificate([]byte(uploaded.PEM()+uploaded.KeyPEM), "")
	if err != nil {
		t.Fatal(err)
	}
	d.credentials.holdThumbprint(parsed, session.AppCredential{ClientID: app, Certificate: []byte(uploaded.PEM() + uploaded.KeyPEM)})

	s := types.StringValue
	cases := []struct {
		name       string
		m          dataSourceCredentialModel
		wantSecret string
		wantCert   string
	}{
		{name: "stored secret", m: dataSourceCredentialModel{ClientSecret: s("stored")}, wantSecret: "stored"},
		{name: "stored certificate", m: dataSourceCredentialModel{ClientCertificate: s("PEM")}, wantCert: "PEM"},
		{name: "secret by key ID", m: dataSourceCredentialModel{ClientSecretKeyID: s("SECRET-KEY")}, wantSecret: "s3cret"},
		{name: "generated certificate by key ID", m: dataSourceCredentialModel{ClientCertificateKeyID: s("cert-key")}, wantCert: g.PEM() + g.KeyPEM},
		{name: "uploaded certificate by key ID, via thumbprint", m: dataSourceCredentialModel{ClientCertificateKeyID: s("uploaded-key")}, wantCert: uploaded.PEM() + uploaded.KeyPEM},
		// Unknown key: the app's credential valid longest (the certificate,
		// 90 days, over the secret, 10).
		{name: "unknown key ID", m: dataSourceCredentialModel{ClientSecretKeyID: s("gone")}, wantCert: g.PEM() + g.KeyPEM},
		// Another app's key is never used for this app.
		{name: "another app's key ID", m: dataSourceCredentialModel{ClientSecretKeyID: s("other-key")}, wantCert: g.PEM() + g.KeyPEM},
		{name: "nothing named", m: dataSourceCredentialModel{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := d.dataSourceCredential(app, c.m)
			if got.Secret != c.wantSecret || string(got.Certificate) != c.wantCert {
				t.Fatalf("secret %q, certificate of %d bytes; want %q, %d bytes", got.Secret, len(got.Certificate), c.wantSecret, len(c.wantCert))
			}
			if got.Set() && got.ClientID != app {
				t.Fatalf("client ID %s, want %s", got.ClientID, app)
			}
		})
	}
}
