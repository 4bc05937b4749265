package bcadmin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
)

// Client behaviour against httptest fakes: retries, errors, versions,
// paging. End-to-end tests against the emulator live in
// internal/emulator/bc_client_test.go.

const tenant = "c1c1c1c1-0000-4000-8000-000000000001"

type fake struct {
	srv    *httptest.Server
	calls  atomic.Int32
	sleeps []time.Duration
}

func newFake(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *fake {
	t.Helper()
	f := &fake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(f.calls.Add(1))
		if got := r.Header.Get("Authorization"); got != "Bearer tok-"+tenant {
			t.Errorf("Authorization = %q", got)
		}
		h(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) client(t *testing.T, o bcadmin.Options) *bcadmin.Client {
	t.Helper()
	src := bcadmin.TokenSourceFunc(func(_ context.Context, tenantID, resource string) (string, error) {
		if resource != "https://api.businesscentral.dynamics.com" {
			t.Errorf("resource = %q", resource)
		}
		return "tok-" + tenantID, nil
	})
	o.Endpoint = f.srv.URL
	if o.Tokens == nil && o.DelegatedTokens == nil {
		o.Tokens, o.DelegatedTokens = src, src
	}
	c, err := bcadmin.New(o)
	if err != nil {
		t.Fatal(err)
	}
	c.SetSleep(func(ctx context.Context, d time.Duration) error {
		f.sleeps = append(f.sleeps, d)
		return ctx.Err()
	})
	return c
}

func TestRetryAfterSecondsAndDate(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.Header().Set("Retry-After", time.Now().Add(10*time.Second).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			fmt.Fprint(w, `{"value":[{"name":"Production","versionDetails":{"version":"26.1"}}]}`)
		}
	})
	c := f.client(t, bcadmin.Options{})
	envs, err := c.ListEnvironments(context.Background(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 1 || envs[0].Version() != "26.1" {
		t.Fatalf("envs = %+v", envs)
	}
	if len(f.sleeps) != 2 || f.sleeps[0] != 5*time.Second || f.sleeps[1] < 8*time.Second || f.sleeps[1] > 10*time.Second {
		t.Fatalf("sleeps = %v", f.sleeps)
	}
}

func TestServerErrorsRetriedOnlyWhenIdempotent(t *testing.T) {
	status := http.StatusBadGateway
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(status)
	})
	c := f.client(t, bcadmin.Options{MaxRetries: 2, RetryBaseDelay: time.Second})
	// POST userPermissions: a 502 may have assigned already; not repeated.
	_, err := c.AddUserPermission(context.Background(), tenant, "Production", "c", "u", "LOCAL", "")
	var apiErr *bcadmin.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || f.calls.Load() != 1 {
		t.Fatalf("POST: err %v after %d calls", err, f.calls.Load())
	}
	// A 503 was not processed: the POST is repeated (a duplicate would be
	// refused with 409 EntityWithSameKeyExists anyway).
	status = http.StatusServiceUnavailable
	f.calls.Store(0)
	f.sleeps = nil
	if _, err = c.AddUserPermission(context.Background(), tenant, "Production", "c", "u", "LOCAL", ""); !errors.As(err, &apiErr) || f.calls.Load() != 3 {
		t.Fatalf("POST after 503: err %v after %d calls", err, f.calls.Load())
	}
	f.sleeps = nil
	// GET: retried MaxRetries times with growing backoff.
	f.calls.Store(0)
	_, err = c.ListCompanies(context.Background(), tenant, "Production")
	if !errors.As(err, &apiErr) || f.calls.Load() != 3 {
		t.Fatalf("GET: err %v after %d calls", err, f.calls.Load())
	}
	if len(f.sleeps) != 2 || f.sleeps[0] < 500*time.Millisecond || f.sleeps[0] > time.Second ||
		f.sleeps[1] < time.Second || f.sleeps[1] > 2*time.Second {
		t.Fatalf("backoff = %v", f.sleeps)
	}
}

