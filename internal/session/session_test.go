package session

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
)

func emulatorSession(t *testing.T, partner bool, log func(context.Context, string, map[string]any), more ...func(*Options)) (*emulator.Server, *Session) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := srv.WriteCAFile(ca); err != nil {
		t.Fatal(err)
	}
	cloud, _ := auth.CloudByName("public")
	cloud.LoginEndpoint, cloud.GraphEndpoint, cloud.BCEndpoint = srv.URL(), srv.URL(), srv.URL()
	o := Options{Cloud: cloud, CACertFile: ca, UserAgent: "terraform-provider-onboard/test", Log: log,
		Auth: auth.Config{TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID, ClientSecret: emulator.DefaultAutomationClientSecret}}
	if partner {
		rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
		if err != nil {
			t.Fatal(err)
		}
		o.PartnerClientID, o.PartnerRefreshToken = "04b07795-8ddb-461a-bbee-02f9e1bf7b46", rt
	}
	for _, f := range more {
		f(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return srv, s
}

// One client per (tenant, credential, API, profile), for the whole run: the
// request counts of a plan over many tenants depend on it.
func TestClientsAreCachedPerTenantAndCredential(t *testing.T) {
	_, s := emulatorSession(t, true, nil)
	p1, err := s.PartnerGraph(emulator.FabrikamTenantID)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := s.PartnerGraph(strings.ToUpper(emulator.FabrikamTenantID))
	p3, _ := s.PartnerGraph(emulator.NorthwindTenantID)
	if p1 != p2 || p1 == p3 || p1.TenantID() != emulator.FabrikamTenantID || p3.TenantID() != emulator.NorthwindTenantID {
		t.Fatalf("partner Graph clients: same tenant %p %p, other tenant %p (%s)", p1, p2, p3, p3.TenantID())
	}
	a1, _ := s.AppGraph(emulator.FabrikamTenantID, emulator.DefaultAutomationClientID, "one", Sweep)
	a2, _ := s.AppGraph(emulator.FabrikamTenantID, emulator.DefaultAutomationClientID, "one", Sweep)
	a3, _ := s.AppGraph(emulator.FabrikamTenantID, emulator.DefaultAutomationClientID, "two", Sweep)
	a4, _ := s.AppGraph(emulator.FabrikamTenantID, emulator.DefaultAutomationClientID, "one", Standard)
	if a1 != a2 || a1 == a3 || a1 == a4 || a1 == p1 {
		t.Fatalf("app Graph clients: %p %p, other secret %p, other profile %p, partner %p", a1, a2, a3, a4, p1)
	}
	b1, _ := s.BC(BCCredentials{ClientID: emulator.DefaultAutomationClientID, Secret: "one", Partner: true}, Standard)
	b2, _ := s.BC(BCCredentials{ClientID: emulator.DefaultAutomationClientID, Secret: "one", Partner: true}, Standard)
	b3, _ := s.BC(BCCredentials{ClientID: emulator.DefaultAutomationClientID, Secret: "one"}, Standard)
	b4, _ := s.BC(BCCredentials{Partner: true}, Standard)
	if b1 == nil || b1 != b2 || b1 == b3 || b1 == b4 || b3 == b4 {
		t.Fatalf("BC clients: %p %p, app only %p, partner only %p", b1, b2, b3, b4)
	}
	if s.Graph() == nil || s.Graph().TenantID() != emulator.DefaultHomeTenantID || s.HomeTenant() != emulator.DefaultHomeTenantID {
		t.Fatalf("home Graph client in %q", s.HomeTenant())
	}
}

func TestNoPartnerNoPartnerClients(t *testing.T) {
	_, s := emulatorSession(t, false, nil)
	if s.HasPartner() {
		t.Fatal("HasPartner without a refresh token")
	}
	if _, err := s.PartnerGraph(emulator.FabrikamTenantID); !errors.Is(err, ErrNoPartner) {
		t.Fatalf("PartnerGraph: %v", err)
	}
	if _, err := s.BC(BCCredentials{Partner: true}, Standard); err == nil {
		t.Fatal("a Business Central client without any credential")
	}
}

// Consent is read from a fresh token's roles: after consent changes, the
// next call sees it although a token was issued a moment before.
func TestAppTokenClaimsAreFresh(t *testing.T) {
	srv, s := emulatorSession(t, false, nil)
	ctx := context.Background()
	c, err := s.AppTokenClaims(ctx, emulator.DefaultHomeTenantID, emulator.DefaultAutomationClientID, emulator.DefaultAutomationClientSecret, "https://graph.microsoft.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Roles) != 5 || !slices.Contains(c.Roles, "Application.ReadWrite.All") || c.OID == "" {
		t.Fatalf("claims %+v", c)
	}
	before := srv.Counters().Tokens
	if _, err := s.AppTokenClaims(ctx, emulator.DefaultHomeTenantID, emulator.DefaultAutomationClientID, emulator.DefaultAutomationClientSecret, "https://graph.microsoft.com"); err != nil {
		t.Fatal(err)
	}
	if n := srv.Counters().Tokens - before; n != 1 {
		t.Fatalf("second read made %d token requests, want 1 (a fresh token)", n)
	}
	_, err = s.AppTokenClaims(ctx, emulator.DefaultHomeTenantID, emulator.DefaultAutomationClientID, "not-the-secret", "https://graph.microsoft.com")
	if te, ok := auth.AsTokenError(err); !ok || te.Code != 7000215 {
		t.Fatalf("wrong secret: %v", err)
	}
}

func TestBadCAFile(t *testing.T) {
	_, err := New(Options{CACertFile: filepath.Join(t.TempDir(), "missing.pem")})
	var ca *CAError
	if !errors.As(err, &ca) {
		t.Fatalf("err = %v", err)
	}
	_, err = New(Options{Auth: auth.Config{TenantID: "t"}})
	var ce *CredentialError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "client_id") {
		t.Fatalf("err = %v", err)
	}
}

