package emulator

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/golang-jwt/jwt/v5"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// assertionForm is a client credentials request with a client assertion.
func assertionForm(t *testing.T, s *Server, clientID, assertion string) response {
	t.Helper()
	return call(t, s, "POST", "/"+DefaultHomeTenantID+"/oauth2/v2.0/token", "", url.Values{"grant_type": {"client_credentials"},
		"client_id": {clientID}, "scope": {store.GraphResource + "/.default"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion}})
}

func wantAADSTS(t *testing.T, r response, status, code int, errName string) {
	t.Helper()
	codes, _ := r.Body["error_codes"].([]any)
	if r.Status != status || len(codes) != 1 || int(codes[0].(float64)) != code || r.Body["error"] != errName {
		t.Fatalf("got %d %s, want %d %s AADSTS%d", r.Status, r.Raw, status, errName, code)
	}
}

// certAssertion builds the assertion MSAL Go sends (PS256, x5t#S256),
// with claims changed by edit.
func certAssertion(s *Server, cert *x509.Certificate, key *rsa.PrivateKey, clientID string, edit func(jwt.MapClaims)) string {
	now := time.Now()
	c := jwt.MapClaims{"aud": s.URL() + "/" + DefaultHomeTenantID + "/oauth2/v2.0/token", "iss": clientID, "sub": clientID,
		"jti": store.NewGUID(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	if edit != nil {
		edit(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodPS256, c)
	_, s256 := thumbprintsOf(cert)
	tok.Header = map[string]any{"alg": "PS256", "typ": "JWT", "x5t#S256": base64.StdEncoding.EncodeToString(s256)}
	signed, _ := tok.SignedString(key)
	return signed
}

func thumbprintsOf(c *x509.Certificate) (s1, s256 []byte) {
	b, _ := base64.StdEncoding.DecodeString(thumbprint(c))
	h := jwt.SigningMethodPS256.Hash.New()
	h.Write(c.Raw)
	return b, h.Sum(nil)
}

func TestCertificateAssertionRules(t *testing.T) {
	s := newTestServer(t)
	cert, key := selfSignedCert(t)
	id, appID := newApp(t, s, map[string]any{"displayName": "cert rules"})
	newServicePrincipal(t, s, appID)
	tok := automationToken(t, s)

	// PATCH keyCredentials needs the key of every certificate it keeps.
	r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{"keyCredentials": []map[string]any{{"type": "AsymmetricX509Cert", "usage": "Verify"}}})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("keyCredential without key: %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{"keyCredentials": []map[string]any{{"type": "AsymmetricX509Cert", "usage": "Verify", "key": cert.Raw}}})
	if r.Status != http.StatusNoContent {
		t.Fatalf("PATCH keyCredentials: %d %s", r.Status, r.Raw)
	}
	// The key comes back only on a single read selecting keyCredentials;
	// Graph fills the thumbprint and the certificate's dates.
	r = call(t, s, "GET", "/v1.0/applications/"+id, tok, nil)
	if k := field(r.Body, "keyCredentials.0"); field(k, "key") != nil || field(k, "customKeyIdentifier") != thumbprint(cert) ||
		field(k, "endDateTime") != cert.NotAfter.UTC().Format("2006-01-02T15:04:05Z") {
		t.Fatalf("keyCredential = %v", k)
	}
	r = call(t, s, "GET", "/v1.0/applications/"+id+"?$select=keyCredentials", tok, nil)
	if field(r.Body, "keyCredentials.0.key") != base64.StdEncoding.EncodeToString(cert.Raw) {
		t.Fatalf("$select=keyCredentials: %s", r.Raw)
	}

	if r := assertionForm(t, s, appID, certAssertion(s, cert, key, appID, nil)); r.Status != http.StatusOK {
		t.Fatalf("valid assertion: %d %s", r.Status, r.Raw)
	}
	other, otherKey := selfSignedCert(t)
	cases := []struct {
		name      string
		assertion string
		code      int
	}{
		{"unknown certificate", certAssertion(s, other, otherKey, appID, nil), 700027},
		{"signed by another key", certAssertion(s, cert, otherKey, appID, nil), 700027},
		{"expired", certAssertion(s, cert, key, appID, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() }), 700024},
		{"no exp", certAssertion(s, cert, key, appID, func(c jwt.MapClaims) { delete(c, "exp") }), 700024},
		{"sub is another app", certAssertion(s, cert, key, appID, func(c jwt.MapClaims) { c["sub"] = DefaultAutomationClientID }), 700021},
		{"iss is another app", certAssertion(s, cert, key, appID, func(c jwt.MapClaims) { c["iss"] = DefaultAutomationClientID }), 700021},
		{"no jti", certAssertion(s, cert, key, appID, func(c jwt.MapClaims) { delete(c, "jti") }), 50027},
		{"audience another endpoint", certAssertion(s, cert, key, appID, func(c jwt.MapClaims) { c["aud"] = "https://login.microsoftonline.com/x/oauth2/v2.0/token" }), 700016},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantAADSTS(t, assertionForm(t, s, appID, c.assertion), 401, c.code, "invalid_client")
		})
	}
	// Once Entra's clock passes the certificate's end, the key is expired.
	s.Advance(48 * time.Hour)
	r = assertionForm(t, s, appID, certAssertion(s, cert, key, appID, nil))
	wantAADSTS(t, r, 401, 700027, "invalid_client")
	if !strings.Contains(r.Body["error_description"].(string), "The key used is expired") {
		t.Fatalf("expired key: %s", r.Raw)
	}
}