func TestThrottledPOSTRetried(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":"p1","roleId":"LOCAL","@odata.etag":"W/\"x\""}`)
	})
	c := f.client(t, bcadmin.Options{})
	p, err := c.AddUserPermission(context.Background(), tenant, "Production", "c", "u", "LOCAL", "")
	if err != nil || p.ID != "p1" || p.ETag != `W/"x"` {
		t.Fatalf("p = %+v, err %v", p, err)
	}
}

func TestRetriesExhausted(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"code":"TooManyRequests","message":"slow down"}`)
	})
	c := f.client(t, bcadmin.Options{MaxRetries: 3})
	_, err := c.ListEnvironments(context.Background(), tenant)
	var apiErr *bcadmin.APIError
	if !errors.Is(err, bcadmin.ErrThrottled) || !errors.As(err, &apiErr) || apiErr.RetryAfter != 2*time.Second || f.calls.Load() != 4 {
		t.Fatalf("err %v after %d calls", err, f.calls.Load())
	}
}

func TestRetryBoundedByContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		cancel()
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := realSleep(t, f)
	_, err := c.ListEnvironments(ctx, tenant)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if f.calls.Load() != 1 {
		t.Fatalf("calls = %d", f.calls.Load())
	}
}

// realSleep builds a client that waits with its production timer; the
// context is cancelled before it would ever fire.
func realSleep(t *testing.T, f *fake) *bcadmin.Client {
	t.Helper()
	src := bcadmin.TokenSourceFunc(func(_ context.Context, tenantID, _ string) (string, error) { return "tok-" + tenantID, nil })
	c, err := bcadmin.New(bcadmin.Options{Endpoint: f.srv.URL, Tokens: src})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestErrorShapes(t *testing.T) {
	cases := []struct {
		status      int
		body        string
		code, msg   string
		is, isNot   error
		apiVersion  string
		call        func(*bcadmin.Client) error
		wantPathSfx string
	}{
		{status: 404, body: `{"code":"EnvironmentNotFound","message":"gone","target":"BusinessCentral/X"}`,
			code: "EnvironmentNotFound", msg: "gone", is: bcadmin.ErrNotFound,
			call: func(c *bcadmin.Client) error {
				_, err := c.GetEnvironment(context.Background(), tenant, "X")
				return err
			},
			wantPathSfx: "/admin/v2.24/applications/BusinessCentral/environments/X"},
		{status: 401, body: `{"error":{"code":"Authentication_InvalidCredentials","message":"The server has rejected the client credentials.  CorrelationId:  x."}}`,
			code: "Authentication_InvalidCredentials", is: bcadmin.ErrUnauthorized, isNot: bcadmin.ErrDelegatedAdminRequired,
			call: func(c *bcadmin.Client) error {
				_, err := c.ListCompanies(context.Background(), tenant, "Production")
				return err
			},
			wantPathSfx: "/v2.0/" + tenant + "/Production/api/microsoft/automation/v2.0/companies"},
		{status: 403, body: `<html>Forbidden</html>`, msg: "<html>Forbidden</html>", is: bcadmin.ErrDelegatedAdminRequired,
			call: func(c *bcadmin.Client) error {
				_, err := c.AuthorizeApp(context.Background(), tenant, "b0b0b0b0-0000-4000-8000-00000000a991")
				return err
			},
			wantPathSfx: "/admin/v2.24/authorizedAadApps/b0b0b0b0-0000-4000-8000-00000000a991"},
		{status: 409, body: `{"error":{"code":"Internal_EntityWithSameKeyExists","message":"exists"}}`,
			code: "Internal_EntityWithSameKeyExists", is: bcadmin.ErrAlreadyExists,
			call: func(c *bcadmin.Client) error {
				_, err := c.AddUserPermission(context.Background(), tenant, "Production", "c1", "u1", "LOCAL", "")
				return err
			},
			wantPathSfx: "/v2.0/" + tenant + "/Production/api/microsoft/automation/v2.0/companies(c1)/users(u1)/userPermissions"},
	}
	for _, tc := range cases {
		var path string
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			path = r.URL.Path
			w.WriteHeader(tc.status)
			fmt.Fprint(w, tc.body)
		})
		err := tc.call(f.client(t, bcadmin.Options{}))
		var apiErr *bcadmin.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: not an APIError: %v", tc.wantPathSfx, err)
		}
		if apiErr.StatusCode != tc.status || apiErr.Code != tc.code || (tc.msg != "" && apiErr.Message != tc.msg) {
			t.Errorf("%s: %+v", tc.wantPathSfx, apiErr)
		}
		if !errors.Is(err, tc.is) || (tc.isNot != nil && errors.Is(err, tc.isNot)) {
			t.Errorf("%s: errors.Is wrong for %v", tc.wantPathSfx, err)
		}
		if path != tc.wantPathSfx || !strings.Contains(err.Error(), tc.wantPathSfx) || strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("path %q, error %q", path, err)
		}
	}
}

