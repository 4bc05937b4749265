package auth

import (
	"bytes"
	"crypto"
	"crypto/sha1" //nolint:gosec // Entra names certificates by their SHA-1 thumbprint
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"software.sslmate.com/src/go-pkcs12"
)

// ClientCertificate is a certificate credential read from what a user
// hands the provider: the certificate chain (the signing certificate
// first's key matches Key) and the RSA private key.
type ClientCertificate struct {
	Certificates []*x509.Certificate
	Key          crypto.PrivateKey
	// NotAfter is when the signing certificate expires.
	NotAfter time.Time
	// Thumbprint is the signing certificate's SHA-1 thumbprint in
	// upper-case hex, as Entra shows it.
	Thumbprint string
}

// The forms a client certificate is accepted in, for messages.
const clientCertificateForms = "PEM (-----BEGIN CERTIFICATE----- and -----BEGIN PRIVATE KEY-----), PKCS#12 (.pfx), " +
	"or base64 of PKCS#12 (what an Azure Key Vault certificate's secret holds)"

// ParseClientCertificate reads a certificate with its private key in any
// of the forms users have one in: PEM (certificate and key blocks, e.g.
// onboard_client_certificate's certificate_pem and private_key_pem
// joined), PKCS#12 DER, or base64 of PKCS#12, which is what Azure Key
// Vault returns as the secret behind a certificate (its value, or
// azurerm_key_vault_secret's). password opens PKCS#12; PEM keys must be
// unencrypted. The key must be RSA and belong to one of the certificates.
func ParseClientCertificate(data []byte, password string) (ClientCertificate, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return ClientCertificate{}, errors.New("the client certificate is empty")
	}
	var certs []*x509.Certificate
	var key crypto.PrivateKey
	var err error
	if bytes.Contains(trimmed, []byte("-----BEGIN")) {
		if certs, key, err = confidential.CertFromPEM(trimmed, password); err != nil {
			return ClientCertificate{}, fmt.Errorf("the PEM client certificate is not usable (%v): it needs the certificate and its unencrypted private key", err)
		}
	} else {
		der := trimmed
		if decoded, ok := decodeBase64(trimmed); ok {
			der = decoded
		}
		if certs, key, err = fromPKCS12(der, password); err != nil {
			if _, certErr := x509.ParseCertificate(der); certErr == nil {
				return ClientCertificate{}, errors.New("this is only a certificate, without its private key: give the certificate with its key, as " + clientCertificateForms)
			}
			return ClientCertificate{}, err
		}
	}
	if _, err := confidential.NewCredFromCert(certs, key); err != nil {
		return ClientCertificate{}, fmt.Errorf("the client certificate's private key is not usable: %v (an RSA key of one of its certificates is needed)", err)
	}
	signer := signingCertificate(certs, key)
	sum := sha1.Sum(signer.Raw) //nolint:gosec // Entra names certificates by their SHA-1 thumbprint
	return ClientCertificate{Certificates: certs, Key: key, NotAfter: signer.NotAfter, Thumbprint: strings.ToUpper(hex.EncodeToString(sum[:]))}, nil
}

// signingCertificate is the certificate whose public key key is.
func signingCertificate(certs []*x509.Certificate, key crypto.PrivateKey) *x509.Certificate {
	if k, ok := key.(interface{ Public() crypto.PublicKey }); ok {
		for _, c := range certs {
			if p, ok := c.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); ok && p.Equal(k.Public()) {
				return c
			}
		}
	}
	return certs[0]
}

// decodeBase64 decodes standard or URL base64, padded or not, ignoring
// line breaks (Key Vault and openssl wrap lines).
func decodeBase64(data []byte) ([]byte, bool) {
	compact := bytes.Join(bytes.Fields(data), nil)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if out, err := enc.DecodeString(string(compact)); err == nil {
			return out, true
		}
	}
	return nil, false
}

func fromPKCS12(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if password == "" {
			return nil, nil, errors.New("the client certificate is none of " + clientCertificateForms + " without a password")
		}
		return nil, nil, errors.New("the client certificate is neither PEM (certificate and private key) nor PKCS#12 readable with the given password")
	}
	return append([]*x509.Certificate{cert}, chain...), key, nil
}
