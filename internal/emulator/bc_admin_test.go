package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

func TestBCAuthorizedAppsRefuseAppOnlyToken(t *testing.T) {
	f := newBCFixture(t)
	// "The endpoint can't be used when authenticated as an app."
	// (administration-center-api_authorizedaadapps.md, GET and PUT)
	for _, c := range []struct{ method, path string }{
		{http.MethodPut, "/admin/v2.24/authorizedAadApps/" + bcTestVendorApp},
		{http.MethodGet, "/admin/v2.24/authorizedAadApps"},
		{http.MethodDelete, "/admin/v2.24/authorizedAadApps/" + bcTestVendorApp},
	} {
		m := f.do(t, c.method, c.path, "vendor", "").adminErr(t, http.StatusForbidden, "Forbidden")
		if m["message"] != "The endpoint can't be used when authenticated as an app." {
			t.Errorf("%s %s message = %q", c.method, c.path, m["message"])
		}
	}
	if ids, _ := f.s.BCAuthorizedApps(bcTestCustomer); len(ids) != 0 {
		t.Fatalf("refused PUT still authorized: %v", ids)
	}
}

func TestBCAuthorizedAppsNeedAdminRole(t *testing.T) {
	f := newBCFixture(t)
	m := f.do(t, http.MethodPut, "/admin/v2.24/authorizedAadApps/"+bcTestVendorApp, "user", "").adminErr(t, http.StatusForbidden, "Forbidden")
	if !strings.Contains(m["message"].(string), "Dynamics 365 Administrator") {
		t.Errorf("message should name the role: %q", m["message"])
	}
	f.do(t, http.MethodGet, "/admin/v2.24/authorizedAadApps", "", "").adminErr(t, http.StatusUnauthorized, "Unauthorized")
}

func TestBCAuthorizeListRemoveDelegated(t *testing.T) {
	f := newBCFixture(t)
	// PUT answers {appId, isAdminConsentGranted}; the vendor app holds
	// AdminCenter.ReadWrite.All in this tenant, the other app does not.
	r := f.do(t, http.MethodPut, "/admin/v2.24/authorizedAadApps/"+strings.ToUpper(bcTestVendorApp), "d365admin", "").want(t, http.StatusOK)
	if got, want := r.json(t), map[string]any{"appId": bcTestVendorApp, "isAdminConsentGranted": true}; !reflect.DeepEqual(got, want) {
		t.Fatalf("PUT body = %v, want %v", got, want)
	}
	r = f.do(t, http.MethodPut, "/admin/v2.24/authorizedAadApps/"+bcTestOtherApp, "d365admin", "").want(t, http.StatusOK)
	if got := r.json(t); got["isAdminConsentGranted"] != false {
		t.Fatalf("authorizing does not grant consent: %v", got)
	}
	// Repeating the PUT changes nothing.
	f.do(t, http.MethodPut, "/admin/v2.24/authorizedAadApps/"+bcTestVendorApp, "d365admin", "").want(t, http.StatusOK)

	// GET is a bare array (not wrapped in "value").
	var list []map[string]any
	r = f.do(t, http.MethodGet, "/admin/v2.24/authorizedAadApps", "d365admin", "").want(t, http.StatusOK)
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatalf("GET authorizedAadApps is not a JSON array: %s", r.body)
	}
	want := []map[string]any{
		{"appId": bcTestVendorApp, "isAdminConsentGranted": true},
		{"appId": bcTestOtherApp, "isAdminConsentGranted": false},
	}
	if !reflect.DeepEqual(list, want) {
		t.Fatalf("GET = %v, want %v", list, want)
	}

	f.do(t, http.MethodDelete, "/admin/v2.24/authorizedAadApps/"+bcTestOtherApp, "d365admin", "").want(t, http.StatusOK)
	f.do(t, http.MethodDelete, "/admin/v2.24/authorizedAadApps/"+bcTestOtherApp, "d365admin", "").adminErr(t, http.StatusNotFound, "ResourceDoesNotExist")
	ids, err := f.s.BCAuthorizedApps(bcTestCustomer)
	mustNil(t, err)
	if !reflect.DeepEqual(ids, []string{bcTestVendorApp}) {
		t.Fatalf("authorized after DELETE = %v", ids)
	}

	f.do(t, http.MethodPut, "/admin/v2.24/authorizedAadApps/not-a-guid", "d365admin", "").adminErr(t, http.StatusBadRequest, "InvalidInput")
	f.do(t, http.MethodPost, "/admin/v2.24/authorizedAadApps/"+bcTestVendorApp, "d365admin", "").adminErr(t, http.StatusMethodNotAllowed, "Unknown")
}

