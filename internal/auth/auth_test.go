package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func emulatorCloud(t *testing.T) (*emulator.Server, Cloud) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, _ := CloudByName("public")
	c.LoginEndpoint, c.GraphEndpoint, c.BCEndpoint = srv.URL(), srv.URL(), srv.URL()
	return srv, c
}

func roles(t *testing.T, tok string) []any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	_ = json.Unmarshal(b, &c)
	r, _ := c["roles"].([]any)
	return r
}

func TestSecretTokenAndErrors(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	a, err := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Token(context.Background(), emulator.DefaultHomeTenantID, cloud.GraphResource)
	if err != nil {
		t.Fatal(err)
	}
	if r := roles(t, tok.Value); len(r) != 5 || tok.ExpiresOn.IsZero() {
		t.Fatalf("roles %v, expiry %v", r, tok.ExpiresOn)
	}
	// Cached: a second call makes no token request.
	before := srv.Counters().Tokens
	if _, err := a.Token(context.Background(), emulator.DefaultHomeTenantID, cloud.GraphResource); err != nil || srv.Counters().Tokens != before {
		t.Fatalf("second token call: err %v, token requests %d -> %d", err, before, srv.Counters().Tokens)
	}

	// What each code means to the user is the diagnostics table's
	// (internal/provider/diagnostics.go); here, that the code is found.
	cases := []struct {
		name, tenant, secret string
		code                 int
	}{
		{"wrong secret", emulator.DefaultHomeTenantID, "not-the-secret", 7000215},
		{"unknown tenant", "nosuch.onmicrosoft.com", emulator.DefaultAutomationClientSecret, 90002},
		{"single-tenant app elsewhere", emulator.FabrikamTenantID, emulator.DefaultAutomationClientSecret, 700016},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID, ClientSecret: c.secret, HTTPClient: srv.HTTPClient()})
			_, err := b.Token(context.Background(), c.tenant, cloud.GraphResource)
			te, ok := AsTokenError(err)
			if !ok || te.Code != c.code || te.Description == "" || te.TenantID != c.tenant {
				t.Fatalf("err = %#v", err)
			}
			if strings.Contains(err.Error(), c.secret) && c.secret != "" {
				t.Fatalf("error text contains the secret: %v", err)
			}
			if !errors.As(err, &te) {
				t.Fatal("errors.As")
			}
		})
	}
}

func TestConfigNeedsExactlyOneCredential(t *testing.T) {
	base := Config{TenantID: "t", ClientID: "c"}
	if _, err := New(base); err == nil || !strings.Contains(err.Error(), "no credential") {
		t.Fatalf("none: %v", err)
	}
	two := base
	two.ClientSecret, two.OIDCToken = "s", "o"
	if _, err := New(two); err == nil || !strings.Contains(err.Error(), "more than one") {
		t.Fatalf("two: %v", err)
	}
	bad := base
	bad.ClientCertificate = []byte("not a certificate")
	if _, err := New(bad); err == nil || !strings.Contains(err.Error(), "PKCS#12") {
		t.Fatalf("bad cert: %v", err)
	}
	if _, err := CloudByName("mars"); err == nil {
		t.Fatal("unknown cloud accepted")
	}
}

func TestTokenRetriesThrottling(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	if err := srv.InjectFault(emulator.Fault{Service: "login", Path: `/oauth2/v2.0/token$`, Status: 429, RetryAfter: 1, Count: 2}); err != nil {
		t.Fatal(err)
	}
	a, _ := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient()})
	if _, err := a.Token(context.Background(), "", cloud.GraphResource); err != nil {
		t.Fatalf("token after two 429s: %v", err)
	}
	if n := srv.Counters().Tokens; n != 3 {
		t.Fatalf("token requests = %d, want 3 (two throttled, one served)", n)
	}
	// The backoff alone would wait 0.5 s and then 1 s; Retry-After asks 1 s
	// each time.
	retries := srv.Retries()
	if len(retries) != 2 {
		t.Fatalf("retries after a Retry-After: %+v, want 2", retries)
	}
	for _, r := range retries {
		if r.Waited < r.RetryAfter {
			t.Errorf("%s retried after %v, Retry-After asked %v", r.Request, r.Waited, r.RetryAfter)
		}
	}
}

