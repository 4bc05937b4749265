package onboarding

import (
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestGenerateAndParseCertificate(t *testing.T) {
	start := time.Date(2026, 3, 1, 10, 0, 0, 500, time.UTC)
	g, err := GenerateCertificate("contoso sync", start, 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !g.NotBefore.Equal(start.Truncate(time.Second)) || !g.NotAfter.Equal(start.Truncate(time.Second).Add(365*24*time.Hour)) || g.CommonName != "contoso sync" {
		t.Fatalf("generated = %+v", g.Certificate)
	}
	if !strings.HasPrefix(g.KeyPEM, "-----BEGIN PRIVATE KEY-----") || len(g.Thumbprint) != 40 {
		t.Fatalf("key or thumbprint: %q %q", g.KeyPEM[:30], g.Thumbprint)
	}
	parsed, err := ParseCertificatePEM(g.PEM())
	if err != nil || parsed.Thumbprint != g.Thumbprint {
		t.Fatalf("parse: %v %+v", err, parsed)
	}
	cases := map[string]struct {
		text string
		want string
	}{
		"with private key": {g.PEM() + g.KeyPEM, "private key"},
		"two certificates": {g.PEM() + g.PEM(), "more than one"},
		"not PEM":          {"MIIB...", "no PEM certificate"},
		"empty":            {"", "no PEM certificate"},
	}
	for name, c := range cases {
		if _, err := ParseCertificatePEM(c.text); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
	if _, err := ParseCertificatePEM(g.KeyPEM); !errors.Is(err, ErrPrivateKeyInCertificate) {
		t.Errorf("key only: %v", err)
	}
	if msg := CheckCertificateUpload(g.Certificate, g.NotAfter); !strings.Contains(msg, "expired") {
		t.Errorf("expired upload: %q", msg)
	}
	if msg := CheckCertificateUpload(g.Certificate, start); msg != "" {
		t.Errorf("current upload: %q", msg)
	}
}

func TestCertificateLifetimeAllowed(t *testing.T) {
	for d, want := range map[time.Duration]bool{time.Hour: false, 2 * time.Hour: true, 365 * 24 * time.Hour: true, 3 * 366 * 24 * time.Hour: true, 4 * 365 * 24 * time.Hour: false} {
		if got := CertificateLifetimeAllowed(d); got != want {
			t.Errorf("%s: %v, want %v", d, got, want)
		}
	}
}

func TestFederatedCredentialRules(t *testing.T) {
	for name, ok := range map[string]bool{"github-prod": true, "a": true, "k8s_billing": true, strings.Repeat("x", 120): true,
		strings.Repeat("x", 121): false, "-lead": false, "has space": false, "slash/es": false, "": false} {
		if got := CheckFederatedName(name) == ""; got != ok {
			t.Errorf("name %q: ok = %v, want %v", name, got, ok)
		}
	}
	for issuer, ok := range map[string]bool{"https://token.actions.githubusercontent.com": true, "http://insecure": false, "https://": false,
		" https://x": false, "https://" + strings.Repeat("x", 600): false} {
		if got := CheckFederatedIssuer(issuer) == ""; got != ok {
			t.Errorf("issuer %q: ok = %v, want %v", issuer, got, ok)
		}
	}
	for subject, ok := range map[string]bool{"repo:contoso/app:environment:prod": true, "": false, " x": false, strings.Repeat("s", 601): false} {
		if got := CheckFederatedSubject(subject) == ""; got != ok {
			t.Errorf("subject %q: ok = %v, want %v", subject, got, ok)
		}
	}
}

// An upload is the public certificate in the forms users have it: PEM,
// or base64 DER (Key Vault's certificate_data_base64); anything carrying a
// private key is refused, PKCS#12 with a hint about which Key Vault value
// to use.
func TestParseCertificateForms(t *testing.T) {
	g, err := GenerateCertificate("vault", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), 24*time.Hour*30)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(g.DER)
	var wrapped strings.Builder
	for i := 0; i < len(b64); i += 64 {
		wrapped.WriteString(b64[i:min(i+64, len(b64))] + "\n")
	}
	keyBlock, _ := pem.Decode([]byte(g.KeyPEM))
	pfx, err := asn1.Marshal(struct {
		Version  int
		AuthSafe asn1.RawValue
	}{3, asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Class: asn1.ClassUniversal, Bytes: []byte{0x02, 0x01, 0x00}}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, text string
		wantErr    string // "" = accepted
		wantIs     error
	}{
		{name: "PEM", text: g.PEM()},
		{name: "PEM with surrounding blank lines", text: "\n\n" + g.PEM() + "\n"},
		{name: "base64 DER", text: b64},
		{name: "base64 DER wrapped at 64 columns", text: wrapped.String()},
		{name: "base64url DER without padding", text: base64.RawURLEncoding.EncodeToString(g.DER)},
		{name: "PEM with its key", text: g.PEM() + g.KeyPEM, wantIs: ErrPrivateKeyInCertificate},
		{name: "base64 of the PKCS#8 key", text: base64.StdEncoding.EncodeToString(keyBlock.Bytes), wantIs: ErrPrivateKeyInCertificate},
		{name: "base64 of PKCS#12", text: base64.StdEncoding.EncodeToString(pfx), wantIs: ErrPKCS12Upload},
		{name: "base64 of something else", text: base64.StdEncoding.EncodeToString([]byte("hello, world")), wantErr: "not a DER certificate"},
		{name: "neither", text: "not a certificate!", wantErr: "neither PEM"},
		{name: "empty", text: "  ", wantErr: "no PEM certificate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseCertificate(c.text)
			switch {
			case c.wantIs != nil:
				if !errors.Is(err, c.wantIs) {
					t.Fatalf("err = %v, want %v", err, c.wantIs)
				}
			case c.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
			default:
				if err != nil || got.Thumbprint != g.Thumbprint || !got.NotAfter.Equal(g.NotAfter) || got.CommonName != "vault" {
					t.Fatalf("got %+v, %v; want thumbprint %s", got, err, g.Thumbprint)
				}
			}
		})
	}
}
