package emulator

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

func newTestServer(t testing.TB) *Server {
	t.Helper()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func msalClient(t testing.TB, s *Server, tenant, clientID string, cred confidential.Credential) confidential.Client {
	t.Helper()
	c, err := confidential.New(s.URL()+"/"+tenant, clientID, cred,
		confidential.WithInstanceDiscovery(false), confidential.WithHTTPClient(s.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// appToken gets an app-only token the way the provider does, with MSAL.
func appToken(t testing.TB, s *Server, tenant, clientID, secret, resource string) string {
	t.Helper()
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	res, err := msalClient(t, s, tenant, clientID, cred).AcquireTokenByCredential(context.Background(), []string{resource + "/.default"})
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return res.AccessToken
}

func automationToken(t testing.TB, s *Server) string {
	return appToken(t, s, DefaultHomeTenantID, DefaultAutomationClientID, DefaultAutomationClientSecret, store.GraphResource)
}

func claims(t testing.TB, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

func call(t testing.TB, s *Server, method, path, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case url.Values:
		rd = strings.NewReader(b.Encode())
	default:
		j, _ := json.Marshal(b)
		rd = strings.NewReader(string(j))
	}
	req, err := http.NewRequest(method, s.URL()+strings.ReplaceAll(path, " ", "%20"), rd)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := body.(url.Values); ok {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := response{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// field walks a dotted path through a decoded JSON body ("error.code",
// "value.0.appId").
func field(m any, path string) any {
	keys := strings.Split(path, ".")
	for i := 0; i < len(keys); i++ {
		k := keys[i]
		switch v := m.(type) {
		case map[string]any:
			if rest := strings.Join(keys[i:], "."); v[rest] != nil {
				return v[rest]
			}
			if k == "@odata" && i+1 < len(keys) {
				k, i = k+"."+keys[i+1], i+1
			}
			m = v[k]
		case []any:
			var i int
			if _, err := fmtSscan(k, &i); err != nil || i >= len(v) {
				return nil
			}
			m = v[i]
		default:
			return nil
		}
	}
	return m
}

func fmtSscan(s string, i *int) (int, error) {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, io.ErrUnexpectedEOF
		}
		n = n*10 + int(c-'0')
	}
	*i = n
	return 1, nil
}

// selfSignedCert makes a certificate credential as an admin would upload.
func selfSignedCert(t testing.TB) (*x509.Certificate, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "onboard-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert, key
}

func thumbprint(c *x509.Certificate) string {
	h := sha1.Sum(c.Raw)
	return base64.StdEncoding.EncodeToString(h[:])
}