func TestAddKeyNeedsProofOfPossession(t *testing.T) {
	s := newTestServer(t)
	id, _ := newApp(t, s, map[string]any{"displayName": "roll keys"})
	tok := automationToken(t, s)
	cert, key := selfSignedCert(t)
	next, _ := selfSignedCert(t)
	proof := func(k *rsa.PrivateKey, iss string) string {
		now := time.Now()
		p, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"aud": "00000002-0000-0000-c000-000000000000", "iss": iss,
			"nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}).SignedString(k)
		return p
	}
	add := func(p string) response {
		return call(t, s, "POST", "/v1.0/applications/"+id+"/addKey", tok, map[string]any{
			"keyCredential": map[string]any{"type": "AsymmetricX509Cert", "usage": "Verify", "key": next.Raw}, "passwordCredential": nil, "proof": p})
	}
	// No certificate yet: addKey cannot be used (the first one is PATCHed).
	if r := add(proof(key, id)); r.Status != http.StatusBadRequest {
		t.Fatalf("addKey without a certificate: %d %s", r.Status, r.Raw)
	}
	call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{"keyCredentials": []map[string]any{{"type": "AsymmetricX509Cert", "usage": "Verify", "key": cert.Raw}}})
	_, otherKey := selfSignedCert(t)
	for name, p := range map[string]string{"foreign key": proof(otherKey, id), "wrong issuer": proof(key, DefaultAutomationClientID)} {
		if r := add(p); r.Status != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	r := add(proof(key, id))
	if r.Status != http.StatusOK || r.Body["customKeyIdentifier"] != thumbprint(next) {
		t.Fatalf("addKey: %d %s", r.Status, r.Raw)
	}
	keys, _, _ := s.AppCredentials(DefaultHomeTenantID, id)
	if len(keys) != 2 {
		t.Fatalf("keys = %v", keys)
	}
	r = call(t, s, "POST", "/v1.0/applications/"+id+"/removeKey", tok, map[string]any{"keyId": keys[0].KeyID, "proof": proof(key, id)})
	if r.Status != http.StatusNoContent {
		t.Fatalf("removeKey: %d %s", r.Status, r.Raw)
	}
	if keys, _, _ := s.AppCredentials(DefaultHomeTenantID, id); len(keys) != 1 || keys[0].Thumbprint != thumbprint(next) {
		t.Fatalf("after removeKey: %v", keys)
	}
}

