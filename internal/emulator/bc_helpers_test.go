package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/businesscentral"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Test fixtures for the Business Central handlers: requests carry
// "Authorization: Bearer <name>" and a fake authenticator maps the name to a
// principal; the handlers behind it (and the control API) are the production
// ones.

const (
	bcTestCustomer  = "c1c1c1c1-0000-4000-8000-000000000001"
	bcTestCustomer2 = "c2c2c2c2-0000-4000-8000-000000000002"
	bcTestVendorApp = "b0b0b0b0-0000-4000-8000-00000000a991"
	bcTestOtherApp  = "d0d0d0d0-0000-4000-8000-00000000a992"

	// Business Central's application permissions and the AdminCenter.ReadWrite.All role ID.
	bcRoleAdminCenter = "AdminCenter.ReadWrite.All"
	bcRoleAutomation  = "Automation.ReadWrite.All"
	bcRoleIDAdminCtr  = "a20fe46f-4f63-4666-8e0e-9b882d90b837"
)

type bcFixture struct {
	s   *Server
	srv *httptest.Server
	// principals by bearer token name
	principals map[string]*identity.Principal
}

func newBCFixture(t *testing.T) *bcFixture {
	t.Helper()
	clock := &store.Clock{}
	st := store.New(clock)
	mustNil(t, st.Update(func(tx *store.Tx) error {
		for _, id := range []string{DefaultHomeTenantID, bcTestCustomer, bcTestCustomer2} {
			tn := &store.Tenant{ID: id, DisplayName: "tenant " + id[:4],
				ServicePrincipals: map[string]*store.ServicePrincipal{}, AppRoleAssignments: map[string]*store.AppRoleAssignment{}}
			if id == bcTestCustomer {
				tn.Domains = []store.Domain{{Name: "fabrikam.onmicrosoft.com"}}
			}
			if err := tx.PutTenant(tn); err != nil {
				return err
			}
		}
		// In the customer tenant the vendor app holds AdminCenter.ReadWrite.All
		// on the BC service principal (consented); the other app has an SP but
		// no consent.
		c := tx.TenantByID(bcTestCustomer)
		c.ServicePrincipals["sp-bc"] = &store.ServicePrincipal{ID: "sp-bc", AppID: store.BCAppID}
		c.ServicePrincipals["sp-vendor"] = &store.ServicePrincipal{ID: "sp-vendor", AppID: bcTestVendorApp}
		c.ServicePrincipals["sp-other"] = &store.ServicePrincipal{ID: "sp-other", AppID: bcTestOtherApp}
		c.AppRoleAssignments["ara-1"] = &store.AppRoleAssignment{ID: "ara-1", AppRoleID: bcRoleIDAdminCtr, PrincipalID: "sp-vendor", ResourceID: "sp-bc"}
		return nil
	}))

	s := &Server{store: st, clock: clock}
	f := &bcFixture{s: s, principals: map[string]*identity.Principal{
		// A customer admin signed in with the Dynamics 365 Administrator role.
		"d365admin": {TenantID: bcTestCustomer, AppID: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", Delegated: true,
			Scopes: []string{"user_impersonation"}, Wids: []string{store.RoleDynamics365Admin}, UPN: "admin@fabrikam.onmicrosoft.com"},
		// A signed-in user without an admin role.
		"user": {TenantID: bcTestCustomer, AppID: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", Delegated: true,
			Scopes: []string{"user_impersonation"}, UPN: "clerk@fabrikam.onmicrosoft.com"},
		// The vendor app, app-only in the customer tenant, with the BC roles
		// consented there.
		"vendor": {TenantID: bcTestCustomer, AppID: bcTestVendorApp,
			Roles: []string{bcRoleAdminCenter, bcRoleAutomation, "API.ReadWrite.All"}},
		"vendor-noroles": {TenantID: bcTestCustomer, AppID: bcTestVendorApp},
		"vendor-in-2":    {TenantID: bcTestCustomer2, AppID: bcTestVendorApp, Roles: []string{bcRoleAdminCenter}},
	}}
	s.bc = businesscentral.New(st, func(r *http.Request, audience string) (*identity.Principal, error) {
		if audience != store.BCResource {
			t.Errorf("audience = %q, want %q", audience, store.BCResource)
		}
		name := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if p := f.principals[name]; p != nil {
			return p, nil
		}
		return nil, &identity.AuthError{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken", Message: "Access token is empty."}
	})
	mux := http.NewServeMux()
	mux.Handle("/admin/", s.bc)
	mux.Handle("/v2.0/", s.bc)
	mux.Handle("/_emulator/", control.Handler(s))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

type bcResp struct {
	status int
	header http.Header
	body   []byte
}

func (f *bcFixture) do(t *testing.T, method, path, token string, body string, hdr ...string) bcResp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return bcResp{status: res.StatusCode, header: res.Header, body: b}
}

func (r bcResp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

func (r bcResp) want(t *testing.T, status int) bcResp {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// adminErr asserts the admin center's top-level error shape.
func (r bcResp) adminErr(t *testing.T, status int, code string) map[string]any {
	t.Helper()
	r.want(t, status)
	m := r.json(t)
	if m["code"] != code {
		t.Fatalf("code = %v, want %s; body %s", m["code"], code, r.body)
	}
	if _, wrapped := m["error"]; wrapped {
		t.Fatalf("admin center errors are not wrapped in \"error\": %s", r.body)
	}
	return m
}

// odataErr asserts the automation API's OData error shape.
func (r bcResp) odataErr(t *testing.T, status int, code string) string {
	t.Helper()
	r.want(t, status)
	var m struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	if m.Error.Code != code {
		t.Fatalf("error.code = %q, want %s; body %s", m.Error.Code, code, r.body)
	}
	if !strings.Contains(m.Error.Message, "CorrelationId:") {
		t.Errorf("BC messages end with a CorrelationId: %q", m.Error.Message)
	}
	return m.Error.Message
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
