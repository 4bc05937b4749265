package session

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Each refused certificate becomes a TLSError naming the endpoint and the
// problem: unknown authority, expired, host name mismatch.
func TestTLSErrorsNameEndpointAndProblem(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	trusted := httptest.NewTLSServer(ok) // its certificate names 127.0.0.1 and example.com, not localhost
	defer trusted.Close()
	expired := httptest.NewUnstartedServer(ok)
	expired.TLS = &tls.Config{Certificates: []tls.Certificate{selfSigned(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))}}
	expired.StartTLS()
	defer expired.Close()

	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: trusted.Certificate().Raw})
	pemBytes = append(pemBytes, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: expired.TLS.Certificates[0].Certificate[0]})...)
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	withCA, err := newHTTPClient(ca, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	withoutCA, err := newHTTPClient("", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	localhost := strings.Replace(trusted.URL, "127.0.0.1", "localhost", 1)
	for _, c := range []struct {
		name   string
		client *http.Client
		url    string
		want   TLSProblem
	}{
		{"unknown authority", withoutCA, trusted.URL, TLSUnknownAuthority},
		{"expired", withCA, expired.URL, TLSExpired},
		{"host name mismatch", withCA, localhost, TLSHostnameMismatch},
	} {
		_, err := c.client.Get(c.url + "/v1.0/me?$filter=secret")
		var te *TLSError
		if !errors.As(err, &te) || te.Problem != c.want || te.Endpoint != c.url || strings.Contains(te.Endpoint, "filter") {
			t.Errorf("%s: %v (%+v), want problem %d at %s", c.name, err, te, c.want, c.url)
		}
	}
	if resp, err := withCA.Get(trusted.URL); err != nil {
		t.Errorf("trusted: %v", err)
	} else {
		resp.Body.Close()
	}
}

func selfSigned(t *testing.T, from, until time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "expired"}, NotBefore: from, NotAfter: until,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