func TestFederatedCredentialCRUDAndLimits(t *testing.T) {
	s := newTestServer(t)
	id, _ := newApp(t, s, map[string]any{"displayName": "fic crud"})
	tok := automationToken(t, s)
	path := "/v1.0/applications/" + id + "/federatedIdentityCredentials"
	fic := func(name, subject string) map[string]any {
		return map[string]any{"name": name, "issuer": "https://token.actions.githubusercontent.com", "subject": subject, "audiences": []string{"api://AzureADTokenExchange"}}
	}
	for name, body := range map[string]map[string]any{
		"name with a space": fic("main branch", "repo:a/b:ref:refs/heads/main"),
		"two audiences":     {"name": "x", "issuer": "https://i", "subject": "s", "audiences": []string{"a", "b"}},
		"no subject":        {"name": "x", "issuer": "https://i", "audiences": []string{"a"}},
	} {
		if r := call(t, s, "POST", path, tok, body); r.Status != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	r := call(t, s, "POST", path, tok, fic("main", "repo:a/b:ref:refs/heads/main"))
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	ficID := r.Body["id"].(string)
	if r := call(t, s, "POST", path, tok, fic("other", "repo:a/b:ref:refs/heads/main")); r.Status != http.StatusConflict {
		t.Fatalf("same issuer and subject: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "PATCH", path+"/"+ficID, tok, map[string]any{"name": "renamed"}); r.Status != http.StatusBadRequest {
		t.Fatalf("rename: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "PATCH", path+"/"+ficID, tok, map[string]any{"subject": "repo:a/b:environment:prod", "description": "prod"}); r.Status != http.StatusNoContent {
		t.Fatalf("update: %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "GET", path+"/main", tok, nil)
	if r.Status != http.StatusOK || r.Body["subject"] != "repo:a/b:environment:prod" || r.Body["description"] != "prod" || r.Body["id"] != ficID {
		t.Fatalf("get by name: %d %s", r.Status, r.Raw)
	}
	for i := 1; i < 20; i++ {
		if r := call(t, s, "POST", path, tok, fic("n"+strings.Repeat("x", i), "sub-"+strings.Repeat("x", i))); r.Status != http.StatusCreated {
			t.Fatalf("credential %d: %d %s", i+1, r.Status, r.Raw)
		}
	}
	if r := call(t, s, "POST", path, tok, fic("twenty-first", "sub-21")); r.Status != http.StatusBadRequest {
		t.Fatalf("21st credential: %d %s", r.Status, r.Raw)
	}
}

func TestFederatedAssertionRules(t *testing.T) {
	s := newTestServer(t)
	id, appID := newApp(t, s, map[string]any{"displayName": "k8s workload"})
	newServicePrincipal(t, s, appID)
	const subject = "system:serviceaccount:billing:sync"
	r := call(t, s, "POST", "/v1.0/applications/"+id+"/federatedIdentityCredentials", automationToken(t, s), map[string]any{
		"name": "aks", "issuer": s.TestIssuer(), "subject": subject, "audiences": []string{"api://AzureADTokenExchange"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("FIC: %d %s", r.Status, r.Raw)
	}
	mint := func(req control.FederatedTokenRequest) string {
		tok, err := s.IssueFederatedToken(req)
		if err != nil {
			t.Fatal(err)
		}
		return tok.Value
	}
	// The control route mints the same tokens over HTTP.
	minted := call(t, s, "POST", "/_emulator/oidc/token", "", map[string]any{"subject": subject})
	if minted.Status != http.StatusOK || minted.Body["issuer"] != s.TestIssuer() {
		t.Fatalf("control route: %d %s", minted.Status, minted.Raw)
	}
	cred := confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
		return minted.Body["value"].(string), nil
	})
	if _, err := msalClient(t, s, DefaultHomeTenantID, appID, cred).AcquireTokenByCredential(context.Background(), []string{store.GraphResource + "/.default"}); err != nil {
		t.Fatalf("federated token: %v", err)
	}
	forged, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"iss": s.TestIssuer(), "sub": subject, "aud": "api://AzureADTokenExchange",
		"exp": time.Now().Add(time.Minute).Unix()}).SignedString([]byte("not the issuer's key"))
	wantAADSTS(t, assertionForm(t, s, appID, mint(control.FederatedTokenRequest{Issuer: "https://token.actions.githubusercontent.com", Subject: subject})), 400, 70021, "invalid_request")
	wantAADSTS(t, assertionForm(t, s, appID, forged), 401, 700027, "invalid_client")
	wantAADSTS(t, assertionForm(t, s, appID, mint(control.FederatedTokenRequest{Subject: "system:serviceaccount:billing:other"})), 400, 700213, "invalid_request")
	wantAADSTS(t, assertionForm(t, s, appID, mint(control.FederatedTokenRequest{Subject: subject, Audience: "api://other"})), 400, 700212, "invalid_request")
	k, _ := s.keys.signer()
	old, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": s.TestIssuer(), "sub": subject, "aud": "api://AzureADTokenExchange",
		"nbf": time.Now().Add(-time.Hour).Unix(), "exp": time.Now().Add(-time.Minute).Unix()}).SignedString(k)
	wantAADSTS(t, assertionForm(t, s, appID, old), 401, 700024, "invalid_client")
}
