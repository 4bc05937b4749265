package onboarding

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // Entra names certificates by their SHA-1 thumbprint
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// Certificate credentials and federated identity credentials of an app
// registration: what a certificate is, when it is due, and what Entra
// accepts as a federated credential.

// Certificate is the public part of a certificate credential.
type Certificate struct {
	DER []byte
	// Thumbprint is the SHA-1 thumbprint in upper-case hex, as the Entra
	// admin center shows it (its base64 form is a JWT's x5t).
	Thumbprint string
	CommonName string
	NotBefore  time.Time
	NotAfter   time.Time
}

// PEM is the certificate PEM-encoded.
func (c Certificate) PEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER}))
}

func certificateFrom(der []byte) (Certificate, error) {
	x, err := x509.ParseCertificate(der)
	if err != nil {
		return Certificate{}, fmt.Errorf("not an X.509 certificate: %w", err)
	}
	sum := sha1.Sum(der) //nolint:gosec // see the import
	return Certificate{DER: der, Thumbprint: strings.ToUpper(hex.EncodeToString(sum[:])), CommonName: x.Subject.CommonName,
		NotBefore: x.NotBefore.UTC(), NotAfter: x.NotAfter.UTC()}, nil
}

// ErrPrivateKeyInCertificate: an upload carries a private key, which must
// never be given to Entra (or kept in Terraform state).
var ErrPrivateKeyInCertificate = errors.New("the PEM holds a private key: upload only the public certificate (-----BEGIN CERTIFICATE-----)")

// ParseCertificatePEM reads the one certificate of a PEM upload. A private
// key anywhere in it is refused, as are several certificates.
func ParseCertificatePEM(text string) (Certificate, error) {
	rest := []byte(strings.TrimSpace(text))
	var der []byte
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch {
		case strings.Contains(b.Type, "PRIVATE KEY"):
			return Certificate{}, ErrPrivateKeyInCertificate
		case b.Type != "CERTIFICATE":
			return Certificate{}, fmt.Errorf("unexpected PEM block %q: want one CERTIFICATE", b.Type)
		case der != nil:
			return Certificate{}, errors.New("more than one certificate: upload the app's own certificate only")
		}
		der = b.Bytes
	}
	if der == nil {
		return Certificate{}, errors.New("no PEM certificate found: want -----BEGIN CERTIFICATE-----")
	}
	return certificateFrom(der)
}

// ErrPKCS12Upload: an upload is a PKCS#12 bundle, which carries the
// private key.
var ErrPKCS12Upload = errors.New("this is a PKCS#12 bundle (certificate with its private key, e.g. a Key Vault secret's value): " +
	"upload only the public certificate, PEM or base64 DER (azurerm_key_vault_certificate's certificate_data_base64)")

// ParseCertificate reads the one public certificate of an upload: PEM
// (-----BEGIN CERTIFICATE-----), or base64 of its DER, which is what Azure
// Key Vault serves as a certificate's public part
// (azurerm_key_vault_certificate's certificate_data_base64, the
// certificate's "cer"). Private keys are refused in either form.
func ParseCertificate(text string) (Certificate, error) {
	trimmed := strings.TrimSpace(text)
	if strings.Contains(trimmed, "-----BEGIN") || trimmed == "" {
		return ParseCertificatePEM(trimmed)
	}
	compact := strings.Join(strings.Fields(trimmed), "")
	var der []byte
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(compact); err == nil {
			der = b
			break
		}
	}
	if der == nil {
		return Certificate{}, errors.New("neither PEM (-----BEGIN CERTIFICATE-----) nor base64 of a DER certificate")
	}
	c, err := certificateFrom(der)
	if err == nil {
		return c, nil
	}
	if looksLikePKCS12(der) {
		return Certificate{}, ErrPKCS12Upload
	}
	if _, keyErr := x509.ParsePKCS8PrivateKey(der); keyErr == nil {
		return Certificate{}, ErrPrivateKeyInCertificate
	}
	if _, keyErr := x509.ParsePKCS1PrivateKey(der); keyErr == nil {
		return Certificate{}, ErrPrivateKeyInCertificate
	}
	return Certificate{}, fmt.Errorf("base64 that is not a DER certificate (%v)", err)
}

