package graph

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func newClient(t *testing.T) (*emulator.Server, *Client) {
	t.Helper()
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cloud, _ := auth.CloudByName("public")
	cloud.LoginEndpoint = srv.URL()
	a, err := auth.New(auth.Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Endpoint: srv.URL(), Resource: cloud.GraphResource, TenantID: emulator.DefaultHomeTenantID, Tokens: a,
		HTTPClient: srv.HTTPClient(), RetryBaseDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestUpsertIsIdempotentAndRetriesThrottling(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()
	// Two 503s and a 429 on the upsert: retried, and still one app.
	_ = srv.InjectFault(emulator.Fault{Service: "graph", Method: "PATCH", Path: `uniqueName`, Status: 503, Count: 2})
	_ = srv.InjectFault(emulator.Fault{Service: "graph", Method: "PATCH", Path: `uniqueName`, Status: 429, RetryAfter: 0, Count: 1})
	app, created, err := c.UpsertApplication(ctx, "onboard-test-1", ApplicationPatch{DisplayName: ptr("Connector"), SignInAudience: ptr("AzureADMyOrg"),
		WebRedirectURIs: ptr([]string{"https://businesscentral.dynamics.com/OAuthLanding.htm"})})
	if err != nil || !created || app.AppID == "" || app.UniqueName != "onboard-test-1" || app.WebRedirectURIs[0] != "https://businesscentral.dynamics.com/OAuthLanding.htm" {
		t.Fatalf("upsert: %+v created=%v err=%v", app, created, err)
	}
	again, created, err := c.UpsertApplication(ctx, "onboard-test-1", ApplicationPatch{DisplayName: ptr("Connector")})
	if err != nil || created || again.ID != app.ID {
		t.Fatalf("second upsert: %+v created=%v err=%v", again, created, err)
	}
	list, err := c.ListApplicationsByDisplayName(ctx, "Connector")
	if err != nil || len(list) != 1 {
		t.Fatalf("apps named Connector: %d %v", len(list), err)
	}
	if n := srv.Counters().ByPath["PATCH /v1.0/applications(uniqueName='onboard-test-1')"]; n != 5 {
		t.Fatalf("PATCH requests = %d, want 5 (3 faults + 2 upserts)", n)
	}
}

func TestPasswordsAndServicePrincipal(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()
	app, _, err := c.UpsertApplication(ctx, "onboard-test-2", ApplicationPatch{DisplayName: ptr("Replicator")})
	if err != nil {
		t.Fatal(err)
	}
	end := srv.Now().Add(365 * 24 * time.Hour).Truncate(time.Second)
	pw, err := c.AddPassword(ctx, app.ID, PasswordCredential{DisplayName: "replicator", EndDateTime: end})
	if err != nil || pw.SecretText == "" || pw.KeyID == "" || !pw.EndDateTime.Equal(end) {
		t.Fatalf("addPassword: %+v %v", pw, err)
	}
	got, err := c.GetApplication(ctx, app.ID)
	if err != nil || len(got.PasswordCredentials) != 1 || got.PasswordCredentials[0].SecretText != "" || got.PasswordCredentials[0].KeyID != pw.KeyID {
		t.Fatalf("get: %+v %v", got.PasswordCredentials, err)
	}
	if d := c.Now().Sub(srv.Now()); d > time.Second || d < -time.Second {
		t.Fatalf("client clock %v differs from Entra's %v", c.Now(), srv.Now())
	}
	srv.Advance(30 * 24 * time.Hour)
	if _, err := c.GetApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if d := c.Now().Sub(srv.Now()); d > time.Second || d < -time.Second {
		t.Fatalf("after advancing: client clock %v, Entra %v", c.Now(), srv.Now())
	}
	if err := c.RemovePassword(ctx, app.ID, pw.KeyID); err != nil {
		t.Fatal(err)
	}
	if err := c.RemovePassword(ctx, app.ID, pw.KeyID); err != nil {
		t.Fatalf("removing twice: %v", err)
	}
	sp, err := c.EnsureServicePrincipal(ctx, app.AppID)
	if err != nil || sp.AppID != app.AppID {
		t.Fatalf("SP: %+v %v", sp, err)
	}
	sp2, err := c.EnsureServicePrincipal(ctx, app.AppID)
	if err != nil || sp2.ID != sp.ID {
		t.Fatalf("SP again: %+v %v", sp2, err)
	}
	graphSP, err := c.GetAPIPermissions(ctx, "00000003-0000-0000-c000-000000000000")
	if err != nil || len(graphSP.AppRoles) < 10 {
		t.Fatalf("Graph SP: %v", err)
	}
	// Finding a service principal asks for its ID, not its 1,500 permissions.
	if found, err := c.GetServicePrincipalByAppID(ctx, "00000003-0000-0000-c000-000000000000"); err != nil || found.ID == "" || len(found.AppRoles) != 0 {
		t.Fatalf("Graph SP by app ID: %d roles, %v", len(found.AppRoles), err)
	}
	if err := c.DeleteApplication(ctx, app.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetApplication(ctx, app.ID); !IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	if err := c.DeleteApplication(ctx, app.ID); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestReplicationDelayIsWaitedOut(t *testing.T) {
	srv, c := newClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.SetReplicationDelay(100 * time.Millisecond)
	app, _, err := c.UpsertApplication(ctx, "onboard-test-3", ApplicationPatch{DisplayName: ptr("Fresh")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetApplication(ctx, app.ID); !IsNotFound(err) {
		t.Fatalf("plain read right after create: %v, want 404", err)
	}
	got, err := c.WaitForApplication(ctx, app.ID)
	if err != nil || got.ID != app.ID {
		t.Fatalf("wait: %v", err)
	}
}

// Many customer tenants of one app read its registration once; a write
// through the client makes the next read go to Graph again.
func TestCachedApplicationByAppID(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()
	app, _, err := c.UpsertApplication(ctx, "cached-read", ApplicationPatch{DisplayName: ptr("cached read")})
	if err != nil {
		t.Fatal(err)
	}
	route := "GET /v1.0/applications(appId='" + app.AppID + "')"
	srv.ResetCounters()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, err := c.CachedApplicationByAppID(ctx, app.AppID); err != nil || got.ID != app.ID {
				t.Errorf("read %+v, %v", got, err)
			}
		}()
	}
	wg.Wait()
	if n := srv.Counters().ByPath[route]; n != 1 {
		t.Fatalf("%d reads of the app for 20 callers, want 1", n)
	}
	rra := []RequiredResourceAccess{{ResourceAppID: "00000003-0000-0000-c000-000000000000", Access: []ResourceAccess{{ID: "df021288-bdef-4463-88db-98f22de89214", Type: "Role"}}}}
	if err := c.SetRequiredResourceAccess(ctx, app.ID, rra); err != nil {
		t.Fatal(err)
	}
	got, err := c.CachedApplicationByAppID(ctx, app.AppID)
	if err != nil || len(got.RequiredResourceAccess) != 1 || srv.Counters().ByPath[route] != 2 {
		t.Fatalf("after a write: %+v, %v, %d reads (want 2)", got.RequiredResourceAccess, err, srv.Counters().ByPath[route])
	}
}

// encodingRecorder notes each request's Content-Encoding.
type encodingRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (r *encodingRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.seen = append(r.seen, req.Method+" "+req.Header.Get("Content-Encoding"))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func TestRequestBodiesAreNotCompressed(t *testing.T) {
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	cloud, _ := auth.CloudByName("public")
	cloud.LoginEndpoint = srv.URL()
	a, err := auth.New(auth.Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	rec := &encodingRecorder{next: srv.HTTPClient().Transport}
	c, err := New(Options{Endpoint: srv.URL(), Resource: cloud.GraphResource, TenantID: emulator.DefaultHomeTenantID, Tokens: a,
		HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.UpsertApplication(context.Background(), "onboard-test-gzip", ApplicationPatch{DisplayName: ptr("Plain")}); err != nil {
		t.Fatal(err)
	}
	// kiota's CompressionHandler would gzip the PATCH body (a new flate
	// writer of about 1 MB per request); the client leaves it out.
	if want := []string{"PATCH "}; len(rec.seen) != 1 || rec.seen[0] != want[0] {
		t.Fatalf("requests (method, Content-Encoding) = %q, want %q", rec.seen, want)
	}
}
