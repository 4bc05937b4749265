package onboarding

import (
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