// Every request names the provider and is logged without its query.
func TestRequestsCarryUserAgentAndAreLogged(t *testing.T) {
	var mu sync.Mutex
	var logged []map[string]any
	_, s := emulatorSession(t, false, func(_ context.Context, msg string, f map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		if msg == "HTTP request" {
			logged = append(logged, f)
		}
	})
	if _, err := s.Graph().GetApplicationByAppID(context.Background(), emulator.DefaultAutomationClientID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var token, graph bool
	for _, f := range logged {
		p, _ := f["path"].(string)
		if strings.ContainsAny(p, "?=") && strings.Contains(p, "filter") {
			t.Errorf("logged a query: %v", f)
		}
		token = token || (strings.HasSuffix(p, "/oauth2/v2.0/token") && f["status"] == 200)
		graph = graph || (strings.HasPrefix(p, "/v1.0/applications") && f["status"] == 200 && f["method"] == "GET")
	}
	if !token || !graph {
		t.Fatalf("log lacks the token or Graph request: %v", logged)
	}

	var ua string
	rt := &observed{userAgent: "terraform-provider-onboard/test", next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		ua = r.Header.Get("User-Agent")
		return &http.Response{StatusCode: 204, Body: http.NoBody, Request: r}, nil
	})}
	req, _ := http.NewRequest(http.MethodGet, "https://example.test/x", nil)
	req.Header.Set("User-Agent", "kiota-go/1")
	if _, err := rt.RoundTrip(req); err != nil || ua != "terraform-provider-onboard/test kiota-go/1" || req.Header.Get("User-Agent") != "kiota-go/1" {
		t.Fatalf("User-Agent %q (caller's request now %q), err %v", ua, req.Header.Get("User-Agent"), err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestParseClaims(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	cases := []struct {
		name, token string
		roles       []string
		oid         string
	}{
		{"roles and oid", "h." + enc(`{"roles":["User.Read.All","Group.Read.All"],"oid":"sp-1"}`) + ".s", []string{"User.Read.All", "Group.Read.All"}, "sp-1"},
		{"no roles (nothing consented)", "h." + enc(`{"oid":"sp-2"}`) + ".s", nil, "sp-2"},
		{"two parts", "h." + enc(`{"oid":"x"}`), nil, ""},
		{"four parts", "h." + enc(`{"oid":"x"}`) + ".s.t", nil, ""},
		{"padded base64", "h." + base64.URLEncoding.EncodeToString([]byte(`{"oid":"abcd"}`)) + ".s", nil, ""},
		{"not JSON", "h." + enc(`roles`) + ".s", nil, ""},
		{"empty", "", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ParseClaims(c.token)
			if !slices.Equal(got.Roles, c.roles) || got.OID != c.oid {
				t.Fatalf("ParseClaims = %+v, want roles %v oid %q", got, c.roles, c.oid)
			}
		})
	}
}

// A Retry-After of a day from the token endpoint and from Graph waits
// MaxRetryWait, and every client tells RetryLog about each wait.
func TestRetryAfterCappedAndLogged(t *testing.T) {
	var mu sync.Mutex
	var logged []map[string]any
	srv, s := emulatorSession(t, false, nil, func(o *Options) {
		o.MaxRetryWait = 300 * time.Millisecond
		o.RetryLog = func(_ context.Context, _ string, f map[string]any) {
			mu.Lock()
			logged = append(logged, f)
			mu.Unlock()
		}
	})
	for _, f := range []emulator.Fault{
		{Service: "login", Path: `/oauth2/v2.0/token$`, Status: 429, RetryAfter: 86400, Count: 1},
		{Service: "graph", Path: `^/v1.0/applications/`, Status: 503, RetryAfter: 86400, Count: 1},
	} {
		if err := srv.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Graph().GetApplication(ctx, "00000000-0000-4000-8000-000000000001"); err == nil {
		t.Fatal("want not found")
	}
	retries := srv.Retries()
	if len(retries) != 2 {
		t.Fatalf("retries %+v, want the token request and the Graph read", retries)
	}
	for _, r := range retries {
		if r.RetryAfter != 24*time.Hour || r.Waited < 300*time.Millisecond || r.Waited > 10*time.Second {
			t.Errorf("%s: asked %v, waited %v; want the 300ms cap", r.Request, r.RetryAfter, r.Waited)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	var apis []string
	for _, l := range logged {
		apis = append(apis, fmt.Sprint(l["api"]))
		if l["delay"] != "300ms" || l["retry_after"] != "24h0m0s" || !strings.HasPrefix(fmt.Sprint(l["attempt"]), "retry 1 of ") {
			t.Errorf("logged %v", l)
		}
	}
	if !slices.Equal(apis, []string{"identity platform", "Microsoft Graph"}) {
		t.Errorf("logged waits of %v", apis)
	}
}

// A wait that would outlast the operation's deadline is not started: the
// service's answer comes back at once, not "context deadline exceeded"
// after sleeping into it.
func TestRetryWaitPastDeadlineGivesUpAtOnce(t *testing.T) {
	var mu sync.Mutex
	var msgs []string
	srv, s := emulatorSession(t, false, nil, func(o *Options) {
		o.RetryLog = func(_ context.Context, msg string, _ map[string]any) {
			mu.Lock()
			msgs = append(msgs, msg)
			mu.Unlock()
		}
	})
	if _, err := s.Graph().GetApplication(context.Background(), "00000000-0000-4000-8000-000000000002"); err == nil {
		t.Fatal("want not found") // signs in first, so the fault below meets Graph only
	}
	if err := srv.InjectFault(emulator.Fault{Service: "graph", Path: `^/v1.0/applications/`, Status: 429, RetryAfter: 3600, Count: 1}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := s.Graph().GetApplication(ctx, "00000000-0000-4000-8000-000000000002")
	var ge *graph.APIError
	if !errors.As(err, &ge) || ge.StatusCode != http.StatusTooManyRequests || time.Since(start) > 10*time.Second {
		t.Fatalf("after %v: %v, want Graph's 429 at once", time.Since(start), err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(msgs) != 1 || !strings.Contains(msgs[0], "not retrying, the wait would pass the operation's deadline") {
		t.Fatalf("logged %q", msgs)
	}
}
