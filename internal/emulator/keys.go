package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Keys are what clients of an emulator come to depend on: the CA they were
// told to trust (ONBOARD_CA_CERT_FILE) and the key that signed the tokens
// they hold. A restart with the same Keys (the standalone emulator keeps them
// in its --state file) keeps both valid; the TLS leaf is issued anew from
// the CA on every start.
type Keys struct {
	CACert       string `json:"caCert"`       // PEM
	CAKey        string `json:"caKey"`        // PEM, PKCS#8
	SigningKey   string `json:"signingKey"`   // PEM, PKCS#8 RSA
	SigningKeyID string `json:"signingKeyId"` // kid in JWKS and token headers
}

// NewKeys generates a CA and a token-signing key.
func NewKeys() (*Keys, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "onboard emulator CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caKeyDER, err := x509.MarshalPKCS8PrivateKey(caKey)
	if err != nil {
		return nil, err
	}
	signing, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	signingDER, err := x509.MarshalPKCS8PrivateKey(signing)
	if err != nil {
		return nil, err
	}
	return &Keys{
		CACert:       string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})),
		CAKey:        string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: caKeyDER})),
		SigningKey:   string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: signingDER})),
		SigningKeyID: "emu-" + store.RandomHex(8),
	}, nil
}

// KeysFromState reads the keys out of state saved by SaveState; nil when the
// state has none (saved before keys were kept).
func KeysFromState(state []byte) (*Keys, error) {
	var st struct {
		Keys *Keys `json:"keys"`
	}
	if err := json.Unmarshal(state, &st); err != nil {
		return nil, err
	}
	return st.Keys, nil
}

// Keys returns the server's CA and signing key, to start another server
// that clients cannot tell apart from this one.
func (s *Server) Keys() *Keys {
	k := *s.keys
	return &k
}

func privateKey(pemText, what string) (any, error) {
	b, _ := pem.Decode([]byte(pemText))
	if b == nil {
		return nil, fmt.Errorf("%s: no PEM block", what)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return k, nil
}

// signer is the token-signing key.
func (k *Keys) signer() (*rsa.PrivateKey, error) {
	key, err := privateKey(k.SigningKey, "signing key")
	if err != nil {
		return nil, err
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("signing key: not an RSA key")
	}
	if k.SigningKeyID == "" {
		return nil, errors.New("signing key: no key ID")
	}
	return rk, nil
}

// leaf issues the TLS certificate for loopback from the CA.
func (k *Keys) leaf() (tls.Certificate, error) {
	var leaf tls.Certificate
	b, _ := pem.Decode([]byte(k.CACert))
	if b == nil {
		return leaf, errors.New("CA certificate: no PEM block")
	}
	caCert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return leaf, fmt.Errorf("CA certificate: %w", err)
	}
	caKey, err := privateKey(k.CAKey, "CA key")
	if err != nil {
		return leaf, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return leaf, err
	}
	now := time.Now()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return leaf, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:     []string{"localhost"},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		return leaf, fmt.Errorf("CA key does not sign for the CA certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{leafDER, caCert.Raw}, PrivateKey: leafKey}, nil
}
