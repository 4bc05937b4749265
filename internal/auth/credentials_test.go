package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
)

func certificate(t *testing.T) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ci"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c, key
}

func TestCertificateCredentialPEMAndPKCS12(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	objectID, clientID, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "", "cert automation")
	if err != nil {
		t.Fatal(err)
	}
	cert, key := certificate(t)
	thumb := sha1.Sum(cert.Raw)
	if err := srv.EditApp(emulator.DefaultHomeTenantID, objectID, map[string]any{"keyCredentials": []map[string]any{{
		"type": "AsymmetricX509Cert", "usage": "Verify", "key": cert.Raw, "customKeyIdentifier": base64.StdEncoding.EncodeToString(thumb[:])}}}); err != nil {
		t.Fatal(err)
	}
	pemBundle := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})...)
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, "s3cret")
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		data     []byte
		password string
	}{"PEM": {pemBundle, ""}, "PKCS#12": {pfx, "s3cret"}} {
		t.Run(name, func(t *testing.T) {
			a, err := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: clientID, ClientCertificate: c.data,
				ClientCertificatePassword: c.password, HTTPClient: srv.HTTPClient()})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := a.Token(context.Background(), "", cloud.GraphResource)
			if err != nil || tok.Value == "" {
				t.Fatalf("token: %v", err)
			}
		})
	}
	if _, err := New(Config{Cloud: cloud, TenantID: "t", ClientID: clientID, ClientCertificate: pfx, ClientCertificatePassword: "wrong"}); err == nil {
		t.Fatal("a wrong PKCS#12 password was accepted")
	}
}

func TestOIDCTokenFileAndRequestURL(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	objectID, clientID, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "", "ci automation")
	if err != nil {
		t.Fatal(err)
	}
	const issuer, subject = "https://token.actions.githubusercontent.com", "repo:acme/infra:ref:refs/heads/main"
	if err := srv.AddFederatedCredential(emulator.DefaultHomeTenantID, objectID, issuer, subject, "api://AzureADTokenExchange"); err != nil {
		t.Fatal(err)
	}
	// The emulator plays GitHub's issuer: it trusts only tokens it signed.
	ghToken := func(aud string) string {
		tok, err := srv.IssueFederatedToken(control.FederatedTokenRequest{Issuer: issuer, Subject: subject, Audience: aud})
		if err != nil {
			t.Fatal(err)
		}
		return tok.Value
	}
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(ghToken("api://AzureADTokenExchange")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, _ := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: clientID, OIDCTokenFilePath: file, HTTPClient: srv.HTTPClient()})
	if _, err := a.Token(context.Background(), "", cloud.GraphResource); err != nil {
		t.Fatalf("token file: %v", err)
	}

	// GitHub Actions: the provider asks the request URL for a token with the
	// Entra audience, authenticated by the request token.
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer gh-request-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"value":"` + ghToken(r.URL.Query().Get("audience")) + `"}`))
	}))
	defer gh.Close()
	hc := srv.HTTPClient()
	b, _ := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: clientID, OIDCRequestURL: gh.URL + "/token?api-version=2.0",
		OIDCRequestToken: "gh-request-token", HTTPClient: &http.Client{Transport: multiTransport{hc.Transport}}})
	if _, err := b.Token(context.Background(), "", cloud.GraphResource); err != nil {
		t.Fatalf("request URL: %v", err)
	}
	c, _ := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: clientID, OIDCRequestURL: gh.URL + "/token",
		OIDCRequestToken: "wrong", HTTPClient: &http.Client{Transport: multiTransport{hc.Transport}}})
	if _, err := c.Token(context.Background(), "", cloud.GraphResource); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("bad request token: %v", err)
	}
}

// multiTransport trusts the emulator's CA for HTTPS and plain HTTP for the
// fake GitHub token service.
type multiTransport struct{ tls http.RoundTripper }

func (m multiTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "http" {
		return http.DefaultTransport.RoundTrip(r)
	}
	return m.tls.RoundTrip(r)
}