func TestBCManageableTenants(t *testing.T) {
	f := newBCFixture(t)
	const path = "/admin/v2.24/authorizedAadApps/manageableTenants"

	// Not authorized in the calling tenant: refused.
	f.do(t, http.MethodGet, path, "vendor", "").adminErr(t, http.StatusUnauthorized, "Unauthorized")

	mustNil(t, f.s.AuthorizeBCApp(bcTestCustomer, bcTestVendorApp))
	mustNil(t, f.s.AuthorizeBCApp(bcTestCustomer2, bcTestVendorApp))
	mustNil(t, f.s.AuthorizeBCApp(bcTestCustomer2, bcTestOtherApp))

	r := f.do(t, http.MethodGet, path, "vendor", "").want(t, http.StatusOK)
	want := map[string]any{"value": []any{
		map[string]any{"entraTenantId": bcTestCustomer},
		map[string]any{"entraTenantId": bcTestCustomer2},
	}}
	if got := r.json(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("manageableTenants = %v, want %v", got, want)
	}
	// The same answer through any tenant where the app may call.
	r = f.do(t, http.MethodGet, path, "vendor-in-2", "").want(t, http.StatusOK)
	if got := r.json(t); !reflect.DeepEqual(got, want) {
		t.Fatalf("from tenant 2 = %v", got)
	}

	// Authorized, but AdminCenter.ReadWrite.All not in the token.
	f.do(t, http.MethodGet, path, "vendor-noroles", "").adminErr(t, http.StatusForbidden, "Forbidden")
	// "can only be used when authenticated as an app"
	f.do(t, http.MethodGet, path, "d365admin", "").adminErr(t, http.StatusForbidden, "Forbidden")
	// Introduced in 2.24.
	f.do(t, http.MethodGet, "/admin/v2.23/authorizedAadApps/manageableTenants", "vendor", "").adminErr(t, http.StatusNotFound, "Unknown")
}

func TestBCEnvironments(t *testing.T) {
	f := newBCFixture(t)
	mustNil(t, f.s.SeedBCEnvironment(bcTestCustomer, BCEnvironmentSpec{Name: "Production", CountryCode: "us", Version: "26.5"}))
	mustNil(t, f.s.SeedBCEnvironment(bcTestCustomer, BCEnvironmentSpec{Name: "Sandbox-Test", Type: "Sandbox", CountryCode: "DK", RingName: "PREVIEW"}))
	mustNil(t, f.s.AuthorizeBCApp(bcTestCustomer, bcTestVendorApp))

	for _, path := range []string{
		"/admin/v2.24/applications/BusinessCentral/environments",
		"/admin/v2.24/applications/businesscentral/environments",
		"/admin/v2.24/applications/environments",
	} {
		for _, tok := range []string{"vendor", "d365admin"} {
			m := f.do(t, http.MethodGet, path, tok, "").want(t, http.StatusOK).json(t)
			envs := m["value"].([]any)
			if len(envs) != 2 {
				t.Fatalf("%s as %s: %d environments", path, tok, len(envs))
			}
			p := envs[0].(map[string]any)
			for k, want := range map[string]any{
				"name": "Production", "friendlyName": "Production", "type": "Production", "countryCode": "US",
				"applicationFamily": "BusinessCentral", "aadTenantId": bcTestCustomer, "status": "Active",
				"ringName": "PROD", "webClientLoginUrl": "https://businesscentral.dynamics.com/" + bcTestCustomer + "/Production",
				"webServiceUrl": f.srv.URL + "/v2.0/" + bcTestCustomer + "/Production",
				"softDeletedOn": nil,
			} {
				if p[k] != want {
					t.Errorf("%s: %s = %v, want %v", path, k, p[k], want)
				}
			}
			if v := p["versionDetails"].(map[string]any)["version"]; v != "26.5" {
				t.Errorf("versionDetails.version = %v", v)
			}
			sb := envs[1].(map[string]any)
			if sb["type"] != "Sandbox" || sb["countryCode"] != "DK" || sb["ringName"] != "PREVIEW" {
				t.Errorf("sandbox = %v", sb)
			}
		}
	}

	m := f.do(t, http.MethodGet, "/admin/v2.24/applications/BusinessCentral/environments/sandbox-test", "vendor", "").want(t, http.StatusOK).json(t)
	if m["name"] != "Sandbox-Test" {
		t.Fatalf("get by name = %v", m)
	}
	e := f.do(t, http.MethodGet, "/admin/v2.24/applications/BusinessCentral/environments/Nope", "vendor", "").adminErr(t, http.StatusNotFound, "EnvironmentNotFound")
	if e["target"] != "BusinessCentral/Nope" {
		t.Errorf("target = %v", e["target"])
	}
	f.do(t, http.MethodGet, "/admin/v2.24/applications/Dynamics/environments", "vendor", "").adminErr(t, http.StatusNotFound, "ApplicationTypeDoesNotExist")

	// App-only needs AdminCenter.ReadWrite.All; a user needs an admin role.
	f.do(t, http.MethodGet, "/admin/v2.24/applications/environments", "vendor-noroles", "").adminErr(t, http.StatusForbidden, "Forbidden")
	f.do(t, http.MethodGet, "/admin/v2.24/applications/environments", "user", "").adminErr(t, http.StatusForbidden, "Forbidden")
	// Not authorized in the admin center: 401.
	mustNil(t, f.s.RemoveBCAuthorizedApp(bcTestCustomer, bcTestVendorApp))
	f.do(t, http.MethodGet, "/admin/v2.24/applications/environments", "vendor", "").adminErr(t, http.StatusUnauthorized, "Unauthorized")
}