// looksLikePKCS12 recognises PFX's outer structure: SEQUENCE { INTEGER 3,
// ... } (RFC 7292 §4).
func looksLikePKCS12(der []byte) bool {
	var pfx struct {
		Version  int
		AuthSafe asn1.RawValue
		MacData  asn1.RawValue `asn1:"optional"`
	}
	_, err := asn1.Unmarshal(der, &pfx)
	return err == nil && pfx.Version == 3
}

// GeneratedCertificate is a new self-signed certificate and its private key.
type GeneratedCertificate struct {
	Certificate
	// KeyPEM is the RSA private key, PKCS#8 PEM.
	KeyPEM string
}

// GenerateCertificate makes an RSA 2048 key pair and a self-signed
// certificate for commonName, valid from start (Entra's clock, whole
// seconds) for lifetime.
func GenerateCertificate(commonName string, start time.Time, lifetime time.Duration) (GeneratedCertificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return GeneratedCertificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return GeneratedCertificate{}, err
	}
	start = start.UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: commonName}, NotBefore: start, NotAfter: start.Add(lifetime),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return GeneratedCertificate{}, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return GeneratedCertificate{}, err
	}
	c, err := certificateFrom(der)
	if err != nil {
		return GeneratedCertificate{}, err
	}
	return GeneratedCertificate{Certificate: c, KeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}))}, nil
}

// CertificateLifetimeAllowed bounds a generated certificate's lifetime:
// more than an hour, at most three years (Microsoft recommends rotating
// well within a year; longer certificates only widen a leak's window).
func CertificateLifetimeAllowed(d time.Duration) bool {
	return d > time.Hour && d <= 3*366*24*time.Hour
}

// CheckCertificateUpload refuses at plan a certificate that cannot serve:
// already expired at now.
func CheckCertificateUpload(c Certificate, now time.Time) string {
	if !now.Before(c.NotAfter) {
		return fmt.Sprintf("the certificate %s (thumbprint %s) expired on %s; upload a current one", c.CommonName, c.Thumbprint, c.NotAfter.Format(time.RFC3339))
	}
	return ""
}

// MaxFederatedCredentials is how many federated identity credentials Entra
// allows on one app
// (https://learn.microsoft.com/en-us/graph/api/application-post-federatedidentitycredentials).
const MaxFederatedCredentials = 20

// DefaultFederatedAudience is the audience Entra expects in external tokens.
const DefaultFederatedAudience = "api://AzureADTokenExchange"

var federatedName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$`)

// CheckFederatedName is Entra's rule for a federated credential's name: up
// to 120 URL-friendly characters (letters, digits, '-', '_'), starting
// with a letter or digit; it cannot change once created.
func CheckFederatedName(name string) string {
	if federatedName.MatchString(name) {
		return ""
	}
	return "must be 1 to 120 letters, digits, '-' or '_', starting with a letter or digit (e.g. \"github-prod\")"
}

// CheckFederatedIssuer: an issuer is the https URL of an OpenID Connect
// provider, whose discovery document Entra reads; at most 600 characters.
func CheckFederatedIssuer(issuer string) string {
	switch {
	case strings.TrimSpace(issuer) != issuer:
		return "must not have leading or trailing spaces"
	case !strings.HasPrefix(issuer, "https://") || len(issuer) <= len("https://"):
		return "must be an https URL (e.g. \"https://token.actions.githubusercontent.com\")"
	case len(issuer) > 600:
		return "must be at most 600 characters"
	}
	return ""
}

// CheckFederatedSubject: a subject is matched exactly and case-sensitively
// against the token's sub; at most 600 characters.
func CheckFederatedSubject(subject string) string {
	switch {
	case subject == "" || strings.TrimSpace(subject) != subject:
		return "must be the exact sub claim of the external token, without surrounding spaces (e.g. \"repo:contoso/app:environment:prod\")"
	case len(subject) > 600:
		return "must be at most 600 characters"
	}
	return ""
}
