package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

// A consumer's client certificate comes as PEM (onboard_client_certificate's
// certificate_pem and private_key_pem), PKCS#12, or base64 of PKCS#12 (an
// Azure Key Vault certificate's secret); each reads to the same signing
// certificate, and what cannot sign in is refused with the reason.
func TestParseClientCertificate(t *testing.T) {
	cert, key := certificate(t)
	other, otherKey := certificate(t)
	certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))
	pkcs1PEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	otherKeyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(otherKey)}))
	// Key Vault exports PKCS#12 without a password.
	pfx, err := pkcs12.Modern.Encode(key, cert, []*x509.Certificate{other}, "")
	if err != nil {
		t.Fatal(err)
	}
	pfxPassword, err := pkcs12.Modern.Encode(key, cert, nil, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.StdEncoding.EncodeToString(pfx)
	var wrapped strings.Builder
	for i := 0; i < len(b64); i += 76 {
		wrapped.WriteString(b64[i:min(i+76, len(b64))] + "\r\n")
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	sum := sha1.Sum(cert.Raw)
	thumbprint := strings.ToUpper(hex.EncodeToString(sum[:]))

	cases := []struct {
		name     string
		data     string
		password string
		wantErr  string // "" = accepted
	}{
		{name: "PEM certificate then PKCS#8 key", data: certPEM + keyPEM},
		{name: "PEM key then certificate", data: keyPEM + certPEM},
		{name: "PEM with a PKCS#1 key", data: certPEM + pkcs1PEM},
		{name: "PEM with surrounding whitespace", data: "\n  " + certPEM + keyPEM + "\n"},
		{name: "PKCS#12 DER, no password", data: string(pfx)},
		{name: "base64 PKCS#12 (Key Vault secret)", data: b64},
		{name: "base64 PKCS#12 wrapped in CRLF lines", data: wrapped.String()},
		{name: "base64url PKCS#12 unpadded", data: base64.RawURLEncoding.EncodeToString(pfx)},
		{name: "PKCS#12 with its password", data: string(pfxPassword), password: "s3cret"},
		{name: "empty", data: " \n", wantErr: "empty"},
		{name: "certificate without key", data: certPEM, wantErr: "no private key found"},
		{name: "key without certificate", data: keyPEM, wantErr: "no certificates found"},
		{name: "key of another certificate", data: certPEM + otherKeyPEM, wantErr: "doesn't match any certificate"},
		{name: "EC key", data: certPEM + ecPEM, wantErr: "RSA"},
		{name: "PKCS#12 needing a password", data: base64.StdEncoding.EncodeToString(pfxPassword), wantErr: "without a password"},
		{name: "PKCS#12 with a wrong password", data: string(pfxPassword), password: "wrong", wantErr: "with the given password"},
		{name: "base64 of the certificate alone", data: base64.StdEncoding.EncodeToString(cert.Raw), wantErr: "only a certificate, without its private key"},
		{name: "garbage", data: "not a certificate", wantErr: "none of PEM"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseClientCertificate([]byte(c.data), c.password)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
				}
				if body := strings.Split(keyPEM, "\n")[1]; strings.Contains(err.Error(), body) || strings.Contains(err.Error(), b64[:40]) {
					t.Fatalf("the error repeats the input: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Thumbprint != thumbprint || !got.NotAfter.Equal(cert.NotAfter) || got.Key == nil {
				t.Fatalf("thumbprint %s (want %s), not after %v (want %v), key %T", got.Thumbprint, thumbprint, got.NotAfter, cert.NotAfter, got.Key)
			}
		})
	}
}