func TestNoCredentialForTheCall(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { t.Error("no request expected") })
	src := bcadmin.TokenSourceFunc(func(context.Context, string, string) (string, error) { return "x", nil })
	appOnly, err := bcadmin.New(bcadmin.Options{Endpoint: f.srv.URL, Tokens: src})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := appOnly.ListAuthorizedApps(context.Background(), tenant); !errors.Is(err, bcadmin.ErrDelegatedAdminRequired) {
		t.Errorf("ListAuthorizedApps: %v", err)
	}
	delegatedOnly, err := bcadmin.New(bcadmin.Options{Endpoint: f.srv.URL, DelegatedTokens: src})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := delegatedOnly.ListManageableTenants(context.Background(), tenant); !errors.Is(err, bcadmin.ErrAppTokenRequired) {
		t.Errorf("ListManageableTenants: %v", err)
	}
}

func TestVersions(t *testing.T) {
	var paths []string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		paths = append(paths, r.URL.Path)
		fmt.Fprint(w, `{"value":[{"entraTenantId":"t1"},{"entraTenantId":"t2"}]}`)
	})
	c := f.client(t, bcadmin.Options{APIVersion: "v2.15"})
	ids, err := c.ListManageableTenants(context.Background(), tenant)
	if err != nil || !reflect.DeepEqual(ids, []string{"t1", "t2"}) {
		t.Fatalf("ids %v err %v", ids, err)
	}
	if _, err := c.ListEnvironments(context.Background(), tenant); err != nil {
		t.Fatal(err)
	}
	want := []string{"/admin/v2.24/authorizedAadApps/manageableTenants", "/admin/v2.15/applications/BusinessCentral/environments"}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("paths = %v", paths)
	}
	for _, v := range []string{"2.24", "v3.0", "v2.x", "v2.024"} {
		if _, err := bcadmin.New(bcadmin.Options{APIVersion: v, Tokens: bcadmin.TokenSourceFunc(nil)}); err == nil {
			t.Errorf("version %q accepted", v)
		}
	}
	if _, err := bcadmin.New(bcadmin.Options{Endpoint: "api.businesscentral.dynamics.com", Tokens: bcadmin.TokenSourceFunc(nil)}); err == nil {
		t.Error("endpoint without scheme accepted")
	}
	if _, err := bcadmin.New(bcadmin.Options{}); err == nil {
		t.Error("no token source accepted")
	}
}

func TestGetEnvironmentBothShapes(t *testing.T) {
	for _, body := range []string{
		`{"name":"Sandbox","type":"Sandbox","countryCode":"DK"}`,
		`{"value":[{"name":"Sandbox","type":"Sandbox","countryCode":"DK"}]}`,
	} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { fmt.Fprint(w, body) })
		e, err := f.client(t, bcadmin.Options{}).GetEnvironment(context.Background(), tenant, "Sandbox")
		if err != nil || e.Name != "Sandbox" || e.Type != "Sandbox" || e.CountryCode != "DK" {
			t.Fatalf("%s: %+v %v", body, e, err)
		}
	}
}

func TestListFollowsNextLinkOnSameOrigin(t *testing.T) {
	var f *fake
	f = newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Query().Get("$skiptoken") {
		case "":
			fmt.Fprintf(w, `{"value":[{"userName":"A"}],"@odata.nextLink":"%s%s?$skiptoken=2"}`, f.srv.URL, r.URL.Path)
		case "2":
			fmt.Fprint(w, `{"value":[{"userName":"B"}],"@odata.nextLink":"https://elsewhere.example/x?$skiptoken=3"}`)
		}
	})
	users, err := f.client(t, bcadmin.Options{}).ListUsers(context.Background(), tenant, "Production", "c1")
	if err != nil || len(users) != 2 || users[1].UserName != "B" || f.calls.Load() != 2 {
		t.Fatalf("users %+v err %v calls %d", users, err, f.calls.Load())
	}
}