// A consent check needs a token issued now (roles are fixed at issue), but
// not a new endpoint discovery: FreshToken and ForgetTenant keep the
// tenant's MSAL client, so a plan over N tenants discovers each once.
func TestFreshTokenKeepsDiscovery(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	a, err := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	discovery := "GET /" + emulator.DefaultHomeTenantID + "/v2.0/.well-known/openid-configuration"
	for i := 0; i < 3; i++ {
		if _, err := a.FreshToken(ctx, emulator.DefaultHomeTenantID, cloud.GraphResource); err != nil {
			t.Fatal(err)
		}
	}
	a.ForgetTenant(emulator.DefaultHomeTenantID)
	if _, err := a.Token(ctx, emulator.DefaultHomeTenantID, cloud.BCResource); err != nil {
		t.Fatal(err)
	}
	// Now cached: no request.
	if _, err := a.Token(ctx, emulator.DefaultHomeTenantID, cloud.BCResource); err != nil {
		t.Fatal(err)
	}
	c := srv.Counters()
	if c.Tokens != 4 || c.ByPath[discovery] != 1 {
		t.Fatalf("token requests %d (want 3 fresh + 1 after ForgetTenant), discoveries %d (want 1): %v", c.Tokens, c.ByPath[discovery], c.ByPath)
	}
}

// The partner's delegated token requests are retried like the app's: a
// throttled or unavailable token endpoint is waited out per Retry-After.
func TestRefreshTokenSourceRetries(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	const azureCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, azureCLI)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []emulator.Fault{
		{Service: "login", Path: `/oauth2/v2.0/token$`, Status: 429, RetryAfter: 1, Count: 1},
		{Service: "login", Path: `/oauth2/v2.0/token$`, Status: 503, Count: 1},
	} {
		if err := srv.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	s := NewRefreshTokenSource(cloud, azureCLI, rt, srv.HTTPClient())
	if _, err := s.Token(context.Background(), emulator.FabrikamTenantID, cloud.GraphResource); err != nil {
		t.Fatalf("token after 429 and 503: %v", err)
	}
	if n := srv.Counters().Tokens; n != 3 {
		t.Fatalf("token requests = %d, want 3", n)
	}
	if r := srv.Retries(); len(r) != 1 || r[0].Waited < r[0].RetryAfter {
		t.Fatalf("retry after Retry-After: %+v", r)
	}
}

// Callers that need the same token at once (resources planned in parallel)
// make one token request between them, so a throttled answer's Retry-After
// holds for all of them.
func TestConcurrentCallersShareOneTokenRequest(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	if err := srv.InjectFault(emulator.Fault{Service: "login", Path: `/oauth2/v2.0/token$`, Status: 429, RetryAfter: 1, Count: 1}); err != nil {
		t.Fatal(err)
	}
	a, _ := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient()})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := a.Token(context.Background(), "", cloud.GraphResource)
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Counters().Tokens; n != 2 {
		t.Errorf("token requests = %d, want 2 (one throttled, its retry served)", n)
	}
	for _, r := range srv.Retries() {
		if r.Waited < r.RetryAfter {
			t.Errorf("%s came again after %v; Retry-After asked %v", r.Request, r.Waited, r.RetryAfter)
		}
	}
}

// One MSAL client serves every tenant: each request names its tenant
// (WithTenantID), so a token asked for by another name of a tenant is sent
// to that tenant's endpoint, and per-key request locks do not pile up.
func TestOneClientServesEveryTenant(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	a, err := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tenant := range []string{emulator.DefaultHomeTenantID, emulator.DefaultHomeTenantDomain} {
		tok, err := a.Token(ctx, tenant, cloud.GraphResource)
		if err != nil {
			t.Fatalf("%s: %v", tenant, err)
		}
		if tid := claim(t, tok.Value, "tid"); tid != emulator.DefaultHomeTenantID {
			t.Fatalf("%s: tid %q, want %q", tenant, tid, emulator.DefaultHomeTenantID)
		}
	}
	_, err = a.Token(ctx, "00000000-0000-4000-8000-0000000000aa", cloud.GraphResource)
	var te *TokenError
	if !errors.As(err, &te) || te.Code != 90002 {
		t.Fatalf("unknown tenant: %v, want AADSTS90002", err)
	}
	c := srv.Counters()
	for _, path := range []string{"POST /" + emulator.DefaultHomeTenantID + "/oauth2/v2.0/token", "POST /" + emulator.DefaultHomeTenantDomain + "/oauth2/v2.0/token"} {
		if c.ByPath[path] != 1 {
			t.Errorf("%s: %d requests, want 1 (%v)", path, c.ByPath[path], c.ByPath)
		}
	}
	if len(a.requesting) != 0 {
		t.Errorf("%d request locks left after the requests", len(a.requesting))
	}
}

func claim(t *testing.T, tok, name string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	_ = json.Unmarshal(b, &c)
	s, _ := c[name].(string)
	return s
}