func TestBCAdminVersions(t *testing.T) {
	f := newBCFixture(t)
	for _, v := range []string{"v2.30", "v3.0", "v2", "2.24", "v2.024", "v2.x"} {
		f.do(t, http.MethodGet, "/admin/"+v+"/applications/environments", "d365admin", "").adminErr(t, http.StatusNotFound, "Unknown")
	}
	for _, v := range []string{"v2.3", "v2.15", "v2.29"} {
		f.do(t, http.MethodGet, "/admin/"+v+"/applications/environments", "d365admin", "").want(t, http.StatusOK)
	}
}

func TestBCAdminThrottle(t *testing.T) {
	f := newBCFixture(t)
	mustNil(t, f.s.ThrottleBC(bcTestCustomer, 2, 7))
	for range 2 {
		r := f.do(t, http.MethodGet, "/admin/v2.24/applications/environments", "d365admin", "")
		r.adminErr(t, http.StatusTooManyRequests, "TooManyRequests")
		if r.header.Get("Retry-After") != "7" {
			t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
		}
	}
	f.do(t, http.MethodGet, "/admin/v2.24/applications/environments", "d365admin", "").want(t, http.StatusOK)
}

func TestBCConsentShowsAfterDelay(t *testing.T) {
	f := newBCFixture(t)
	mustNil(t, f.s.SetBCConsentDelay(bcTestCustomer, time.Hour))
	setCreated := func(at time.Time) {
		mustNil(t, f.s.store.Update(func(tx *store.Tx) error {
			tx.TenantByID(bcTestCustomer).AppRoleAssignments["ara-1"].CreatedDateTime = at
			return nil
		}))
	}
	setCreated(f.s.now())
	r := f.do(t, http.MethodPut, "/admin/v2.24/authorizedAadApps/"+bcTestVendorApp, "d365admin", "").want(t, http.StatusOK)
	if r.json(t)["isAdminConsentGranted"] != false {
		t.Fatalf("consent visible before the delay: %s", r.body)
	}
	setCreated(f.s.now().Add(-2 * time.Hour))
	r = f.do(t, http.MethodGet, "/admin/v2.24/authorizedAadApps", "d365admin", "").want(t, http.StatusOK)
	if !strings.Contains(string(r.body), `"isAdminConsentGranted":true`) {
		t.Fatalf("consent not visible after the delay: %s", r.body)
	}
}

// The identity platform's documented paths (CONTRIBUTING.md) and BC's share
// one origin: each reaches its own service's route table.
func TestBCRoutesDoNotOverlapLoginPaths(t *testing.T) {
	s := newTestServer(t)
	for _, c := range []struct {
		method, path string
		status       int
		want         string // a field of the JSON answer that only this service writes
	}{
		{"GET", "/" + DefaultHomeTenantID + "/v2.0/.well-known/openid-configuration", 200, "token_endpoint"},
		{"GET", "/" + DefaultHomeTenantID + "/discovery/v2.0/keys", 200, "keys"},
		{"GET", "/common/discovery/instance", 200, "tenant_discovery_endpoint"},
		{"POST", "/" + DefaultHomeTenantID + "/oauth2/v2.0/token", 400, "error_codes"},
		{"POST", "/" + DefaultHomeTenantID + "/oauth2/v2.0/devicecode", 400, "error_codes"},
		{"GET", "/" + DefaultHomeTenantID + "/oauth2/v2.0/authorize", 400, "error_codes"},
		{"GET", "/" + DefaultHomeTenantID + "/adminconsent", 400, "error_codes"},
		{"GET", "/" + DefaultHomeTenantID + "/v2.0/adminconsent", 400, "error_codes"},
		{"GET", "/admin/v2.24/applications/environments", 401, "code"},
		{"GET", "/v2.0/" + DefaultHomeTenantID + "/Production/api/microsoft/automation/v2.0/companies", 401, "error"},
		{"GET", "/v2.0/Production/api/microsoft/automation/v2.0/companies", 401, "error"},
	} {
		r := call(t, s, c.method, c.path, "", nil)
		if r.Status != c.status || r.Body[c.want] == nil {
			t.Errorf("%s %s = %d %s, want %d with %q", c.method, c.path, r.Status, r.Raw, c.status, c.want)
		}
	}
}