func TestRemoveIsIdempotentAndSendsIfMatch(t *testing.T) {
	var ifMatch []string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		ifMatch = append(ifMatch, r.Header.Get("If-Match"))
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":"Internal_RecordNotFound","message":"gone"}}`)
	})
	c := f.client(t, bcadmin.Options{})
	if err := c.RemoveUserPermission(context.Background(), tenant, "Production", "c", "u", "p", ""); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveUserPermission(context.Background(), tenant, "Production", "c", "u", "p", `W/"abc"`); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ifMatch, []string{"*", `W/"abc"`}) {
		t.Fatalf("If-Match = %v", ifMatch)
	}
	if err := c.RemoveAuthorizedApp(context.Background(), tenant, "b0b0b0b0-0000-4000-8000-00000000a991"); err != nil {
		t.Fatal(err)
	}
}

func TestAppUserName(t *testing.T) {
	if got := bcadmin.AppUserName("  Contoso Connector "); got != "CONTOSO CONNECTOR" {
		t.Errorf("got %q", got)
	}
	if got := bcadmin.AppUserName(strings.Repeat("ä", 60)); len([]rune(got)) != 50 {
		t.Errorf("not truncated to 50: %d", len([]rune(got)))
	}
}

func TestFindAppUserQuery(t *testing.T) {
	var filter, rawQuery string
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "/companies") {
			fmt.Fprint(w, `{"value":[{"id":"c1","name":"CRONUS USA, Inc."}]}`)
			return
		}
		filter, rawQuery = r.URL.Query().Get("$filter"), r.URL.RawQuery
		fmt.Fprint(w, `{"value":[{"userSecurityId":"u1","userName":"O'BRIEN APP","state":"Enabled"}]}`)
	})
	u, err := f.client(t, bcadmin.Options{}).FindAppUser(context.Background(), tenant, "Production", "client", "O'Brien App")
	if err != nil || u.UserSecurityID != "u1" || u.CompanyID != "c1" {
		t.Fatalf("u %+v err %v", u, err)
	}
	if filter != "userName eq 'O''BRIEN APP'" || strings.Contains(rawQuery, "+") {
		t.Fatalf("$filter %q (raw %q)", filter, rawQuery)
	}
}

// A Retry-After of a day waits MaxRetryWait, and each wait is logged with
// the API, method, path without its query, status, delay and retry n of m.
func TestRetryAfterCappedAndLogged(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "86400")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `{"value":[]}`)
	})
	var logged []map[string]any
	c := f.client(t, bcadmin.Options{MaxRetryWait: 2 * time.Minute, Log: func(_ context.Context, msg string, fields map[string]any) {
		logged = append(logged, fields)
	}})
	if _, err := c.ListEnvironments(context.Background(), tenant); err != nil {
		t.Fatal(err)
	}
	if len(f.sleeps) != 1 || f.sleeps[0] != 2*time.Minute {
		t.Fatalf("sleeps = %v, want the 2m cap", f.sleeps)
	}
	if len(logged) != 1 {
		t.Fatalf("logged %v", logged)
	}
	l := logged[0]
	if l["api"] != "Business Central" || l["method"] != http.MethodGet || l["status"] != http.StatusTooManyRequests || l["delay"] != "2m0s" ||
		l["retry_after"] != "24h0m0s" || l["attempt"] != "retry 1 of 4" || !strings.HasPrefix(fmt.Sprint(l["path"]), "/admin/") || strings.Contains(fmt.Sprint(l["path"]), "?") {
		t.Fatalf("logged %v", l)
	}
}

// A wait that would pass the context's deadline is not started; the error
// is Business Central's answer, and says why it was not retried.
func TestRetryWaitPastDeadlineNotStarted(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := f.client(t, bcadmin.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.ListEnvironments(ctx, tenant)
	if !errors.Is(err, bcadmin.ErrThrottled) || !errors.Is(err, context.DeadlineExceeded) || len(f.sleeps) != 0 || f.calls.Load() != 1 {
		t.Fatalf("err %v, sleeps %v, calls %d; want the 429 at once", err, f.sleeps, f.calls.Load())
	}
}
